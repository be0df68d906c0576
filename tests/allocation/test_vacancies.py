"""Vacancy services: opening, dates, the pipeline's moves, vacancy days, audit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from relais.allocation.models import VacancyStatus as S
from relais.allocation.vacancies.services import (
    TRANSITIONS,
    VacancyTransitionError,
    vacancy_create,
    vacancy_days,
    vacancy_transition,
    vacancy_update,
)
from relais.core.models import AuditEvent

from ..factories import DwellingFactory, UserFactory
from .factories import VacancyFactory

NOTICE = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def officer(db):
    return UserFactory()


@pytest.fixture
def dwelling(organisation):
    return DwellingFactory(building__residence__organisation=organisation, reference="TOURS-1")


@pytest.fixture
def notice(organisation, dwelling, officer):
    return vacancy_create(
        organisation=organisation, actor=officer, dwelling=dwelling, notice_received_on=NOTICE
    )


def test_open_a_vacancy_is_audited(notice, officer):
    assert (notice.status, notice.notice_received_on) == (S.NOTICE, NOTICE)
    event = AuditEvent.objects.get(action="vacancy.created")
    assert (event.actor_id, event.object_id) == (officer.pk, str(notice.pk))
    assert event.changes["dwelling"] == "TOURS-1"


def test_one_open_vacancy_per_dwelling(organisation, dwelling, officer, notice):
    with pytest.raises(ValidationError, match="TOURS-1 already has an open vacancy"):
        vacancy_create(
            organisation=organisation, actor=officer, dwelling=dwelling, notice_received_on=NOTICE
        )
    notice.status = S.LET
    notice.save()
    again = vacancy_create(
        organisation=organisation, actor=officer, dwelling=dwelling, notice_received_on=NOTICE
    )
    assert again.pk != notice.pk


def test_cannot_open_a_vacancy_on_another_organisations_dwelling(
    other_organisation, dwelling, officer
):
    with pytest.raises(ValueError):
        vacancy_create(
            organisation=other_organisation,
            actor=officer,
            dwelling=dwelling,
            notice_received_on=NOTICE,
        )


def test_departure_cannot_precede_the_notice(organisation, dwelling, officer):
    with pytest.raises(ValidationError) as error:
        vacancy_create(
            organisation=organisation,
            actor=officer,
            dwelling=dwelling,
            notice_received_on=NOTICE,
            vacated_on=NOTICE - dt.timedelta(days=1),
        )
    assert "vacated_on" in error.value.message_dict


def test_update_dates_audits_only_what_changed(notice, officer):
    vacancy_update(
        vacancy=notice,
        actor=officer,
        contractor="Peintures du Cher",
        refurbishment_planned_start=dt.date(2026, 10, 1),
        refurbishment_planned_end=dt.date(2026, 10, 20),
        notice_received_on=NOTICE,
    )
    notice.refresh_from_db()
    assert notice.contractor == "Peintures du Cher"
    event = AuditEvent.objects.get(action="vacancy.updated")
    assert set(event.changes) == {
        "contractor",
        "refurbishment_planned_start",
        "refurbishment_planned_end",
    }


def test_works_cannot_end_before_they_start(notice, officer):
    with pytest.raises(ValidationError) as error:
        vacancy_update(
            vacancy=notice,
            actor=officer,
            refurbishment_actual_start=dt.date(2026, 10, 5),
            refurbishment_actual_end=dt.date(2026, 10, 1),
        )
    assert "refurbishment_actual_end" in error.value.message_dict
    notice.refresh_from_db()
    assert notice.refurbishment_actual_start is None


def test_the_whole_pipeline_sets_its_dates(notice, officer):
    steps = [
        (S.REFURBISHMENT, dt.date(2026, 9, 20)),
        (S.READY, dt.date(2026, 10, 15)),
        (S.ON_AGENDA, dt.date(2026, 10, 20)),
        (S.ALLOCATED, dt.date(2026, 10, 28)),
        (S.LET, dt.date(2026, 11, 5)),
    ]
    for status, on in steps:
        vacancy = vacancy_transition(vacancy=notice, actor=officer, to=status, on=on)
        assert vacancy.status == status
    vacancy.refresh_from_db()
    assert vacancy.refurbishment_actual_start == dt.date(2026, 9, 20)
    assert vacancy.refurbishment_actual_end == vacancy.ready_on == dt.date(2026, 10, 15)
    assert vacancy.allocated_on == dt.date(2026, 10, 28)
    assert vacancy.lease_signed_on == dt.date(2026, 11, 5)
    moves = AuditEvent.objects.filter(action="vacancy.status_changed").order_by("sequence")
    assert [event.changes["status"][1] for event in moves] == [status for status, _on in steps]


@pytest.mark.parametrize(
    ("before", "after"),
    [(S.NOTICE, S.ALLOCATED), (S.NOTICE, S.LET), (S.REFURBISHMENT, S.ON_AGENDA), (S.LET, S.READY)],
)
def test_invalid_moves_are_refused_with_the_possible_ones(organisation, officer, before, after):
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        status=before,
        notice_received_on=NOTICE,
    )
    with pytest.raises(VacancyTransitionError) as error:
        vacancy_transition(vacancy=vacancy, actor=officer, to=after, on=NOTICE)
    message = error.value.messages[0]
    assert str(S(before).label) in message and str(S(after).label) in message
    for allowed in TRANSITIONS[before]:
        assert str(S(allowed).label) in message
    vacancy.refresh_from_db()
    assert vacancy.status == before
    assert not AuditEvent.objects.filter(action="vacancy.status_changed").exists()


def test_a_refused_offer_sends_it_back_to_ready(organisation, officer):
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        status=S.ALLOCATED,
        allocated_on=dt.date(2026, 11, 2),
    )
    vacancy = vacancy_transition(
        vacancy=vacancy, actor=officer, to=S.READY, on=dt.date(2026, 11, 15)
    )
    assert (vacancy.status, vacancy.allocated_on, vacancy.ready_on) == (
        S.READY,
        None,
        dt.date(2026, 11, 15),
    )


def test_a_move_cannot_be_dated_before_the_notice(notice, officer):
    with pytest.raises(VacancyTransitionError, match="before the notice"):
        vacancy_transition(vacancy=notice, actor=officer, to=S.READY, on=NOTICE - dt.timedelta(1))


def test_vacancy_days_from_departure_or_notice_to_lease_or_today():
    today = dt.date(2026, 11, 23)
    vacancy = VacancyFactory.build(notice_received_on=dt.date(2026, 10, 1))
    assert vacancy_days(vacancy, today) == 53
    vacancy.vacated_on = dt.date(2026, 11, 1)
    assert vacancy_days(vacancy, today) == 22
    vacancy.lease_signed_on = dt.date(2026, 11, 11)
    assert vacancy_days(vacancy, today) == 10
    vacancy.vacated_on, vacancy.lease_signed_on = dt.date(2026, 12, 15), None
    assert vacancy_days(vacancy, today) == 0  # tenant still there
