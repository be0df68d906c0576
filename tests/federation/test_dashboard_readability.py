"""The regional dashboard reads on its own: a blank median says why, the card names the
chosen département, and the 12-week chart writes each week and value (« — » when missing)
on a 0–100 % scale; the bulletin says the same and agrees « 0 manquant » / « 2 manquants »."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.core.models import Federation
from relais.core.roles import Role
from relais.federation.dashboard.chart import round_ceiling, weekly_chart
from relais.federation.indicators.models import IndicatorValue, Source
from relais.federation.indicators.registry import Week
from relais.federation.opendata import bulletin

from ..factories import BuildingFactory, MembershipFactory, OrganisationFactory

WEEK = Week.parse("2026-W45")  # 2 to 8 November 2026
KEY = "rent.collection"  # a percentage


@pytest.fixture
def region(db):
    cache.clear()
    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    tours = OrganisationFactory(name="Tours Habitat", federation=federation)
    OrganisationFactory(name="Orléans Métropole Habitat", federation=federation)
    BuildingFactory(residence__organisation=tours)
    for week, value in ((WEEK.previous(2), 92.5), (WEEK, 94.8)):
        IndicatorValue.objects.create(
            organisation=tours, week_start=week.start, key=KEY, value=value, source=Source.SUBMITTED
        )
    client = Client()
    client.force_login(MembershipFactory(organisation=tours, role=Role.FEDERATION_ANALYST).user)
    return federation, client


def _page(client, **params):
    with translation.override("fr"):
        return client.get(
            reverse("federation:dashboard"),
            {"semaine": WEEK.code, "indicateur": KEY, **params},
            HTTP_ACCEPT_LANGUAGE="fr",
        ).content.decode()


def test_blank_median_is_explained(region):
    _federation, client = region
    body = _page(client)
    assert "La médiane n’est affichée qu’à partir de 3 membres ayant transmis le chiffre." in body


def test_departement_filter_names_the_departement(region):
    _federation, client = region
    body = _page(client, departement="37")
    assert "Indre-et-Loire (37), semaine du 02/11/2026" in body
    assert "Région, semaine du" not in body
    assert "Région, semaine du 02/11/2026" in _page(client)


def test_chart_writes_weeks_values_and_missing_weeks(region):
    _federation, client = region
    body = _page(client)
    svg = body[body.index('data-testid="weekly-chart"') : body.index("</svg>")]
    assert ">S45<" in svg and ">S34<" in svg  # the 12 weeks, labelled
    assert "94,8\u00a0%" in svg and "92,5\u00a0%" in svg
    assert svg.count(">—<") == 10  # the weeks without a figure
    assert "<title" in svg and "<desc" in svg and "S44 : —" in svg
    assert "style=" not in svg and "<script" not in svg
    assert ">100\u00a0%<" in svg and ">0\u00a0%<" in svg  # the scale


def test_chart_scale_starts_at_zero_and_one_week_does_not_fill_it():
    weeks = [WEEK.previous(n) for n in range(11, -1, -1)]
    chart = weekly_chart("percent", [(w, 94.8 if w == WEEK else None) for w in weeks])
    last = chart["columns"][-1]
    plot = chart["baseline"] - 24
    assert last.height == pytest.approx(plot * 0.948, abs=0.1)
    assert [c.missing for c in chart["columns"]].count(True) == 11
    counts = weekly_chart("count", [(WEEK, 7)])
    assert counts["ticks"][-1].text == "10" and counts["columns"][0].height < plot
    assert weekly_chart("count", [(WEEK, None)]) is None
    assert [round_ceiling(v) for v in (0, 7, 10, 12, 240)] == [1, 10, 10, 20, 500]


def test_bulletin_agrees_missing_and_explains_the_median(region):
    federation, _client = region
    with translation.override("fr"):
        assert bulletin.completeness_text(2, 2, 0) == (
            "2 membres sur 2 ont transmis leurs chiffres (0 manquant)."
        )
        assert bulletin.completeness_text(1, 3, 2) == (
            "1 membre sur 3 a transmis ses chiffres (2 manquants)."
        )
        assert "à partir de 3 membres" in bulletin.median_note()
    data = bulletin_data_fr(federation)
    assert data["median_note"] and re.search(r"\(\d+ manquants?\)\.$", data["completeness"])
    assert re.search(r"produit le \d", data["generated"])


def bulletin_data_fr(federation):
    import datetime as dt

    with translation.override("fr"):
        return bulletin.bulletin_data(federation, WEEK, dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
