"""What other capabilities add to broadcasts: the "tenants in arrears" segment (rent), the
outreach register's segment (sensitive: its ability, every use audited), the latest public
messages on the crisis notice, and the situation report's figure."""

import datetime as dt
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.core.audit import AuditEvent
from relais.core.models import CrisisMode, CrisisNotice
from relais.core.pdf import crisis_notice_pdf
from relais.core.roles import Role
from relais.core.services import crisis_mode_change, crisis_notice_save
from relais.messaging import recipients, services
from relais.messaging.figures import broadcasts_sent
from relais.messaging.forms import BroadcastForm
from relais.messaging.models import Broadcast, BroadcastKind, BroadcastStatus
from relais.outreach.models import RegisterEntry
from relais.rent.models import RentCall
from relais.rent.rules import add_months
from tests.factories import MembershipFactory

from .test_broadcasts import draft

REGISTER = [{"key": "outreach.register", "value": ""}]


@pytest.fixture
def director(organisation):
    return MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user


def owes(occupant, euros: int, *, months_ago: int):
    """A call of ``euros`` unpaid, ``months_ago`` months before this one (0: next month's,
    not yet due)."""
    month = add_months(timezone.localdate().replace(day=1), -months_ago if months_ago else 1)
    lease = occupant.household.leases.get()
    RentCall.objects.create(
        organisation=lease.organisation, lease=lease, month=month, days=30, month_days=30,
        rent_cents=euros * 100, charges_cents=0, benefit_cents=0, rls_cents=0,
        amount_cents=euros * 100, paid_cents=0,
    )  # fmt: skip


def arrears(value):
    return [{"key": "rent.arrears", "value": value}]


def test_tenants_in_arrears_above_the_threshold_the_sender_picks(world, director):
    owes(world.by_email, 600, months_ago=2)
    owes(world.by_sms, 100, months_ago=2)
    owes(world.by_letter, 900, months_ago=0)  # next month's call: not overdue yet
    above_300 = draft(world, director, criteria=arrears("300"))
    assert {row.pk for row in recipients.selected(above_300)} == {world.by_email.pk}
    assert recipients.counts(above_300) == {"email": 1, "sms": 0, "letter": 0, "opted_out": 0}
    any_overdue = draft(world, director, criteria=arrears("0"))
    assert recipients.counts(any_overdue) == {"email": 1, "sms": 1, "letter": 0, "opted_out": 0}
    # Combined with a building and an age band like any other segment.
    old_in_arrears = arrears("50,5 €") + [{"key": "age_band", "value": "70+"}]
    assert recipients.counts(draft(world, director, criteria=old_in_arrears))["sms"] == 1


def test_a_threshold_that_is_not_an_amount_is_refused(world, director):
    with pytest.raises(ValidationError) as error:
        draft(world, director, criteria=arrears("beaucoup"))
    assert "value" in error.value.message_dict
    assert not Broadcast.objects.exists()


@pytest.fixture
def on_register(world):
    return RegisterEntry.objects.create(
        organisation=world.organisation, occupant=world.by_letter,
        household=world.by_letter.household, source="staff", consent_by="person",
        consent_on=dt.date(2026, 6, 1),
    )  # fmt: skip


def _uses(broadcast):
    return list(
        AuditEvent.objects.filter(
            action="broadcast.sensitive_segment_used", object_id=str(broadcast.pk)
        )
        .order_by("pk")
        .values_list("changes__use", flat=True)
    )


def test_only_roles_that_see_the_register_may_pick_it(world, director, on_register):
    assert "outreach.register" not in dict(
        BroadcastForm(abilities={"broadcast.send": True}).fields["segment"].choices
    )
    assert "outreach.register" in dict(
        BroadcastForm(abilities={"outreach.view": True}).fields["segment"].choices
    )
    with pytest.raises(ValidationError) as error:
        draft(world, director, criteria=REGISTER)
    assert "segment" in error.value.message_dict
    assert not Broadcast.objects.exists()


def _fields(broadcast):
    names = ("title", "kind", "public", "subject", "body", "sms_body", "envelope")
    return {name: getattr(broadcast, name) for name in names}


def test_a_draft_cannot_be_changed_to_the_register_by_a_role_that_may_not_see_it(
    world, director, on_register
):
    broadcast = draft(world, director)
    with pytest.raises(ValidationError) as error:
        services.broadcast_update(
            organisation=world.organisation, actor=director, broadcast=broadcast,
            criteria=REGISTER, **_fields(broadcast),
        )  # fmt: skip
    assert "segment" in error.value.message_dict
    broadcast.refresh_from_db()
    assert broadcast.criteria != REGISTER


def test_a_draft_changed_on_the_register_is_audited(world, on_register, member_factory):
    caller, _client = member_factory(Role.OUTREACH_CALLER)
    broadcast = draft(world, caller, criteria=REGISTER)
    services.broadcast_update(
        organisation=world.organisation, actor=caller, broadcast=broadcast,
        criteria=REGISTER, **_fields(broadcast) | {"title": "Canicule"},
    )  # fmt: skip
    assert _uses(broadcast) == ["created", "changed"]


