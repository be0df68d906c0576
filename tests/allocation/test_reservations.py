"""Reservation flows: assignment when a vacancy becomes ready, designations by account and by
link (across landlords), deadlines, overrides, the agenda, the balance and DALO deadlines; and
what a holder and another landlord can open."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.allocation.models import HolderKind, VacancyStatus
from relais.allocation.reservations import selectors, services
from relais.core.models import AuditEvent
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role

from ..factories import CommuneFactory, MembershipFactory, OrganisationFactory
from .factories_reservations import (
    agreement,
    holder,
    holder_user,
    ready_vacancy,
    reserved_vacancy,
)
from .factories_vacancies import applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def landlord():
    return OrganisationFactory(name="Tours Habitat")


@pytest.fixture
def prefecture():
    return holder(email="ddets@example.fr")


def test_ready_vacancies_are_shared_between_the_agreement_and_the_landlord(
    landlord, prefecture, django_capture_on_commit_callbacks
):
    agreement(landlord, prefecture, share=50)
    with django_capture_on_commit_callbacks(execute=True):
        flows = [ready_vacancy(landlord).assignment for _ in range(4)]
    assert [a.agreement_id is not None for a in flows] == [True, False, True, False]
    reserved = flows[0]
    assert reserved.designation_due_on == timezone.localdate() + dt.timedelta(days=30)
    assert "50 %" in reserved.rule_note
    # The holder has no account: its e-mail gets a link, valid until the deadline.
    message = OutboxMessage.objects.filter(to="ddets@example.fr").first()
    assert "/attributions/designation/" in message.body
    assert reserved.link_token_hash and reserved.link_expires_at > timezone.now()
    assert AuditEvent.objects.filter(action="vacancy_assignment.created").count() == 4


def test_agreement_scope_limits_the_vacancies_it_counts(landlord, prefecture):
    elsewhere = CommuneFactory(code="37122", name="Joué-lès-Tours")
    agreement(landlord, prefecture, share=100, communes=[elsewhere])
    vacancy = ready_vacancy(landlord)  # in Tours: not covered
    assert vacancy.assignment.agreement is None


def test_holder_with_an_account_is_told_by_e_mail(
    landlord, prefecture, django_capture_on_commit_callbacks
):
    user = holder_user(prefecture)
    with django_capture_on_commit_callbacks(execute=True):
        _vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    message = OutboxMessage.objects.get(to=user.email)
    assert f"/attributions/reservataire/{assignment.pk}/" in message.body
    assert not assignment.link_token_hash


def test_designations_across_landlords_up_to_three(landlord, prefecture):
    _vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    other_landlord = OrganisationFactory(name="Val Touraine Habitat")
    ours, theirs = applicant(landlord), applicant(other_landlord)
    elsewhere = applicant(landlord, wishes=[CommuneFactory(code="37122", name="Joué")])
    user = holder_user(prefecture)
    with pytest.raises(ValidationError) as refused:
        services.designate(
            assignment=assignment,
            actor=user,
            wanted=[(ours.registration_number, None), (elsewhere.registration_number, None)],
        )
    assert elsewhere.registration_number in str(refused.value)
    assert not assignment.designations.exists()  # nothing written
    decided = dt.date(2026, 1, 10)
    services.designate(
        assignment=assignment,
        actor=user,
        wanted=[(ours.registration_number, None), (theirs.registration_number, decided)],
    )
    second = assignment.designations.get(rank=2)
    assert second.application == theirs and second.dalo_deadline == dt.date(2026, 4, 10)
    with pytest.raises(ValidationError, match="déjà désigné"):
        services.designate(
            assignment=assignment, actor=user, wanted=[(ours.registration_number, None)]
        )
    services.designate(
        assignment=assignment, actor=user, wanted=[(applicant(landlord).registration_number, None)]
    )
    with pytest.raises(ValidationError, match="au plus 3"):
        services.designate(
            assignment=assignment,
            actor=user,
            wanted=[(applicant(landlord).registration_number, None)],
        )


def test_only_the_prefecture_records_dalo_dates(landlord):
    action_logement = holder("Action Logement", kind=HolderKind.ACTION_LOGEMENT)
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, action_logement))
    services.designate(
        assignment=assignment,
        actor=None,
        wanted=[(applicant(landlord).registration_number, dt.date(2026, 1, 1))],
    )
    assert assignment.designations.get().dalo_deadline is None


def test_deadline_closes_designations_and_lets_the_landlord_take_over(landlord, prefecture):
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    with pytest.raises(ValidationError, match="peut encore désigner"):
        services.assignment_release(assignment=assignment, actor=None)
    assignment.designation_due_on = timezone.localdate() - dt.timedelta(days=1)
    assignment.save()
    with pytest.raises(ValidationError, match="closes"):
        services.designate(
            assignment=assignment,
            actor=None,
            wanted=[(applicant(landlord).registration_number, None)],
        )
    services.assignment_release(assignment=assignment, actor=None)
    assignment.refresh_from_db()
    assert assignment.released_on == timezone.localdate() and assignment.link_revoked_at


def test_override_needs_a_reason_and_is_audited(landlord, prefecture):
    vacancy = ready_vacancy(landlord)
    assert vacancy.assignment.agreement is None
    the_agreement = agreement(landlord, prefecture, share=5)
    with pytest.raises(ValidationError):
        services.assignment_override(
            assignment=vacancy.assignment, actor=None, agreement=the_agreement, reason=" "
        )
    services.assignment_override(
        assignment=vacancy.assignment,
        actor=None,
        agreement=the_agreement,
        reason="Logement adapté PMR demandé par la préfecture",
    )
    event = AuditEvent.objects.get(action="vacancy_assignment.overridden")
    assert event.changes["reason"] == "Logement adapté PMR demandé par la préfecture"


def test_balance_counts_owed_assigned_designated_and_allocated(landlord, prefecture):
    the_agreement = agreement(landlord, prefecture, share=50)
    vacancies = [ready_vacancy(landlord) for _ in range(4)]
    reserved = [v.assignment for v in vacancies if v.assignment.agreement_id]
    services.designate(
        assignment=reserved[0],
        actor=None,
        wanted=[(applicant(landlord).registration_number, None)],
    )
    vacancies[0].status = VacancyStatus.ALLOCATED
    vacancies[0].save()
    rows, shares = selectors.balance(landlord, timezone.localdate().year)
    (row,) = rows
    assert row.agreement == the_agreement
    assert (row.flow, row.owed, row.assigned, row.designated, row.allocated) == (4, 2, 2, 1, 1)
    assert shares[0].allocated == 1 and shares[0].priority == 0


def test_overdue_dalo_households(landlord, prefecture):
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    late = applicant(landlord)
    services.designate(
        assignment=assignment,
        actor=None,
        wanted=[
            (late.registration_number, dt.date(2020, 1, 1)),
            (applicant(landlord).registration_number, timezone.localdate()),
        ],
    )
    assert [d.application for d in selectors.overdue_dalo(landlord, timezone.localdate())] == [late]
    director = MembershipFactory(organisation=landlord, role=Role.DIRECTOR).user
    client = Client()
    client.force_login(director)
    page = client.get(reverse("core:home")).content.decode()
    assert late.applicant_last_name in page


def test_a_holder_sees_only_its_own_flow(landlord, prefecture):
    mine = reserved_vacancy(landlord, agreement(landlord, prefecture), reference="MINE-1")[1]
    other_landlord = OrganisationFactory(name="Val Touraine Habitat")
    also_mine = reserved_vacancy(
        other_landlord, agreement(other_landlord, prefecture), reference="MINE-2"
    )[1]
    tours = holder("Ville de Tours", kind=HolderKind.COMMUNE)
    not_mine = reserved_vacancy(landlord, agreement(landlord, tours), reference="THEIRS-1")[1]
    own_flow = ready_vacancy(landlord, reference="OWN-1").assignment
    client = Client()
    client.force_login(holder_user(prefecture))
    listing = client.get(reverse("allocation:holder_assignment_list")).content.decode()
    assert "MINE-1" in listing and "MINE-2" in listing
    assert "THEIRS-1" not in listing and "OWN-1" not in listing
    for assignment in (mine, also_mine):
        url = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
        assert client.get(url).status_code == 200
    for assignment in (not_mine, own_flow):
        url = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
        assert client.get(url).status_code == 404
    # Nor any landlord page.
    for name in ("allocation:assignment_list", "allocation:application_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("allocation:assignment_detail", args=[mine.pk])).status_code == 403


def test_landlords_see_only_their_own_agreements(landlord, prefecture):
    ours = agreement(landlord, prefecture, reference="CONV-OURS")
    other_landlord = OrganisationFactory(name="Val Touraine Habitat")
    agreement(other_landlord, prefecture, reference="CONV-THEIRS")
    client = Client()
    client.force_login(MembershipFactory(organisation=other_landlord, role=Role.DIRECTOR).user)
    listing = client.get(reverse("allocation:agreement_list")).content.decode()
    assert "CONV-THEIRS" in listing and "CONV-OURS" not in listing
    assert client.get(reverse("allocation:agreement_edit", args=[ours.pk])).status_code == 404


def test_before_the_deadline_only_designated_candidates_go_on_the_agenda(landlord, prefecture):
    vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    designated, own = applicant(landlord), applicant(landlord)
    services.designate(
        assignment=assignment, actor=None, wanted=[(designated.registration_number, None)]
    )
    services.check_proposal(vacancy, [designated.pk])
    with pytest.raises(ValidationError, match="réservé à"):
        services.check_proposal(vacancy, [designated.pk, own.pk])
    assignment.designation_due_on = timezone.localdate() - dt.timedelta(days=1)
    assignment.save()
    services.check_proposal(vacancy, [designated.pk, own.pk])  # the landlord's turn


def test_designated_files_of_other_landlords_go_on_the_agenda(landlord, prefecture):
    """The holder designates from the shared pool (ADR 0046): a file another landlord
    registered goes on the commission's agenda like the landlord's own."""
    from .factories import CommissionFactory, SessionFactory
    from .factories_vacancies import ceilings

    ceilings(timezone.localdate().year)
    vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture, share=100))
    other = OrganisationFactory(name="Val Touraine Habitat")
    files = [applicant(landlord), applicant(other), applicant(landlord)]
    services.designate(
        assignment=assignment, actor=None, wanted=[(f.registration_number, None) for f in files]
    )
    session = SessionFactory(
        commission=CommissionFactory(organisation=landlord),
        opens_at=timezone.now() + dt.timedelta(days=1),
    )
    officer = MembershipFactory(organisation=landlord, role=Role.ALLOCATION_OFFICER).user
    item = services.assignment_to_agenda(assignment=assignment, session=session, actor=officer)
    assert [c.application for c in item.candidates.order_by("proposed_rank")] == files
    assert files[1].registered_by == other


def _holder_client(the_holder):
    client = Client()
    client.force_login(holder_user(the_holder))
    return client


def test_the_overdue_page_names_the_dwelling_and_the_holder_sees_the_deadline_passed(
    landlord, prefecture
):
    vacancy, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    late = applicant(landlord)
    services.designate(
        assignment=assignment, actor=None, wanted=[(late.registration_number, dt.date(2020, 1, 1))]
    )
    director = MembershipFactory(organisation=landlord, role=Role.DIRECTOR).user
    client = Client()
    client.force_login(director)
    page = client.get(reverse("allocation:dalo_overdue")).content.decode()
    assert "Le logement réservé" not in page
    dwelling = vacancy.dwelling
    assert f"{dwelling.reference}</a> · {assignment.typology} · {assignment.commune.name}" in page
    url = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
    holder_page = _holder_client(prefecture).get(url).content.decode()
    assert 'data-testid="dalo-overdue"' in holder_page and "Délai DALO dépassé" in holder_page


def test_a_future_dalo_decision_is_refused(landlord, prefecture):
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    number = applicant(landlord).registration_number
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
    response = _holder_client(prefecture).post(
        url, {"number_1": number, "dalo_1": tomorrow.isoformat()}
    )
    assert response.status_code == 400
    assert "Date de la décision DALO 1 : la décision ne peut pas" in response.content.decode()
    with pytest.raises(ValidationError, match="dans le futur"):
        services.designate(assignment=assignment, actor=None, wanted=[(number, tomorrow)])
    assert not assignment.designations.exists()


def test_a_number_typed_with_spaces_dots_or_dashes_is_found(landlord, prefecture):
    _v, assignment = reserved_vacancy(landlord, agreement(landlord, prefecture))
    first, second = applicant(landlord), applicant(landlord)
    spaced = " ".join(first.registration_number[i : i + 3] for i in range(0, 14, 3))
    dashed = "-".join(second.registration_number[i : i + 3] for i in range(0, 14, 3)).lower()
    url = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
    response = _holder_client(prefecture).post(url, {"number_1": spaced})
    assert response.status_code == 302
    services.designate(assignment=assignment, actor=None, wanted=[(dashed.replace("-", "."), None)])
    designated = assignment.designations.order_by("rank").values_list("application", flat=True)
    assert list(designated) == [first.pk, second.pk]


@pytest.mark.parametrize(
    ("flow", "assigned", "noun"),
    [(4, 1, "1,0 logement de retard"), (10, 3, "2,0 logements de retard")],
)
def test_the_rule_note_agrees_the_vacancies_behind(flow, assigned, noun):
    from django.utils import translation

    from relais.allocation.reservations import rules
    from relais.allocation.reservations.services import _rule_note

    with translation.override("fr"):
        assert _rule_note(rules.Standing(1, 50, flow, assigned)).startswith(noun)
