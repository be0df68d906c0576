"""Uploaded file → header and rows, whatever spreadsheet produced it.

CSV: one encoding for the whole file — UTF-8 (with or without BOM), UTF-16 with its BOM (Excel
"Unicode text"), or Windows-1252 (Excel "CSV (séparateur : point-virgule)" on a French
Windows). A file that mixes them (a row pasted from another file) is refused, naming the first
line that does not fit, rather than decoded wrongly (``Hélène`` stored as ``HÃ©lÃ¨ne``).
Separator ``;``, ``,`` or tab, guessed from the header line.
XLSX: the first worksheet, checked then read by :mod:`relais.housing.io.xlsx`.
Row numbers are those the user sees in the spreadsheet: the header is row 1.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from . import xlsx
from .errors import FileError

SEPARATORS = (";", ",", "\t")
UTF8_BOM = b"\xef\xbb\xbf"

__all__ = ["FileError", "Table", "read_upload", "read_csv", "read_xlsx", "decode"]


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the spreadsheet, cells)
    # Cells the reader could not take as the spreadsheet shows them: (row, column index, why).
    unreadable: list[tuple[int, int, str]] = field(default_factory=list)


def read_upload(uploaded) -> Table:
    """Read a Django ``UploadedFile`` (or any object with ``name`` and ``read()``)."""
    name = (uploaded.name or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise FileError(_("Unsupported file type: send a .csv or .xlsx file."))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _first_utf8_line(data: bytes) -> int | None:
    """The first line holding non-ASCII text that is valid UTF-8 (None: there is none)."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return number
    return None


def decode(data: bytes) -> str:
    """The file's text, in its one encoding; :class:`FileError` naming a line otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise _unrecognised(line) from None
    bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if bom else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = _line_of(body, exc.start)
    utf8_line = 1 if bom else _first_utf8_line(body)
    if utf8_line is not None:
        raise FileError(
            _(
                "The file mixes two character encodings: line %(utf8)s is in UTF-8 but line "
                "%(line)s is not (it was probably pasted from another file). Nothing was "
                "imported: save the whole file again as “CSV UTF-8”."
            )
            % {"utf8": utf8_line, "line": bad_line}
        )
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _unrecognised(_line_of(body, exc.start)) from None


def _unrecognised(line) -> FileError:
    return FileError(
        _(
            "The file's character encoding is not recognised (line %(line)s): "
            "save it as “CSV UTF-8”."
        )
        % {"line": line}
    )


def read_csv(data: bytes) -> Table:
    text = decode(data)
    if "\x00" in text:
        raise FileError(_("This is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return _table(enumerate(reader, start=1))
    except csv.Error as exc:
        raise FileError(
            _("The CSV file is malformed near line %(row)s.") % {"row": reader.line_num}
        ) from exc


def read_xlsx(data: bytes) -> Table:
    scan = xlsx.check_workbook(data)
    table = _table(xlsx.read_cells(data, scan))
    table.unreadable = [(row, column - 1, why) for row, column, why in scan.unreadable]
    return table


def _table(numbered_rows) -> Table:
    """First row is the header (it must be row 1); empty rows are skipped."""
    header = None
    rows: list[tuple[int, list]] = []
    max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    for number, cells in numbered_rows:
        if len(cells) > max_columns and any(_filled(cell) for cell in cells[max_columns:]):
            raise FileError(
                _("Line %(row)s has more than %(max)s cells.") % {"row": number, "max": max_columns}
            )
        if header is None:
            header = [_header_name(cell) for cell in cells]
            while header and header[-1] == "":
                header.pop()
            continue
        if not any(_filled(cell) for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise FileError(
                _("The file has more than %(max)s rows: split it into several files.")
                % {"max": f"{max_rows:,}".replace(",", " ")}
            )
        rows.append((number, list(cells)))
    return Table(header=header or [], rows=rows)


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _header_name(cell) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip().lower()