def test_every_use_of_the_register_is_audited(world, on_register, member_factory, settings):
    settings.RELAIS_BROADCAST_APPROVAL_THRESHOLD = 0
    caller, caller_client = member_factory(Role.OUTREACH_CALLER)
    broadcast = draft(world, caller, criteria=REGISTER, kind=BroadcastKind.SAFETY)
    assert recipients.counts(broadcast) == {"email": 0, "sms": 0, "letter": 1, "opted_out": 0}
    page = caller_client.get(f"/diffusions/{broadcast.pk}/").content.decode()
    assert 'data-testid="count-letter">1<' in page and "Louise Petit" in page
    assert services.broadcast_send(broadcast=broadcast, actor=caller) == "awaiting_approval"
    director_user, director_client = member_factory(Role.DIRECTOR)
    page = director_client.get(f"/diffusions/{broadcast.pk}/").content.decode()
    assert "Louise Petit" not in page and "Madame, Monsieur" in page  # counts, no names
    services.broadcast_approve(broadcast=broadcast, actor=director_user)
    assert services.broadcast_dispatch(broadcast.pk)  # what the task does once committed
    assert director_client.get(f"/diffusions/{broadcast.pk}/destinataires/").status_code == 403
    assert caller_client.get(f"/diffusions/{broadcast.pk}/destinataires/").status_code == 200
    assert _uses(broadcast) == [
        "created", "viewed", "sent", "viewed", "approved", "dispatched", "recipients_viewed",
    ]  # fmt: skip
    # The director who only read counts is named too.
    assert AuditEvent.objects.filter(
        action="broadcast.sensitive_segment_used", actor=director_user
    ).exists()


def test_a_broadcast_of_public_places_writes_no_sensitive_audit(world, director):
    broadcast = draft(world, director)
    assert _uses(broadcast) == []


def _public(world, director, title, *, kind, days_ago, body="Bonjour {nom}, " + "mot " * 80):
    return Broadcast.objects.create(
        organisation=world.organisation, title=title, public=True, kind=kind,
        status=BroadcastStatus.SENT, criteria=[{"key": "organisation"}], subject="s",
        body=body, sms_body="s", created_by=director,
        sent_at=timezone.now() - dt.timedelta(days=days_ago),
    )  # fmt: skip


def test_the_crisis_notice_lists_the_latest_messages_safety_first(world, director, client):
    old_safety = _public(world, director, "Gaz coupé", kind="safety", days_ago=3)
    _public(world, director, "Agences fermées", kind="information", days_ago=1)
    _public(world, director, "Eau non potable", kind="safety", days_ago=2)
    Broadcast.objects.create(
        organisation=world.organisation, title="Privé", public=False,
        status=BroadcastStatus.SENT, criteria=[], subject="s", body="b", sms_body="s",
        created_by=director,
    )  # fmt: skip
    crisis_notice_save(
        organisation=world.organisation, actor=None, text="Agences fermées.", phone_lines="",
        emergency_phone="06 12 34 56 78", links="",
    )  # fmt: skip
    crisis_mode_change(
        organisation=world.organisation, actor=None, mode=CrisisMode.CRISIS, switches={}
    )
    body = client.get(f"/o/{world.organisation.slug}/agences/").content.decode()
    news = body[body.index('data-testid="notice-news"') :]
    news = news[: news.index("</ul>")]
    titles = ["Eau non potable", "Gaz coupé", "Agences fermées"]
    assert [news.index(title) for title in titles] == sorted(news.index(t) for t in titles)
    assert "Privé" not in news
    assert news.count("Sécurité") == 2
    assert "Bonjour Madame, Monsieur, mot mot" in news  # the excerpt, no one's name
    assert "mot " * 70 not in news and "…" in news  # cut at 240 characters
    assert f"/o/{world.organisation.slug}/messages/#message-{old_safety.pk}" in news
    full = client.get(f"/o/{world.organisation.slug}/messages/").content.decode()
    assert f'id="message-{old_safety.pk}"' in full
    notice = CrisisNotice.objects.get(organisation=world.organisation)
    poster = subprocess.run(
        ["pdftotext", "-", "-"], input=crisis_notice_pdf(notice, site_url="https://x.fr"),
        capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    latest = poster[poster.index("Derniers messages aux locataires") :]
    assert latest.index("Eau non potable") < latest.index("Gaz coupé")
    assert latest.index("Gaz coupé") < latest.index("Agences fermées")


def test_the_situation_report_counts_messages_sent_in_the_week(world, director):
    today = timezone.localdate()
    assert broadcasts_sent(world.organisation, today) is None  # never used
    for days_ago, counts in ((1, {"email": 3, "sms": 2, "letter": 1}), (9, {"email": 50})):
        Broadcast.objects.create(
            organisation=world.organisation, title="t", criteria=[], subject="s", body="b",
            sms_body="s", created_by=director, status=BroadcastStatus.SENT, counts=counts,
            dispatched_at=timezone.now() - dt.timedelta(days=days_ago),
        )  # fmt: skip
    assert broadcasts_sent(world.organisation, today) == 6
    from relais.continuity.report import compute_all

    values = {row["key"]: row["value"] for row in compute_all(world.organisation, today)}
    assert values["messaging.broadcasts"] == 6


@pytest.mark.parametrize(
    ("role", "criteria"), [(Role.MANAGER, arrears("500")), (Role.OUTREACH_CALLER, REGISTER)]
)
def test_a_message_to_a_private_segment_is_never_public(world, member_factory, role, criteria):
    sender, _client = member_factory(role)
    with pytest.raises(ValidationError) as error:
        draft(world, sender, criteria=criteria, public=True)
    assert "public" in error.value.message_dict
    assert not Broadcast.objects.exists()
    assert not draft(world, sender, criteria=criteria).public  # the same, not public, goes
