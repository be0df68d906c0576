"""The candidate ranking (``RankedWish``, ADR 0051) stays in step with the applications, their
wishes, statuses and scores after every write path: create, edit, import, status events,
strike-off, housing, rescoring, the demo's bulk writes."""

import datetime as dt

import pytest
from django.db import connection

from relais.allocation.applications import lifecycle
from relais.allocation.applications.io import applications_import
from relais.allocation.applications.services import (
    application_create,
    application_set_status,
    application_update,
)
from relais.allocation.models import (
    Application,
    ApplicationStatus,
    RankedWish,
    ScoringGrid,
)
from relais.allocation.scoring import services as scoring
from relais.allocation.scoring.ranking import COLUMNS, ranking_fill, ranking_source_sql

from ..factories import CommuneFactory, DepartementFactory, EpciFactory
from .factories import ApplicationFactory
from .test_applications_import import csv_file, row

pytestmark = pytest.mark.django_db


def in_step() -> list[tuple]:
    """Assert the ranking table holds exactly the rows its sources give; return them."""
    with connection.cursor() as cursor:
        cursor.execute(ranking_source_sql(), [ApplicationStatus.ACTIVE] * 2)
        expected = _normalised(cursor.fetchall())
    stored = _normalised(RankedWish.objects.values_list(*COLUMNS))
    assert stored == expected
    return stored


def _normalised(rows) -> list[tuple]:
    """Rows as sorted text tuples (SQLite gives booleans as 0/1 and dates as text)."""
    return sorted(tuple(str(int(v) if isinstance(v, bool) else v) for v in r) for r in rows)


def places(application) -> set:
    rows = RankedWish.objects.filter(application=application)
    return set(rows.values_list("commune_id", "epci_id", "score"))


@pytest.fixture
def communes(db):
    scoring.ensure_default_grid()
    tours = CommuneFactory()  # Tours Métropole
    joue = CommuneFactory(code="37122", name="Joué-lès-Tours")  # Tours Métropole too
    loches = CommuneFactory(
        code="37132", name="Loches", epci=None, departement=DepartementFactory()
    )
    amboise = CommuneFactory(
        code="37003", name="Amboise", epci=EpciFactory(code="200043081", name="CC Amboise")
    )
    return tours, joue, loches, amboise


def make(organisation, wishes, epcis=(), **fields):
    fields.setdefault("first_applied_on", dt.date(2024, 5, 1))
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation,
        actor=None,
        application=application,
        wished_communes=wishes,
        wished_epcis=epcis,
    )


def test_create_edit_status_and_strike_off(organisation, communes):
    tours, joue, loches, amboise = communes
    application = make(organisation, [tours, loches], epcis=[amboise.epci])
    score = application.score
    # A commune of an EPCI, a commune without one (the main score), a wished EPCI.
    assert places(application) == {
        (tours.code, None, score),
        (loches.code, None, score),
        (None, amboise.epci_id, score),
    }
    in_step()
    application.persons, application.dependants = 3, 1
    application.reference_income = 12_000
    application_update(actor=None, application=application, wished_communes=[joue], wished_epcis=[])
    assert places(application) == {(joue.code, None, application.score)}
    assert RankedWish.objects.get(application=application).persons == 3
    in_step()
    application_set_status(actor=None, application=application, status=ApplicationStatus.PROPOSED)
    assert not places(application)  # out of every search while proposed
    in_step()
    application_set_status(actor=None, application=application, status=ApplicationStatus.ACTIVE)
    assert places(application)
    in_step()
    # Registered 1 May 2024, never renewed: struck off by the daily run a month after the
    # reminder.
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2025, 4, 2))
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2025, 5, 20))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.STRUCK_OFF
    assert not places(application)
    in_step()


def test_rescoring_rewrites_the_ranked_scores(organisation, communes):
    tours, _joue, loches, _amboise = communes
    application = make(organisation, [tours, loches], priority_criteria=["dalo"])
    before = places(application)
    ScoringGrid.objects.create(
        name="Cotation Tours Métropole",
        epci=tours.epci,
        valid_from=dt.date(2024, 1, 1),
        criteria={"waiting": {"points_per_month": 1}, "priority_criteria": {"dalo": 200}},
    )
    scoring.score_applications(Application.objects.all())
    after = places(application)
    assert after != before
    tours_score = application.epci_scores.get(epci=tours.epci).score
    assert (tours.code, None, tours_score) in after
    in_step()


def test_import_creates_and_updates_the_ranking(organisation, communes):
    tours, joue, _loches, _amboise = communes
    first = applications_import(
        organisation=organisation, actor=None, file=csv_file([row(), row(registration_number="2")])
    )
    assert first.ok, [str(e) for e in first.errors]
    imported = Application.objects.get(registration_number=row()["registration_number"])
    assert {c for c, _e, _s in places(imported)} == {tours.code, joue.code}
    in_step()
    again = applications_import(
        organisation=organisation,
        actor=None,
        file=csv_file([row(wished_communes="37122", persons="4", dependants="3")]),
    )
    assert again.ok, [str(e) for e in again.errors]
    assert {c for c, _e, _s in places(imported)} == {joue.code}
    assert RankedWish.objects.get(application=imported).persons == 4
    in_step()


def test_fill_rebuilds_what_bulk_writes_left_out(organisation, other_organisation, communes):
    tours, *_others = communes
    mine = make(organisation, [tours])
    theirs = make(other_organisation, [tours])
    RankedWish.objects.all().delete()  # as after the demo's or the benchmark's bulk writes
    ranking_fill([organisation.pk])
    assert places(mine) and not places(theirs)
    ranking_fill()
    assert places(theirs)
    in_step()
