"""Reading the first worksheet of an .xlsx workbook, safely and exactly.

An .xlsx file is a zip of XML parts; a small file can declare or inflate to anything. Before a
single row is read, :func:`check_workbook`:

1. checks every zip member: its declared size, the total, then inflates it in chunks (the zip
   module stops at the declared size and checks the CRC, so a member that lies about its size
   is refused) and refuses any XML with a ``<!DOCTYPE``/``<!ENTITY`` (entity expansion: Excel
   never writes one);
2. scans the first worksheet's XML for what it really holds (its ``<dimension>`` is ignored:
   it can be smaller or larger than the data): the extent of the cells, their count, and the
   cells whose value cannot be read as the spreadsheet shows it (error values such as
   ``#N/A``, formulas saved without their computed value).

Then python-calamine (Rust) reads the cells. Limits come from the ``IMPORT_MAX_*`` settings.
See docs/decisions/0022-import-readers.md.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from posixpath import dirname, join, normpath

import python_calamine
from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FileError, column_letter

CHUNK = 1024 * 1024
MAX_MEMBERS = 1000
FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# One cell element: its attributes, then its content (None for ``<c …/>``).
CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
ROW_RE = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
ROW_NUMBER_RE = re.compile(rb'\br="(\d{1,7})"')
TYPE_ERROR_RE = re.compile(rb'\bt="e"')
FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b")
VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")


@dataclass
class SheetScan:
    """What the first worksheet really holds (1-based rows and columns)."""

    rows: int = 0  # highest row number holding a cell
    columns: int = 0  # highest column number holding a cell
    cells: int = 0
    unreadable: list[tuple[int, int, str]] = field(default_factory=list)  # row, column, why


def _limit(name: str) -> int:
    return getattr(settings, name)


def _not_xlsx() -> FileError:
    return FileError(_("This is not a valid .xlsx workbook."))


def check_members(archive: zipfile.ZipFile) -> None:
    """Declared and real sizes within the limit, CRCs right, no DTD in any XML part."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _not_xlsx()
    limit = _limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    if sum(member.file_size for member in members) > limit:
        raise _too_big(limit)
    for member in members:
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                if member.filename.endswith((".xml", ".rels")) and any(
                    marker in window for marker in FORBIDDEN
                ):
                    raise FileError(
                        _(
                            "The workbook contains an XML declaration (DOCTYPE) that Excel never "
                            "writes: it is refused. Open the file and save it again as .xlsx."
                        )
                    )
                tail = window[-16:]


def _too_big(limit: int) -> FileError:
    return FileError(
        _("The workbook is too big once uncompressed (%(max)s MB at most): split it.")
        % {"max": limit // (1024 * 1024)}
    )


def first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first worksheet (from workbook.xml and its relations)."""
    workbook_path = "xl/workbook.xml"
    for relation in _relations(archive, "_rels/.rels"):
        if relation.get("Type", "").endswith("/officeDocument"):
            workbook_path = relation.get("Target", workbook_path).lstrip("/")
    workbook = ElementTree.fromstring(archive.read(workbook_path))
    sheet = workbook.find(f"{MAIN_NS}sheets/{MAIN_NS}sheet")
    if sheet is None:
        raise FileError(_("The workbook has no worksheet."))
    sheet_id = sheet.get(f"{REL_NS}id")
    rels_path = join(dirname(workbook_path), "_rels", workbook_path.rsplit("/", 1)[-1] + ".rels")
    for relation in _relations(archive, rels_path):
        if relation.get("Id") == sheet_id:
            target = relation.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return normpath(join(dirname(workbook_path), target))
    raise FileError(_("The workbook has no worksheet."))


def _relations(archive: zipfile.ZipFile, path: str):
    try:
        data = archive.read(path)
    except KeyError:
        return []
    return ElementTree.fromstring(data).iter(f"{PKG_REL_NS}Relationship")


def scan_sheet(xml: bytes) -> SheetScan:
    """The real extent of a worksheet's cells; stops as soon as a limit is passed."""
    scan = SheetScan()
    max_rows = _limit("IMPORT_MAX_ROWS") + 1  # the header row
    max_columns, max_cells = _limit("IMPORT_MAX_COLUMNS"), _limit("IMPORT_MAX_CELLS")
    # Rows (and cells) without an ``r`` attribute follow the previous one.
    row_starts = [(m.start(), m.group(1)) for m in ROW_RE.finditer(xml)]
    row_index, row_number, column = 0, 0, 0
    for match in CELL_RE.finditer(xml):
        while row_index < len(row_starts) and row_starts[row_index][0] < match.start():
            numbered = ROW_NUMBER_RE.search(row_starts[row_index][1])
            row_number = int(numbered.group(1)) if numbered else row_number + 1
            row_index, column = row_index + 1, 0
        attributes, content = match.group(1), match.group(2)
        reference = REF_RE.search(attributes)
        column = _column_number(reference.group(1)) if reference else column + 1
        row = int(reference.group(2)) if reference else row_number
        scan.cells += 1
        scan.rows, scan.columns = max(scan.rows, row), max(scan.columns, column)
        if scan.rows > max_rows or scan.columns > max_columns or scan.cells > max_cells:
            raise _too_many(scan)
        if content is not None and _unreadable(attributes, content):
            scan.unreadable.append((row, column, _unreadable(attributes, content)))
    if scan.rows * scan.columns > max_cells:
        raise _too_many(scan)
    return scan


def _unreadable(attributes: bytes, content: bytes) -> str:
    if TYPE_ERROR_RE.search(attributes):
        return _("the cell shows an error value (such as #N/A or #DIV/0!)")
    if FORMULA_RE.search(content) and not VALUE_RE.search(content):
        return _(
            "the cell holds a formula saved without its result: open the file in your "
            "spreadsheet and save it again"
        )
    return ""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_many(scan: SheetScan) -> FileError:
    if scan.columns > _limit("IMPORT_MAX_COLUMNS"):
        return FileError(
            _("The worksheet uses column %(column)s: %(max)s columns at most.")
            % {"column": column_letter(scan.columns - 1), "max": _limit("IMPORT_MAX_COLUMNS")}
        )
    return FileError(
        _("The worksheet is too large (%(max)s data rows at most): split it into several files.")
        % {"max": f"{_limit('IMPORT_MAX_ROWS'):,}".replace(",", " ")}
    )


def check_workbook(data: bytes) -> SheetScan:
    """Refuse a workbook over the limits or malformed; what its first sheet holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_members(archive)
            path = first_sheet_path(archive)
            xml = archive.read(path)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, NotImplementedError):
        raise _not_xlsx() from None
    except ElementTree.ParseError:
        raise _not_xlsx() from None
    return scan_sheet(xml)


def read_cells(data: bytes, scan: SheetScan):
    """(row number, cells) of the first worksheet, rows numbered as the spreadsheet shows."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        start = sheet.start
        rows = sheet.to_python(skip_empty_area=True)
    except python_calamine.CalamineError:
        raise _not_xlsx() from None
    except (ValueError, IndexError, OSError):
        raise _not_xlsx() from None
    if start is None:
        return []
    first_row, first_column = start
    padding = [None] * first_column
    return [(first_row + index + 1, [*padding, *cells]) for index, cells in enumerate(rows)]
