"""The session pages at work: preparing, voting from a phone with htmx, reading results."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.allocation.commissions import agenda, closing, positions
from relais.allocation.models import (
    AgendaItem,
    Position,
    Session,
    SessionKind,
    SessionStatus,
    VacancyStatus,
)
from relais.core.models import AuditEvent
from relais.core.services import crisis_mode_change

from .factories import ApplicationFactory, VacancyFactory
from .factories_commissions import board

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


def _client(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _vote_url(prepared, item=None):
    url = reverse("allocation:vote", args=[prepared.session.pk])
    return f"{url}?item={item}" if item else url


def _position_url(prepared, candidate):
    return reverse("allocation:vote_position", args=[prepared.session.pk, candidate.pk])


def _past_due(session):
    Session.objects.filter(pk=session.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))


def test_htmx_saves_a_position_and_answers_with_the_card_only(organisation):
    prepared = board(organisation)
    client = _client(prepared.landlord.user)
    candidate = prepared.candidates()[1]
    response = client.post(
        _position_url(prepared, candidate),
        {"choice": "attribution", "rank": "2"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and f'id="candidate-{candidate.pk}"' in body
    assert 'data-testid="my-position"' in body and "saved" in body
    again = client.post(
        _position_url(prepared, candidate),
        {"choice": "non_attribution", "reason": ""},
        headers={"HX-Request": "true"},
    )
    assert "Give the reason." in again.content.decode()
    position = Position.objects.get()
    assert (position.member, position.choice, position.rank) == (
        prepared.landlord,
        "attribution",
        2,
    )


def test_without_javascript_the_form_posts_and_comes_back_to_the_item(organisation):
    prepared = board(organisation, items=2)
    candidate = prepared.candidates(1)[0]
    response = _client(prepared.tenant.user).post(
        _position_url(prepared, candidate), {"choice": "inadmissible", "reason": "Plafond"}
    )
    assert response["Location"] == _vote_url(prepared, item=2)
    assert Position.objects.get().reason == "Plafond"


def test_the_vote_page_shows_one_item_and_only_my_own_positions(organisation):
    prepared = board(organisation, items=2)
    first = prepared.candidates(0)[0]
    positions.position_record(
        session=prepared.session,
        member=prepared.tenant,
        candidate=first,
        choice="non_attribution",
        reason="MOTIF-SECRET",
    )
    mine = _client(prepared.tenant.user).get(_vote_url(prepared)).content.decode()
    theirs = _client(prepared.landlord.user).get(_vote_url(prepared)).content.decode()
    assert "MOTIF-SECRET" in mine and 'data-testid="my-position"' in mine
    assert "MOTIF-SECRET" not in theirs and 'data-testid="my-position"' not in theirs
    second_item = _client(prepared.tenant.user).get(_vote_url(prepared, item=2)).content.decode()
    assert prepared.candidates(1)[0].application.registration_number in second_item
    assert first.application.registration_number not in second_item


def test_the_candidate_file_shows_what_the_decision_needs_and_is_audited(organisation):
    prepared = board(organisation)
    candidate = prepared.candidates()[0]
    application = candidate.application
    url = reverse("allocation:vote_candidate", args=[prepared.session.pk, candidate.pk])
    body = _client(prepared.mayor.user).get(url).content.decode()
    assert application.registration_number in body
    for secret in (
        application.phone,
        application.email,
        application.postal_address,
        application.applicant_last_name,
        application.applicant_birth_date.strftime("%d/%m/%Y"),
    ):
        assert secret not in body
    event = AuditEvent.objects.get(action="application.viewed")
    assert (event.actor, event.object_id, event.changes) == (
        prepared.mayor.user,
        str(application.pk),
        {"via": "commission"},
    )


def test_opening_a_past_due_session_closes_it_and_shows_the_decisions(organisation):
    prepared = board(organisation)
    for member in prepared.voters:
        for rank, candidate in enumerate(prepared.candidates(), start=1):
            positions.position_record(
                session=prepared.session,
                member=member,
                candidate=candidate,
                choice="attribution",
                rank=rank,
            )
    _past_due(prepared.session)
    client = _client(prepared.tenant.user)
    body = client.get(_vote_url(prepared)).content.decode()
    assert Session.objects.get(pk=prepared.session.pk).status == SessionStatus.CLOSED
    assert "Attribution with ranking" in body and "Save my position" not in body
    late = client.post(
        _position_url(prepared, prepared.candidates()[0]),
        {"choice": "non_attribution", "reason": "Trop tard"},
        headers={"HX-Request": "true"},
    )
    assert "positions can no longer change" in late.content.decode()
    assert not Position.objects.filter(choice="non_attribution").exists()


def test_staff_see_participation_not_positions_then_the_tally(organisation, member_factory):
    prepared = board(organisation)
    positions.position_record(
        session=prepared.session,
        member=prepared.tenant,
        candidate=prepared.candidates()[0],
        choice="non_attribution",
        reason="MOTIF-SECRET",
    )
    _user, client = member_factory()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("allocation:session_detail", args=[prepared.session.pk])
    body = client.get(url).content.decode()
    assert "1 of 4 members have taken position" in body
    assert "MOTIF-SECRET" not in body
    _past_due(prepared.session)
    body = client.get(url).content.decode()
    assert "1 of 4 voting members took part" in body
    assert "Postponed" in body


def test_the_officer_prepares_and_opens_a_session(organisation, member_factory):
    _user, client = member_factory()
    crisis_mode_change(
        organisation=organisation, actor=None, mode="crisis", switches={"remote_commissions": True}
    )
    prepared = board(organisation, status=SessionStatus.DRAFT)
    commission = prepared.commission
    form = client.get(reverse("allocation:session_create", args=[commission.pk]))
    assert form.context["form"].initial["kind"] == SessionKind.REMOTE
    opens_at = timezone.localtime() + dt.timedelta(hours=1)
    created = client.post(
        reverse("allocation:session_create", args=[commission.pk]),
        {"kind": "remote", "opens_at": opens_at.strftime("%Y-%m-%dT%H:%M")},
    )
    session = Session.objects.exclude(pk=prepared.session.pk).get()
    assert created["Location"] == reverse("allocation:session_detail", args=[session.pk])
    assert session.closes_at - session.opens_at == dt.timedelta(hours=24)
    vacancy = VacancyFactory(dwelling__building__residence__organisation=organisation)
    picker = client.get(reverse("allocation:session_item_add", args=[session.pk]))
    candidates_url = reverse("allocation:vacancy_candidates", args=[vacancy.pk])
    assert f"{candidates_url}?session={session.pk}" in picker.content.decode()
    # The candidates are ticked on the vacancy's page (tests/allocation/test_agenda_picker.py).
    applications = [ApplicationFactory(organisation=organisation) for _ in "abc"]
    agenda.agenda_item_add(
        session=session,
        vacancy=vacancy,
        actor=None,
        application_ids=[a.pk for a in applications[::-1]],
    )
    item = AgendaItem.objects.get(session=session)
    ranked = item.candidates.order_by("proposed_rank")
    assert [c.application for c in ranked] == applications[::-1]
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.ON_AGENDA
    client.post(reverse("allocation:session_open", args=[session.pk]))
    assert Session.objects.get(pk=session.pk).status == SessionStatus.OPEN


@pytest.mark.parametrize("items", [1, 4])
def test_pages_have_a_bounded_number_of_queries(
    organisation, member_factory, django_assert_max_num_queries, items
):
    """The counts do not grow with the agenda (candidates and dwellings are prefetched)."""
    prepared = board(organisation, items=items)
    _user, client = member_factory()
    member = _client(prepared.tenant.user)
    with django_assert_max_num_queries(11):
        client.get(reverse("allocation:session_detail", args=[prepared.session.pk]))
    with django_assert_max_num_queries(12):  # + the item's written exchange
        member.get(_vote_url(prepared))
    with django_assert_max_num_queries(8):
        member.get(reverse("allocation:my_sessions"))
    with django_assert_max_num_queries(7):
        client.get(reverse("allocation:commission_list"))


def test_items_sent_back_wait_on_the_commissions_page(organisation, member_factory):
    prepared = board(organisation, mark="Peupliers")
    positions.declaration_record(
        session=prepared.session,
        member=prepared.tenant,
        item=prepared.items[0],
        kind="send_back",
        reason="À voir en séance",
    )
    _past_due(prepared.session)
    closing.session_close(session_id=prepared.session.pk)
    _user, client = member_factory()
    body = client.get(reverse("allocation:commission_list")).content.decode()
    assert 'data-testid="sent-back"' in body
    assert prepared.items[0].vacancy.dwelling.reference in body


def test_a_saved_position_is_shown_selected_and_ticks_its_item_without_a_reload(organisation):
    """Issue 7 §9: the chosen choice stays selected after saving, and the item tabs' ticks
    follow at once (an out-of-band swap of the tabs rides along with the card)."""
    prepared = board(organisation, items=2)
    client = _client(prepared.landlord.user)
    before = client.get(_vote_url(prepared, item=2)).content.decode()
    assert "(positions taken)" not in before
    candidate = prepared.candidates(1)[0]
    body = client.post(
        _position_url(prepared, candidate),
        {"choice": "non_attribution", "reason": "Trop petit"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f'id="choice-{candidate.pk}-n" checked' in body
    assert f'id="choice-{candidate.pk}-a" checked' not in body
    tabs = body[body.index('id="item-tabs"') :]
    assert 'hx-swap-oob="true"' in tabs[:40]
    ticked = [chunk for chunk in tabs.split("<li")[1:] if "(positions taken)" in chunk]
    assert len(ticked) == 1 and "?item=2" in ticked[0]  # item 2 ticked, item 1 not


def test_declaring_a_conflict_asks_for_a_confirmation_first(organisation):
    """Issue 7 §9: one click declared a conflict (and withdrew the positions) unasked."""
    prepared = board(organisation)
    body = _client(prepared.mayor.user).get(_vote_url(prepared)).content.decode()
    form = body[body.index('name="kind" value="conflict"') :].split("</form>")[0]
    assert '<summary class="btn btn-warning">' in form  # opens the confirmation, posts nothing
    assert "positions on its candidates will be withdrawn" in form
    assert form.index("<summary") < form.index('type="submit"')  # the submit is behind it


def test_a_member_with_a_conflict_is_not_counted_among_those_expected_to_vote(
    organisation, member_factory
):
    """Issue 7 §1: "3 members of 4 have taken a position" counted a conflicted member."""
    prepared = board(organisation, items=2)
    first_item = prepared.items[0]
    positions.declaration_record(
        session=prepared.session, member=prepared.mayor, item=first_item, kind="conflict"
    )
    for member in (prepared.president, prepared.tenant, prepared.landlord):
        positions.position_record(
            session=prepared.session,
            member=member,
            candidate=prepared.candidates(0)[0],
            choice="non_attribution",
            reason="Motif",
        )
    _user, client = member_factory()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("allocation:session_detail", args=[prepared.session.pk])
    body = client.get(url).content.decode()
    assert "3 of 3 members have taken position" in body  # item 1: the mayor abstains
    assert "0 of 4 members have taken position" in body  # item 2: everybody is expected


def test_an_open_session_before_its_start_says_from_when_positions_count(
    organisation, member_factory
):
    """Opened early (the notice goes out), a remote session takes positions from its start
    time only (positions.lock_open): the member is told from when; the new-session form
    suggests a start to come."""
    prepared = board(organisation)
    starts = timezone.localtime() + dt.timedelta(days=1)
    Session.objects.filter(pk=prepared.session.pk).update(
        kind=SessionKind.REMOTE, opens_at=starts, closes_at=starts + dt.timedelta(hours=24)
    )
    page = _client(prepared.tenant.user).get(_vote_url(prepared)).content.decode()
    expected = f"Positions are recorded from {starts:%d/%m} at {starts:%H:%M}."
    assert expected in page and 'data-testid="not-started"' in page
    Session.objects.filter(pk=prepared.session.pk).update(opens_at=timezone.now())
    page = _client(prepared.tenant.user).get(_vote_url(prepared)).content.decode()
    assert 'data-testid="not-started"' not in page
    _user, client = member_factory()
    form = client.get(reverse("allocation:session_create", args=[prepared.commission.pk]))
    assert form.context["form"].initial["opens_at"] > timezone.now()
