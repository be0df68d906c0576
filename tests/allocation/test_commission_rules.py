"""The commission's internal rules as a record, the vote page of a member outside an item's
electorate, and the written exchange of remote sessions (issue 7 §1)."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.commissions import closing, minutes, positions, remarks
from relais.allocation.models import (
    CommissionRules,
    DeclarationKind,
    ItemRemark,
    Seat,
    SessionKind,
)
from relais.core.models import AuditEvent
from relais.core.roles import Role

from ..factories import CommuneFactory
from .factories_commissions import board, seat
from .factories_letters import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ceilings_loaded")]


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked in English (msgids); pages pick their own language."""
    with translation.override("en"):
        yield


def _client(user):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def _rules_url(commission):
    return reverse("allocation:commission_rules", args=[commission.pk])


RULES = {
    "adopted_on": "2026-03-12",
    "remote_sessions_allowed": "on",
    "quorum_ratio": "0.60",
    "decision_rule": "majority",
    "casting_vote": "epci",
}


# The internal rules page ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.MANAGER])
def test_a_director_or_a_manager_records_the_rules_audited(organisation, member_factory, role):
    prepared = board(organisation)
    _user, client = member_factory(role)
    response = client.post(_rules_url(prepared.commission), RULES)
    assert response.status_code == 302
    rules = CommissionRules.objects.get(commission=prepared.commission)
    assert (rules.adopted_on, str(rules.quorum_ratio)) == (dt.date(2026, 3, 12), "0.60")
    assert (rules.decision_rule, rules.casting_vote) == ("majority", "epci")
    event = AuditEvent.objects.get(action="commission.rules_saved")
    assert event.changes["quorum_ratio"] == ["0.50", "0.60"]
    assert event.changes["decision_rule"] == ["plurality", "majority"]
    assert event.changes["adopted_on"] == [None, "2026-03-12"]
    assert "remote_sessions_allowed" not in event.changes  # unchanged: True before and after
    assert CommissionRules.objects.filter(commission=prepared.commission).count() == 1
    if role == Role.DIRECTOR:  # the audit trail reads it in French, before → after
        trail = html.unescape(client.get(reverse("core:audit_log")).content.decode())
        assert "Règlement intérieur d'une commission enregistré" in trail
        assert "Majorité des suffrages exprimés (plus de la moitié)" in trail


def test_the_allocation_officer_runs_sessions_but_not_the_rules(organisation, member_factory):
    prepared = board(organisation)
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    assert client.get(_rules_url(prepared.commission)).status_code == 403
    detail = client.get(reverse("allocation:commission_detail", args=[prepared.commission.pk]))
    body = detail.content.decode()
    assert "Majorité relative" in body and "prévues" in body  # French pages
    assert _rules_url(prepared.commission) not in body  # no edit link without the ability


def test_a_remote_quorum_under_half_is_refused_in_french(organisation, member_factory):
    prepared = board(organisation)
    _user, client = member_factory(Role.DIRECTOR)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = client.post(_rules_url(prepared.commission), {**RULES, "quorum_ratio": "0.40"})
    assert response.status_code == 400
    assert "au moins la moitié des membres" in response.content.decode()
    assert str(CommissionRules.objects.get(commission=prepared.commission).quorum_ratio) == "0.50"
    assert not AuditEvent.objects.filter(action="commission.rules_saved").exists()


# A member outside the item's electorate ---------------------------------------------------


def test_the_mayor_of_another_commune_finds_no_vote_on_a_tours_item(organisation):
    prepared = board(organisation)
    joue = seat(prepared.commission, Seat.MAYOR, commune=CommuneFactory(code="37122"))
    client = _client(joue.user)
    body = client.get(reverse("allocation:vote", args=[prepared.session.pk])).content.decode()
    assert "Not in your electorate." in body and "not in your electorate" in body
    assert "you follow the agenda without voting" in body  # no item of his commune
    assert 'data-testid="candidate"' not in body and "Save my position" not in body
    assert "I have a conflict of interest" not in body
    for candidate in prepared.candidates():
        assert candidate.application.registration_number not in body
    candidate = prepared.candidates()[0]
    file_url = reverse("allocation:vote_candidate", args=[prepared.session.pk, candidate.pk])
    assert client.get(file_url).status_code == 404
    position_url = reverse("allocation:vote_position", args=[prepared.session.pk, candidate.pk])
    client.post(position_url, {"choice": "non_attribution", "reason": "Non"})
    assert not candidate.positions.exists()
    # The mayor of Tours votes on it.
    mine = _client(prepared.mayor.user).get(reverse("allocation:vote", args=[prepared.session.pk]))
    assert "Save my position" in mine.content.decode()


# The written exchange -------------------------------------------------------------------


def _post(prepared, member, text, item=0):
    return remarks.remark_post(
        session=prepared.session, member=member, item=prepared.items[item], text=text
    )


