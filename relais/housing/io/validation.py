"""Checking a table against a format: the header, then every cell; errors are collected.

Nothing stops at the first error: the user gets every problem of the file at once, each
naming the spreadsheet row (header = row 1) and the column.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import cells
from .errors import column_letter
from .formats import Format
from .readers import Table

MAX_SHOWN_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    row: int  # row number in the spreadsheet (1 = header); 0 for the whole file
    column: str  # "" when the error is not about one column
    message: str
    cell: str = ""  # "Q7": column letter and row, as the spreadsheet names the cell

    def __str__(self) -> str:
        if self.row and self.column and self.cell:
            return _("Line %(row)s, column “%(field)s” (cell %(cell)s): %(message)s") % {
                "row": self.row,
                "field": self.column,
                "cell": self.cell,
                "message": self.message,
            }
        if self.row and self.cell:
            return _("Line %(row)s, cell %(cell)s: %(message)s") % {
                "row": self.row,
                "cell": self.cell,
                "message": self.message,
            }
        if self.row and self.column:
            return _("Line %(row)s, column “%(field)s”: %(message)s") % {
                "row": self.row,
                "field": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Line %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class Errors:
    """Every error found in a file, in the order found; sorted by row when shown."""

    def __init__(self):
        self.items: list[RowError] = []
        self.header: list[str] = []  # once checked: names the cell of each error

    def add(self, row: int, column: str, message: str) -> None:
        cell = ""
        if row and column in self.header:
            cell = f"{column_letter(self.header.index(column))}{row}"
        self.items.append(RowError(row, column, message, cell))

    def add_cell(self, row: int, index: int, message: str) -> None:
        """An error about the cell in column ``index`` (0-based), inside the header or not."""
        column = self.header[index] if index < len(self.header) else ""
        self.items.append(RowError(row, column, message, f"{column_letter(index)}{row}"))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[RowError]:
        return sorted(self.items, key=lambda error: error.row)


@dataclass
class Row:
    """One data row, parsed: ``values`` holds the columns present in the file."""

    number: int
    values: dict[str, Any]
    invalid: set[str] = field(default_factory=set)  # columns whose cell was rejected

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def check_header(spec: Format, header: list[str], errors: Errors) -> list[str]:
    """The header's column names, or [] after recording why it is unusable."""
    if not any(header):
        errors.add(1, "", _("The file is empty: its first line must name the columns."))
        return []
    before = len(errors)
    known = set(spec.names)
    unknown = [name or _("(no name)") for name in header if name not in known]
    missing = [name for name in spec.required_names if name not in header]
    twice = sorted({name for name in header if name and header.count(name) > 1})
    if unknown:
        errors.add(
            1,
            "",
            _("Unknown columns: %(columns)s. The columns of this kind of file are: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": ", ".join(spec.names)},
        )
    if missing:
        errors.add(1, "", _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if twice:
        errors.add(1, "", _("Columns given twice: %(columns)s.") % {"columns": ", ".join(twice)})
    return [] if len(errors) > before else header


_EMPTY = object()


def _parse_cell(column, value):
    """(parsed value, error message or None); ``_EMPTY`` as value for an empty cell."""
    if cells.is_empty(value):
        return _EMPTY, None
    try:
        return column.parse(value), None
    except cells.CellError as exc:
        return column.default, exc.message


def parse_table(spec: Format, table: Table, errors: Errors) -> tuple[list[str], list[Row]]:
    """(columns present, parsed rows); cell errors go to ``errors``.

    Spreadsheets repeat values a lot (a building's columns on each of its dwellings, yes/no,
    typologies): each distinct value of a column is parsed once.
    """
    header = check_header(spec, spec.canonical(table.header), errors)
    if not header:
        return [], []
    errors.header = header
    unreadable: dict[int, set[int]] = {}
    for row_number, index, why in table.unreadable:
        errors.add_cell(row_number, index, why)
        unreadable.setdefault(row_number, set()).add(index)
    if not table.rows:
        errors.add(0, "", _("The file has no data rows under the header."))
        return header, []
    columns = list(enumerate(spec.column(name) for name in header))
    width = len(columns)
    cache: dict = {}
    rows = []
    for number, raw in table.rows:
        if len(raw) > width and any(not cells.is_empty(extra) for extra in raw[width:]):
            errors.add(number, "", _("This line has more cells than there are columns."))
        if len(raw) < width:
            raw = [*raw, *([None] * (width - len(raw)))]
        row = Row(number, {})
        for index, column in columns:
            if index in unreadable.get(number, ()):
                row.values[column.name] = column.default
                row.invalid.add(column.name)
                continue
            # True, 1 and 1.0 are equal keys: the type keeps them apart.
            key = (index, type(raw[index]), raw[index])
            try:
                value, message = cache[key]
            except KeyError:
                value, message = cache[key] = _parse_cell(column, raw[index])
            if value is _EMPTY:
                if column.required:
                    errors.add(number, column.name, _("A value is required."))
                value = column.default
            elif message is not None:
                errors.add(number, column.name, message)
                row.invalid.add(column.name)
            row.values[column.name] = value
        rows.append(row)
    return header, rows


def check_unique(rows: list[Row], column: str, errors: Errors) -> None:
    """A reference given twice in the file."""
    first: dict = {}
    for row in rows:
        value = row.get(column)
        if not value:
            continue
        if value in first:
            errors.add(
                row.number,
                column,
                _("“%(value)s” already appears on line %(line)s.")
                % {"value": value, "line": first[value].number},
            )
        else:
            first[value] = row


def check_consistent(
    rows: list[Row], key: str, columns: list[str], message: str, errors: Errors
) -> dict:
    """Rows sharing ``key`` (e.g. one building) must agree on ``columns``.

    ``message`` has %(line)s and %(other)s. Returns key value → first row.
    """
    first: dict = {}
    for row in rows:
        value = row.get(key)
        if not value:
            continue
        reference = first.setdefault(value, row)
        if reference is row:
            continue
        for column in columns:
            if column in row.invalid or column in reference.invalid:
                continue
            if column in row.values and row[column] != reference[column]:
                errors.add(
                    row.number,
                    column,
                    message % {"line": reference.number, "other": _display(reference[column])},
                )
    return first


def _display(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return cells.shown(value)
