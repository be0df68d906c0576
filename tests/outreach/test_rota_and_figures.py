"""The callers' rota: the morning list goes to the callers on duty that day (the weekly rota,
less those declared absent in continuity), balanced, the same caller kept where possible;
and outreach's figures in the situation report."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.continuity import report
from relais.continuity import services as continuity
from relais.continuity.models import StaffMember
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.outreach import calllist, figures, rules, services
from relais.outreach.models import Follow, RotaSlot

from ..factories import MembershipFactory
from .fixtures import caller, campaign, ccas, person, sheets

pytestmark = pytest.mark.django_db


def _absent(organisation, membership, day, status="sick"):
    staff = StaffMember.objects.create(organisation=organisation, membership=membership)
    continuity.day_declare(
        organisation=organisation, actor=None, staff=staff, day=day, status=status
    )


def test_without_a_rota_every_caller_is_on_duty_but_the_absent(organisation):
    today = timezone.localdate()
    a, b, c = (caller(organisation, name) for name in ("a", "b", "c"))
    _absent(organisation, b, today)
    _absent(organisation, c, today, status="telework")  # working from home: on duty
    assert calllist.callers_on_duty(organisation, today) == [a.pk, c.pk]
    assert calllist.callers_on_duty(organisation, today + dt.timedelta(days=1)) == [
        a.pk,
        b.pk,
        c.pk,
    ]


def test_the_rota_decides_who_is_on_duty_each_weekday(organisation):
    a, b = caller(organisation, "a"), caller(organisation, "b")
    services.rota_save(organisation=organisation, actor=None, slots={a.pk: {0, 1}, b.pk: {1}})
    monday = dt.date(2026, 11, 30)
    assert calllist.callers_on_duty(organisation, monday) == [a.pk]
    assert calllist.callers_on_duty(organisation, monday + dt.timedelta(days=1)) == [a.pk, b.pk]
    assert calllist.callers_on_duty(organisation, monday + dt.timedelta(days=2)) == []
    # Saving again replaces the rota, audited with what changed.
    services.rota_save(organisation=organisation, actor=None, slots={a.pk: {0}, b.pk: {1, 2}})
    assert set(RotaSlot.objects.values_list("caller_id", "weekday")) == {
        (a.pk, 0),
        (b.pk, 1),
        (b.pk, 2),
    }
    event = AuditEvent.objects.filter(action="outreach.rota_changed").latest("pk")
    assert "mercredi" in event.changes["added"] and "mardi" in event.changes["removed"]


def test_the_rota_refuses_someone_who_is_not_a_caller(organisation):
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    with pytest.raises(services.Refused):
        services.rota_save(organisation=organisation, actor=None, slots={manager.pk: {0}})
    assert not RotaSlot.objects.exists()


def test_the_morning_list_goes_to_the_callers_on_duty_balanced_and_kept(organisation):
    today = timezone.localdate()
    for index in range(9):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    a, b, c, off = (caller(organisation, name) for name in ("a", "b", "c", "off"))
    every_day = set(range(7))
    services.rota_save(
        organisation=organisation,
        actor=None,
        slots={a.pk: every_day, b.pk: every_day, c.pk: every_day, off.pk: set()},
    )
    _absent(organisation, c, today)
    # The first three were last called by a, three by the caller not on the rota.
    follows = list(Follow.objects.order_by("pk").values_list("pk", flat=True))
    Follow.objects.filter(pk__in=follows[:3]).update(caller=a)
    Follow.objects.filter(pk__in=follows[3:6]).update(caller=off)
    assert services.list_build(organisation=organisation) == 9
    built = sheets()
    assert set(built) == {a.pk, b.pk}  # neither the absent nor the one off the rota
    assert sorted(len(people) for people in built.values()) == [4, 5]
    assert set(follows[:3]) <= set(built[a.pk])


def test_rota_page_saves_and_shows_the_week(organisation):
    a = caller(organisation, "lea", first_name="Léa")
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER)
    _absent(organisation, a, timezone.localdate())
    client = Client()
    client.force_login(manager.user)
    url = reverse("outreach:rota")
    page = client.get(url)
    assert page.status_code == 200
    week = page.context["week"]
    assert week[0]["absent"] == [a] and week[1]["on_duty"] == [a]
    response = client.post(url, {f"caller-{a.pk}": ["0", "4"]})
    assert response.status_code == 302
    assert set(RotaSlot.objects.values_list("weekday", flat=True)) == {0, 4}
    bad = client.post(url, {f"caller-{a.pk}": ["9"]})
    assert bad.status_code == 400
    assert set(RotaSlot.objects.values_list("weekday", flat=True)) == {0, 4}
    lea = Client()
    lea.force_login(a.user)
    assert lea.get(url).status_code == 403


def test_outreach_figures_in_the_situation_report(organisation):
    today = timezone.localdate()
    assert figures.calls(organisation, today) is None  # no campaign: not in use
    entry = person(organisation)
    campaign(organisation, cadence=1)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    partner = ccas(organisation, entry)
    services.call_record(
        organisation=organisation,
        actor=None,
        membership=lea,
        follow=Follow.objects.get(),
        outcome="needs",
        needs=[("groceries", "")],
        refer_to=partner,
    )
    rows = {row["key"]: row["value"] for row in report.compute_all(organisation, today)}
    assert rows["outreach.calls"] == 1
    assert rows["outreach.escalations"] == 1
    later = today + dt.timedelta(days=8)
    assert figures.calls(organisation, later) == 0
    assert figures.escalations(organisation, later) == 0


@pytest.mark.parametrize(
    "due, callers, expected",
    [
        # 5 people, 2 callers: cap 3; the first three keep caller 7 up to the cap, the others
        # fill caller 9's room, each caller's people in the order of the list.
        ([(1, 7), (2, 7), (3, 7), (4, 7), (5, None)], [9, 7], {7: [1, 2, 3], 9: [4, 5]}),
        # A last caller off duty is as no last caller: people spread by caller id.
        ([(1, 4), (2, 4), (3, None)], [2, 3], {2: [1, 2], 3: [3]}),
        # A caller keeps a person due after one they receive: positions follow the list.
        ([(1, None), (2, None), (3, 5)], [5, 6], {5: [1, 3], 6: [2]}),
        ([(1, None)], [], {}),
        ([], [1], {}),
    ],
)
def test_share_balances_and_keeps_the_last_caller(due, callers, expected):
    assert calllist.share(due, callers) == expected


def test_the_callers_page_shows_who_to_call_then_the_retries_then_those_done(organisation):
    from relais.outreach import selectors

    for index in range(4):
        person(organisation, name=f"P{index}")
    campaign(organisation, cadence=1)
    lea = caller(organisation, "lea")
    services.list_build(organisation=organisation)
    today = timezone.localdate()
    sheet = sheets()[lea.pk]
    first, second = (Follow.objects.get(pk=pk) for pk in sheet[:2])
    done = services.call_record(
        organisation=organisation, actor=None, membership=lea, follow=first, outcome="fine"
    )
    retry = services.call_record(
        organisation=organisation, actor=None, membership=lea, follow=second, outcome="no_answer"
    )
    rows = selectors.my_list_rows(organisation, lea, today)
    assert [r.pk for r in rows] == [*sheet[2:], second.pk, first.pk]
    assert [(r.not_before, r.done_at) for r in rows] == [
        (None, None),
        (None, None),
        (retry.call.called_at + rules.RETRY_LATER, None),
        (None, done.call.called_at),
    ]
    assert rows[0].person == str(Follow.objects.get(pk=sheet[2]).entry.occupant)
    assert rows[0].campaign_name == "Canicule"
    client = Client()
    client.force_login(lea.user)
    page = client.get(reverse("outreach:today"))
    assert page.context["next"].pk == rows[0].pk
    assert page.context["left"] == 3
    # The call screen is addressed by the person's follow, only while on a list of today.
    assert client.get(reverse("outreach:call", args=[sheet[2]])).status_code == 200
    other = person(organisation, name="Unlisted")
    unlisted = Follow.objects.get(entry=other)
    assert client.get(reverse("outreach:call", args=[unlisted.pk])).status_code == 404
    with pytest.raises(services.Refused):
        services.call_record(
            organisation=organisation, actor=None, membership=lea, follow=unlisted, outcome="fine"
        )
