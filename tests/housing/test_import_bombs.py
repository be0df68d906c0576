"""Crafted and broken files on both import pages: a clear French error within 2 s, never a 500
(issue 19 §3, §7). A table of crafted workbooks, then random corruptions (hypothesis)."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from relais.core.roles import Role
from relais.housing.io import xlsx
from relais.housing.io.errors import FileError
from relais.housing.io.readers import read_xlsx
from relais.housing.models import Dwelling

from . import xlsx_files
from .test_import_export import STOCK_ROW

pytestmark = pytest.mark.django_db

PAGES = [
    ("housing:import", {"kind": "stock"}),
    ("allocation:application_import", {}),
]
SECONDS = 2

CRAFTED = {
    # Read for what it holds (one cell, "a"): refused for its unknown column, at once.
    "declared-size bomb (A1:XFD100000)": (xlsx_files.declared_size_bomb, None),
    "cells at A1 and XFD100000": (xlsx_files.cells_far_apart, "column XFD"),
    "500 columns": (lambda: xlsx_files.many_columns(500), "60 columns at most"),
    "entity expansion (billion laughs)": (xlsx_files.billion_laughs, "DOCTYPE"),
    "malformed sheet XML": (xlsx_files.malformed_sheet, "not a valid .xlsx"),
    "malformed workbook XML": (xlsx_files.malformed_workbook_part, "not a valid .xlsx"),
    "no worksheet part": (xlsx_files.missing_sheet, "not a valid .xlsx"),
    "large shared strings": (lambda: xlsx_files.large_shared_strings(3 * 1024 * 1024), "too big"),
    "member lying about its size": (
        lambda: xlsx_files.lying_member_size(
            xlsx_files.large_shared_strings(300_000), "xl/sharedStrings.xml", 1000
        ),
        "not a valid .xlsx",
    ),
    "not a zip at all": (lambda: b"PK\x03\x04" + b"\x00" * 200, "not a valid .xlsx"),
    "empty file": (lambda: b"", "not a valid .xlsx"),  # refused by the form on the pages
}


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024


@pytest.fixture
def client(member_factory):
    """A manager (who may import both kinds), pages loaded once: the 2 s are the file's."""
    client = member_factory(Role.MANAGER)[1]
    for url_name, _extra in PAGES:
        assert client.get(reverse(url_name)).status_code == 200
    return client


def test_the_declared_size_bomb_is_small():
    assert len(xlsx_files.declared_size_bomb()) < 2000


def post(client, url_name, extra, data: bytes):
    upload = SimpleUploadedFile("fichier.xlsx", data)
    started = time.perf_counter()
    response = client.post(reverse(url_name), {**extra, "file": upload})
    return response, time.perf_counter() - started


def refused_with_a_message(response) -> bool:
    """The file's errors listed, or the form's (an empty file never reaches the reader)."""
    content = response.content.decode()
    return 'data-testid="import-errors"' in content or bool(response.context["form"].errors)


@pytest.mark.parametrize(("url_name", "extra"), PAGES)
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_workbooks_get_a_clear_french_error_quickly(
    client, small_limits, url_name, extra, name
):
    build, expected = CRAFTED[name]
    with_english_message = build()

    response, elapsed = post(client, url_name, extra, with_english_message)

    assert response.status_code == 422, name
    assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
    assert refused_with_a_message(response)
    content = response.content.decode()
    assert "nothing was imported" not in content and "not a valid" not in content  # French


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_workbooks_name_the_problem(small_limits, name):
    build, expected = CRAFTED[name]
    from django.utils import translation

    with translation.override("en"):
        if expected is None:
            scan = xlsx.check_workbook(build())
            assert (scan.rows, scan.columns, scan.cells) == (1, 1, 1)
            return
        with pytest.raises(FileError) as caught:
            read_xlsx(build())
    assert expected in caught.value.message


def test_a_valid_file_after_the_bombs_still_imports(client, organisation):
    from ..factories import CommuneFactory

    CommuneFactory()
    data = xlsx_files.workbook(list(STOCK_ROW), [list(STOCK_ROW.values())])
    response, elapsed = post(client, "housing:import", {"kind": "stock"}, data)
    assert response.status_code == 200 and Dwelling.objects.count() == 1


VALID = xlsx_files.workbook(list(STOCK_ROW), [list(STOCK_ROW.values())] * 3)


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    page=st.sampled_from(PAGES),
    flips=st.lists(
        st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.one_of(st.none(), st.integers(0, len(VALID))),
)
def test_corrupted_workbooks_never_cost_more_than_2_seconds_nor_a_500(client, page, flips, cut):
    data = bytearray(VALID)
    for offset, value in flips:
        data[offset] = value
    data = bytes(data[:cut] if cut is not None else data)
    url_name, extra = page

    response, elapsed = post(client, url_name, extra, data)

    assert response.status_code in (200, 422)
    assert elapsed < SECONDS
    if response.status_code == 422:
        assert refused_with_a_message(response)


def test_a_corrupted_member_is_caught_by_its_crc():
    data = bytearray(VALID)
    info = zipfile.ZipFile(io.BytesIO(VALID)).getinfo(xlsx_files.SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 5
    data[start] ^= 0xFF
    with pytest.raises(FileError):
        xlsx.check_workbook(bytes(data))
