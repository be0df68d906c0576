"""Eligibility when it matters: at proposal and at the close; justified exceptions to three."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from relais.allocation.commissions import agenda, closing, positions
from relais.allocation.models import (
    Application,
    ApplicationStatus,
    DecisionType,
    FewCandidatesReason,
    ItemStatus,
    VacancyStatus,
)
from relais.allocation.scoring.ranking import ranking_write

from .factories import SessionFactory
from .factories_commissions import board
from .factories_vacancies import applicant, vacancy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]
N2 = timezone.localdate().year - 2


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def draft(organisation):
    return SessionFactory(commission__organisation=organisation)


def add(session, home, applications, reason=""):
    return agenda.agenda_item_add(
        session=session,
        vacancy=home,
        actor=None,
        application_ids=[a.pk for a in applications],
        few_candidates_reason=reason,
    )


def test_the_250000_euro_dalo_candidate_alone_is_refused(organisation, draft):
    home = vacancy(organisation)
    rich = applicant(
        organisation,
        persons=1,
        dependants=0,
        income_n2=250_000,
        reference_income=250_000,
        priority_criteria=["dalo"],
        dalo_decided_on=dt.date(2026, 1, 12),
    )
    with pytest.raises(ValidationError) as error:
        add(draft, home, [rich], FewCandidatesReason.DALO)
    assert rich.registration_number in error.value.messages[0]
    assert "250\u202f000" in error.value.messages[0]  # the reason, in French for the record
    assert "Irrecevable" in error.value.messages[0]
    assert not draft.items.exists()
    home.refresh_from_db()
    assert home.status == VacancyStatus.READY


def test_dalo_exception_needs_a_designation_with_its_date(organisation, draft):
    home = vacancy(organisation)
    undated = applicant(organisation, priority_criteria=["dalo"])
    with pytest.raises(ValidationError, match="DALO designation"):
        add(draft, home, [undated], FewCandidatesReason.DALO)
    undated.dalo_decided_on = dt.date(2026, 1, 12)
    undated.save(update_fields=["dalo_decided_on"])
    item = add(draft, home, [undated], FewCandidatesReason.DALO)
    assert item.few_candidates_justification == (
        f"Désignation DALO de {undated.registration_number} (décision du 12/01/2026)"
    )


def test_too_few_only_when_the_search_finds_fewer_than_three(organisation, draft):
    home = vacancy(organisation)
    first, second, third = (applicant(organisation, score=s) for s in (30, 20, 10))
    with pytest.raises(ValidationError, match="finds at least three"):
        add(draft, home, [first, second], FewCandidatesReason.TOO_FEW)
    third.status = ApplicationStatus.CANCELLED
    third.save(update_fields=["status"])
    ranking_write([third.pk])  # as the services that change a status do (ADR 0051)
    item = add(draft, home, [first, second], FewCandidatesReason.TOO_FEW)
    assert item.few_candidates_justification.startswith("Recherche de candidats du ")
    assert item.few_candidates_justification.endswith(
        ": 2 demandes éligibles correspondent au logement."
    )


def test_income_to_update_cannot_be_proposed(organisation, draft):
    home = vacancy(organisation)
    stale = applicant(organisation, income_n2_year=N2 - 1)
    others = [applicant(organisation) for _ in range(2)]
    with pytest.raises(ValidationError) as error:
        add(draft, home, [stale, *others])
    assert "Revenus à actualiser" in error.value.messages[0]
    assert f"revenu fiscal de référence de {N2}" in error.value.messages[0]


def _close(prepared):
    session = prepared.session
    session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    session.save(update_fields=["closes_at"])
    closing.session_close(session_id=session.pk)


def _attribute_all(prepared):
    for member in prepared.voters[:3]:
        for rank, candidate in enumerate(prepared.candidates(), start=1):
            positions.position_record(
                session=prepared.session,
                member=member,
                candidate=candidate,
                choice="attribution",
                rank=rank,
            )


def test_over_the_ceiling_at_the_close_is_inadmissible_whatever_the_votes(organisation):
    prepared = board(organisation)
    _attribute_all(prepared)
    first = prepared.candidates()[0].application
    # The income was updated after the proposal: 250 000 € for a household of category 3.
    Application.objects.filter(pk=first.pk).update(income_n2=250_000)
    _close(prepared)
    decided = prepared.candidates()
    assert decided[0].decision == DecisionType.INADMISSIBLE
    assert decided[0].decision_reason.startswith("Irrecevable : ressources de 250\u202f000")
    assert decided[0].tally["eligibility"] == "over_ceiling"
    # The others keep their order, ranks renumbered from 1.
    assert [(c.decision, c.decided_rank) for c in decided[1:]] == [
        (DecisionType.RANKED, 1),
        (DecisionType.RANKED, 2),
    ]


def test_over_plai_within_plus_is_a_non_attribution_and_stays_active(organisation):
    prepared = board(organisation)
    item = prepared.items[0]
    item.vacancy.dwelling.financing = "PLAI"
    item.vacancy.dwelling.save(update_fields=["financing"])
    # PLAI ceilings of this year are not shipped: enter them as the operators would.
    from relais.allocation.eligibility.services import income_ceiling_table_enter

    from .test_eligibility_rules import PLAI_2024, amounts_of

    year = timezone.localdate().year
    income_ceiling_table_enter(
        actor=None, year=year, financing="PLAI", amounts=amounts_of(PLAI_2024), source="test"
    )
    _attribute_all(prepared)
    second = prepared.candidates()[1].application
    Application.objects.filter(pk=second.pk).update(income_n2=25_000)  # > 21 818, < PLUS
    _close(prepared)
    decided = prepared.candidates()
    assert decided[1].decision == DecisionType.NON_ATTRIBUTION
    assert "mais sous le plafond PLUS" in decided[1].decision_reason
    assert [c.decided_rank for c in decided] == [1, None, 2]
    second.refresh_from_db()
    assert second.status == ApplicationStatus.ACTIVE


def test_without_a_table_at_the_close_the_item_is_postponed(organisation):
    prepared = board(organisation)
    _attribute_all(prepared)
    item = prepared.items[0]
    item.vacancy.dwelling.financing = "PLAI"  # no PLAI table for this year
    item.vacancy.dwelling.save(update_fields=["financing"])
    _close(prepared)
    item.refresh_from_db()
    assert item.status == ItemStatus.POSTPONED
    assert all(c.decision == "" for c in prepared.candidates())
    item.vacancy.refresh_from_db()
    assert item.vacancy.status == VacancyStatus.READY


def test_the_file_shows_income_to_update(organisation, member_factory):
    from django.urls import reverse

    from relais.core.roles import Role

    stale = applicant(organisation, income_n2_year=N2 - 1)
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    url = reverse("allocation:application_detail", args=[stale.pk])
    with translation.override("fr"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Revenus à actualiser" in html
    assert f"exige les revenus de {N2}" in html
    fresh = applicant(organisation)
    with translation.override("fr"):
        html = client.get(reverse("allocation:application_detail", args=[fresh.pk])).content
    assert "Revenus à actualiser" not in html.decode()
