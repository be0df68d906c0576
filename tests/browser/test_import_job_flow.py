"""A large import in the browser: sent to its job page, which polls, then shows the result."""

import os
import re

import pytest
from playwright.sync_api import expect

from relais.core.roles import Role
from relais.housing.models import ImportJob, ImportStatus

from ..factories import CommuneFactory, MembershipFactory
from ..housing.test_import_export import STOCK_ROW
from .test_foundation_flow import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("RELAIS_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_large_import_goes_through_its_job_page(new_page, settings, tmp_path, width):
    settings.IMPORT_BACKGROUND_BYTES = 0
    CommuneFactory()
    membership = MembershipFactory(role=Role.MANAGER, user__username="gestion")
    running = ImportJob.objects.create(
        organisation=membership.organisation,
        kind="stock",
        filename="patrimoine-2026.csv",
        status=ImportStatus.RUNNING,
        rows_total=12_000,
        rows_done=4_800,
    )
    page = new_page(width=width)
    _login(page, "gestion")

    page.goto(f"/patrimoine/import/suivi/{running.pk}/")
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "40")
    _shot(page, f"import-progress-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    rows = [";".join(STOCK_ROW), ";".join(STOCK_ROW.values())]
    upload = tmp_path / "stock.csv"
    upload.write_text("\n".join(rows), encoding="utf-8")
    page.goto("/patrimoine/import/")
    page.get_by_label("Le fichier contient").select_option("stock")
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_role("button", name=re.compile("Vérifier et importer")).click()

    expect(page).to_have_url(re.compile(r"/patrimoine/import/suivi/\d+/$"))
    expect(page.get_by_test_id("import-result")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("1 ligne importée")
    _shot(page, f"import-result-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