def test_members_exchange_in_writing_on_an_item_and_positions_stay_secret(organisation):
    prepared = board(organisation)
    client = _client(prepared.tenant.user)
    url = reverse("allocation:vote_remark", args=[prepared.session.pk, prepared.items[0].pk])
    client.post(url, {"text": "Le candidat 2 travaille à deux rues du logement."})
    client.post(url, {"text": "Le candidat 2 travaille à deux rues du logement."})  # again
    assert ItemRemark.objects.count() == 1  # a double submit keeps one remark
    assert AuditEvent.objects.filter(action="vote.remark_posted").count() == 1
    positions.position_record(
        session=prepared.session,
        member=prepared.tenant,
        candidate=prepared.candidates()[1],
        choice="attribution",
        rank=1,
    )
    page = _client(prepared.president.user).get(
        reverse("allocation:vote", args=[prepared.session.pk])
    )
    body = page.content.decode()
    assert "Le candidat 2 travaille à deux rues du logement." in body
    assert "Élu Tenant" in body  # who wrote it
    assert "Your position:" not in body  # the tenant's position is not shown to others


def test_the_exchange_is_refused_where_the_member_does_not_take_part(organisation):
    prepared = board(organisation)
    joue = seat(prepared.commission, Seat.MAYOR, commune=CommuneFactory(code="37122"))
    with pytest.raises(ValidationError, match="do not take part"):
        _post(prepared, joue, "Remarque")
    positions.declaration_record(
        session=prepared.session,
        member=prepared.landlord,
        item=prepared.items[0],
        kind=DeclarationKind.CONFLICT,
    )
    with pytest.raises(ValidationError, match="conflict of interest"):
        _post(prepared, prepared.landlord, "Remarque")
    with pytest.raises(ValidationError, match="Write your remark"):
        _post(prepared, prepared.president, "   ")
    with pytest.raises(ValidationError, match="at most 2000"):
        _post(prepared, prepared.president, "x" * 2001)
    _post(prepared, prepared.advisory, "L'association suit ce dossier.")  # advisory: yes
    joue_page = _client(joue.user).get(reverse("allocation:vote", args=[prepared.session.pk]))
    assert "L'association suit ce dossier." not in joue_page.content.decode()


def test_no_written_exchange_in_an_in_person_session(organisation):
    prepared = board(organisation, kind=SessionKind.IN_PERSON)
    with pytest.raises(ValidationError, match="remote sessions"):
        _post(prepared, prepared.president, "Remarque")
    page = _client(prepared.president.user).get(
        reverse("allocation:vote", args=[prepared.session.pk])
    )
    assert 'data-testid="exchange"' not in page.content.decode()


def test_the_minutes_print_the_rules_and_the_exchange(organisation):
    prepared = board(organisation)
    CommissionRules.objects.filter(commission=prepared.commission).update(
        decision_rule="majority", casting_vote="epci"
    )
    prepared.session.decision_rule, prepared.session.casting_vote = "majority", "epci"
    prepared.session.save(update_fields=["decision_rule", "casting_vote"])
    _post(prepared, prepared.tenant, "Le candidat 2 travaille à deux rues du logement.")
    _post(prepared, prepared.president, "Noté, merci.")
    for member in prepared.voters:
        for candidate, rank in zip(prepared.candidates(), (1, 2, 3), strict=True):
            positions.position_record(
                session=prepared.session,
                member=member,
                candidate=candidate,
                choice="attribution",
                rank=rank,
            )
    prepared.session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    prepared.session.save(update_fields=["closes_at"])
    closing.session_close(session_id=prepared.session.pk)
    prepared.session.refresh_from_db()
    text = pdf_text(minutes.minutes_render(prepared.session))
    assert "Règle de décision (règlement intérieur) : une position doit recueillir plus de la " in (
        text
    )
    assert "majorité des suffrages exprimés" in text
    assert "Voix prépondérante en cas de partage égal des voix : au président de l’EPCI" in text
    assert "Échanges écrits pendant la délibération" in text
    assert "(Représentant des locataires), le" in text
    assert "« Le candidat 2 travaille à deux rues du logement. »" in text
    assert text.index("Le candidat 2 travaille") < text.index("Noté, merci.")


def test_under_the_majority_rule_two_one_one_is_postponed_and_the_minutes_say_why(organisation):
    """Majority of the votes cast: 2 attributions, 1 non-attribution, 1 inadmissibility on
    the first candidate (2 of 4 cast) is no majority; plurality would have attributed."""
    prepared = board(organisation)
    prepared.session.decision_rule = "majority"
    prepared.session.save(update_fields=["decision_rule"])
    first = {
        prepared.president: {"choice": "attribution", "rank": 1},
        prepared.landlord: {"choice": "attribution", "rank": 1},
        prepared.tenant: {"choice": "non_attribution", "reason": "Typologie"},
        prepared.mayor: {"choice": "inadmissible", "reason": "Titre de séjour expiré"},
    }
    for member, position in first.items():
        positions.position_record(
            session=prepared.session, member=member, candidate=prepared.candidates()[0], **position
        )
    prepared.session.closes_at = timezone.now() - dt.timedelta(seconds=1)
    prepared.session.save(update_fields=["closes_at"])
    closing.session_close(session_id=prepared.session.pk)
    item = prepared.items[0]
    item.refresh_from_db()
    assert (item.status, item.participants, item.voting_members) == ("postponed", 4, 4)
    assert prepared.candidates()[0].tally["why"] == "no_majority"
    prepared.session.refresh_from_db()
    text = pdf_text(minutes.minutes_render(prepared.session))
    assert "aucune position n’a recueilli la majorité des suffrages exprimés" in text
