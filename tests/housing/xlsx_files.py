"""Crafted .xlsx files for the import tests: honest ones, liars and bombs.

Each builder returns bytes. The liars are made by rewriting one part of a workbook written by
openpyxl, or by patching the sizes in the zip headers.
"""

import io
import re
import struct
import zipfile

import openpyxl

SHEET = "xl/worksheets/sheet1.xml"


def workbook(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, part: str, change) -> bytes:
    """The workbook with ``part`` replaced by ``change(old bytes)`` (None: removed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content = change(content)
                if content is None:
                    continue
            target.writestr(item.filename, content)
    return out.getvalue()


def add_part(data: bytes, part: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr(part, content)
    return out.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The first sheet declaring ``<dimension ref=…/>`` whatever it holds."""
    return rewrite(
        data,
        SHEET,
        lambda xml: re.sub(
            rb"<dimension ref=\"[^\"]*\"\s*/>", f'<dimension ref="{ref}"/>'.encode(), xml
        ),
    )


def sheet_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(SHEET)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MINIMAL_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Feuil1" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def minimal_workbook(sheet: bytes) -> bytes:
    """The smallest workbook Excel opens: four parts and ``sheet``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in MINIMAL_PARTS.items():
            target.writestr(name, content)
        target.writestr(SHEET, sheet)
    return out.getvalue()


def declared_size_bomb() -> bytes:
    """About 1.4 KB: a sheet holding one cell that declares A1:XFD100000."""
    return minimal_workbook(
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD100000"/><sheetData><row r="1">'
        '<c r="A1" t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>'.encode()
    )


def cells_far_apart() -> bytes:
    """Two real cells, A1 and XFD100000: a dense reader would allocate 1.6 billion cells."""

    def change(xml):
        far = b'<row r="100000"><c r="XFD100000" t="inlineStr"><is><t>x</t></is></c></row>'
        return xml.replace(b"</sheetData>", far + b"</sheetData>")

    return rewrite(workbook(["a"], []), SHEET, change)


def many_columns(count: int = 500) -> bytes:
    return workbook([f"c{n}" for n in range(count)], [["x"] * count])


def billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    doctype = f'<!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]>'.encode()

    def change(xml):
        xml = xml.replace(b"<worksheet", doctype + b"<worksheet", 1)
        return xml.replace(b"<t>a</t>", b"<t>&lol9;</t>", 1)

    return rewrite(workbook(["a"], [["b"]]), SHEET, change)


def malformed_sheet() -> bytes:
    return rewrite(workbook(["a"], [["b"]]), SHEET, lambda xml: xml[: len(xml) // 2])


def malformed_workbook_part() -> bytes:
    return rewrite(workbook(["a"], [["b"]]), "xl/workbook.xml", lambda xml: b"<workbook><sheets")


def missing_sheet() -> bytes:
    return rewrite(workbook(["a"], [["b"]]), SHEET, lambda _xml: None)


def large_shared_strings(size: int) -> bytes:
    """A sharedStrings part that inflates to ``size`` bytes (compresses to almost nothing)."""
    body = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    count = size // len(body) + 1
    xml = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + body * count
        + b"</sst>"
    )
    return add_part(workbook(["a"], [["b"]]), "xl/sharedStrings.xml", xml)


def lying_member_size(data: bytes, part: str, declared: int) -> bytes:
    """``part`` whose zip headers (local and central) declare ``declared`` bytes."""
    buffer = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    struct.pack_into("<I", buffer, info.header_offset + 22, declared)
    name = part.encode()
    central = bytes(buffer).index(b"PK\x01\x02")
    while buffer[central + 46 : central + 46 + len(name)] != name:
        central = bytes(buffer).index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", buffer, central + 24, declared)
    return bytes(buffer)


def cell_with(data: bytes, reference: str, cell_xml: bytes) -> bytes:
    """The sheet with the cell ``reference`` replaced by ``cell_xml``."""
    pattern = re.compile(rb'<c r="' + reference.encode() + rb'"[^>]*?(/>|>.*?</c>)', re.DOTALL)
    return rewrite(data, SHEET, lambda xml: pattern.sub(cell_xml, xml, count=1))
