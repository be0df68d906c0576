"""Uploaded file → header and rows, whatever spreadsheet produced it.

CSV: UTF-8 with or without BOM, UTF-16 (Excel "Unicode text"), else Windows-1252 (Excel
"CSV (séparateur : point-virgule)" on a French Windows); separator ``;``, ``,`` or tab,
guessed from the header line. XLSX: the first worksheet, read in streaming mode.
Row numbers are those the user sees in the spreadsheet: the header is row 1.
"""

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 100_000
SEPARATORS = (";", ",", "\t")


class FileError(Exception):
    """The file cannot be read at all; ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (row number in the spreadsheet, cells)


def read_upload(uploaded) -> Table:
    """Read a Django ``UploadedFile`` (or any object with ``name`` and ``read()``)."""
    name = (uploaded.name or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx"):
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")):
        return read_csv(data)
    raise FileError(_("Unsupported file type: send a .csv or .xlsx file."))


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileError(
            _("The file's character encoding is not recognised: save it as “CSV UTF-8”.")
        ) from None


def read_csv(data: bytes) -> Table:
    try:
        text = decode(data)
    except UnicodeDecodeError:
        raise FileError(
            _("The file's character encoding is not recognised: save it as “CSV UTF-8”.")
        ) from None
    if "\x00" in text:
        raise FileError(_("This is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileError(
            _("The CSV file is malformed near line %(row)s.") % {"row": reader.line_num}
        ) from exc
    return _table(enumerate(records, start=1))


def read_xlsx(data: bytes) -> Table:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileError(_("This is not a valid .xlsx workbook."))
    try:
        with warnings.catch_warnings():
            # Workbooks from other software often lack styles; openpyxl warns, we don't care.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                table = _table(enumerate(sheet.iter_rows(values_only=True), start=1))
            finally:
                workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileError(_("This is not a valid .xlsx workbook.")) from exc
    except IndexError as exc:
        raise FileError(_("The workbook has no worksheet.")) from exc
    return table


def _table(numbered_rows) -> Table:
    """First non-empty row is the header (it must be row 1); empty rows are skipped."""
    header = None
    rows: list[tuple[int, list]] = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if header is None:
            header = [_header_name(cell) for cell in cells]
            while header and header[-1] == "":
                header.pop()
            continue
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileError(
                _("The file has more than %(max)s rows: split it into several files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
            )
        rows.append((number, cells))
    return Table(header=header or [], rows=rows)


def _header_name(cell) -> str:
    return "" if cell is None else str(cell).strip().lstrip("\ufeff").strip().lower()
