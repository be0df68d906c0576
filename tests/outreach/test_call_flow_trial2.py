"""The call flow as a second trial on the tiny demo found it: the next call shown is the
person's real next due day (never today for someone reached today); a new campaign's first
due day respects the person's last contact; the call note is bounded; the end of the
follow-up closes the person's open needs with its reason; a person with no phone gets a
caretaker's visit, not phone outcomes; the list counts who can be called now apart from the
retries."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from relais.core.roles import Role
from relais.outreach import selectors, services
from relais.outreach.models import Follow

from ..factories import MembershipFactory
from .fixtures import campaign, days, person

pytestmark = pytest.mark.django_db


def _caller(organisation):
    membership = MembershipFactory(organisation=organisation, role=Role.OUTREACH_CALLER)
    client = Client()
    client.force_login(membership.user)
    return membership, client


def _call(organisation, membership, entry, outcome, **extra):
    follow = Follow.objects.filter(entry=entry).order_by("pk").first()
    return services.call_record(
        organisation=organisation,
        actor=membership.user,
        membership=membership,
        follow=follow,
        outcome=outcome,
        **extra,
    )


def test_a_new_campaign_after_a_reach_today_shows_the_real_next_call(organisation):
    today = timezone.localdate()
    odile = person(organisation, name="Leroy")
    campaign(organisation, cadence=7, name="Confinement")
    lea, client = _caller(organisation)
    services.list_build(organisation=organisation, caller_ids=[lea.pk])
    _call(organisation, lea, odile, "fine")
    campaign(organisation, cadence=2, name="Canicule")
    # Her first due day under the new campaign: today's reach + 2 days, not today.
    new = Follow.objects.get(entry=odile, campaign__name="Canicule")
    assert new.next_due_on == today + days(2)
    row = selectors.my_list_rows(organisation, lea, today)[0]
    assert row.done_at is not None and row.next_due_on == today + days(2)
    # Even a follow left due today (made before the rule) is never shown as "next call today".
    Follow.objects.filter(pk=new.pk).update(next_due_on=today)
    row = selectors.my_list_rows(organisation, lea, today)[0]
    assert row.next_due_on == today + days(1)
    page = client.get(reverse("outreach:call", args=[row.pk])).content.decode()
    with translation.override("fr"):
        tomorrow = date_format(today + days(1), "l j F")
    assert f"Prochain appel le {tomorrow}" in page


def test_a_new_campaign_respects_the_last_contact_within_its_cadence(organisation):
    today = timezone.localdate()
    recent, old, never = (person(organisation, name=n) for n in ("Recent", "Ancien", "Jamais"))
    first = campaign(organisation, cadence=7, name="Confinement")
    Follow.objects.filter(campaign=first, entry=recent).update(
        last_reached_at=timezone.now() - days(3)
    )
    Follow.objects.filter(campaign=first, entry=old).update(
        last_reached_at=timezone.now() - days(5)
    )
    second = campaign(organisation, cadence=4, name="Canicule")
    due = dict(Follow.objects.filter(campaign=second).values_list("entry_id", "next_due_on"))
    assert due == {
        recent.pk: today + days(1),  # reached 3 days ago, cadence 4
        old.pk: today,  # reached 5 days ago: outside the cadence
        never.pk: today,
    }
