"""The on-call rota (issue 8 §4): an urgent request out of hours alerts the person on call by
SMS; without an acknowledgement in time the next is alerted; the acknowledgement (signed link)
stops it; the person on call now shows on the public crisis notice."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from relais.core.models import CrisisMode
from relais.core.services import crisis_mode_change, crisis_notice_save
from relais.interventions.models import OnCallAlert, OnCallShift, RequestStatus
from relais.interventions.on_call import notify, rules, services

from .work_order_fixtures import make_request

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# A Saturday night: out of office hours.
NIGHT = dt.datetime(2026, 3, 21, 23, 0, tzinfo=PARIS)


@pytest.fixture
def rota(organisation, agency):
    def shift(rank, name, phone):
        return OnCallShift.objects.create(
            organisation=organisation,
            agency=agency,
            person_name=name,
            phone=phone,
            rank=rank,
            starts_at=NIGHT - dt.timedelta(hours=6),
            ends_at=NIGHT + dt.timedelta(hours=12),
        )

    return [shift(1, "Paul Girard", "06 11 11 11 11"), shift(2, "Inès Roy", "06 22 22 22 22")]


@pytest.fixture
def leak_at_night(lease, categories, agency):
    return make_request(
        lease,
        categories["water_leak"],
        reported_at=NIGHT - dt.timedelta(minutes=5),
        status=RequestStatus.NEW,
    )


def _sweep(now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.sweep(now)


@pytest.mark.parametrize(
    ("moment", "office"),
    [
        (dt.datetime(2026, 3, 18, 10, 0, tzinfo=PARIS), True),  # Wednesday morning
        (dt.datetime(2026, 3, 18, 8, 29, tzinfo=PARIS), False),
        (dt.datetime(2026, 3, 18, 17, 30, tzinfo=PARIS), False),
        (dt.datetime(2026, 3, 21, 10, 0, tzinfo=PARIS), False),  # Saturday
        (dt.datetime(2026, 5, 1, 10, 0, tzinfo=PARIS), False),  # 1 May, a Friday
        (dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC), True),  # 10:00 in Paris
    ],
)
def test_office_hours(moment, office):
    assert rules.in_office_hours(moment) is office


def test_unacknowledged_alert_escalates_to_the_next(
    rota, leak_at_night, messages_sent, django_capture_on_commit_callbacks, settings
):
    settings.ON_CALL_ACK_MINUTES = 15
    assert _sweep(NIGHT, django_capture_on_commit_callbacks) == (1, 0)
    [sms] = messages_sent
    assert sms["channel"] == "sms" and sms["to"] == "06 11 11 11 11"
    assert leak_at_night.tracking_number in sms["body"]
    # Ten minutes later: still within the delay, nothing more; a second sweep alerts nobody twice.
    assert _sweep(NIGHT + dt.timedelta(minutes=10), django_capture_on_commit_callbacks) == (0, 0)
    assert _sweep(NIGHT + dt.timedelta(minutes=16), django_capture_on_commit_callbacks) == (0, 1)
    assert [m["to"] for m in messages_sent] == ["06 11 11 11 11", "06 22 22 22 22"]
    # Nobody after rank 2: the escalation stops there, without error.
    assert _sweep(NIGHT + dt.timedelta(minutes=40), django_capture_on_commit_callbacks) == (0, 1)
    assert OnCallAlert.objects.count() == 2 and len(messages_sent) == 2


def test_acknowledging_by_the_link_stops_the_escalation(
    client, rota, leak_at_night, messages_sent, django_capture_on_commit_callbacks
):
    _sweep(NIGHT, django_capture_on_commit_callbacks)
    alert = OnCallAlert.objects.get()
    url = notify.ack_url(alert.pk).split("testserver")[-1]
    url = url[url.index("/astreinte/") :]
    page = client.get(url)
    assert page.status_code == 200 and "Je prends cette demande" in page.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None  # a GET (a link preview) acknowledges nothing
    assert client.post(url).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    assert _sweep(NIGHT + dt.timedelta(hours=1), django_capture_on_commit_callbacks) == (0, 0)
    assert len(messages_sent) == 1


def test_a_forged_acknowledgement_link_is_refused(client, db):
    page = client.get(reverse("interventions:on_call_ack", kwargs={"token": "1:forged"}))
    assert page.status_code == 410


def test_requests_in_office_hours_or_not_urgent_alert_nobody(
    rota, lease, categories, messages_sent, django_capture_on_commit_callbacks
):
    make_request(
        lease,
        categories["water_leak"],
        number="DI-1",
        reported_at=dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS),
    )
    normal = next(c for c in categories.values() if c.default_priority == "normal")
    make_request(lease, normal, number="DI-2", reported_at=NIGHT - dt.timedelta(minutes=1))
    assert _sweep(NIGHT, django_capture_on_commit_callbacks) == (0, 0)
    assert messages_sent == []


def test_the_person_on_call_now_shows_on_the_public_notice(client, organisation, rota, agency):
    crisis_mode_change(
        organisation=organisation, actor=None, mode=CrisisMode.CRISIS, switches={}, note=""
    )
    crisis_notice_save(
        organisation=organisation,
        actor=None,
        text="Agences fermées",
        phone_lines="",
        emergency_phone="02 47 00 00 00",
        links="",
    )
    OnCallShift.objects.update(
        starts_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        ends_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    page = client.get(reverse("core:public_agencies", args=[organisation.slug])).content.decode()
    assert 'data-testid="on-call-now"' in page
    assert "Agence Nord" in page and "06 11 11 11 11" in page and "06 22 22 22 22" not in page


def test_planning_a_shift(member_factory, organisation, agency):
    from relais.core.roles import Role

    _user, manager = member_factory(Role.MANAGER)
    response = manager.post(
        reverse("interventions:on_call_create"),
        {
            "agency": agency.pk,
            "person_name": "Paul Girard",
            "phone": "06 11 11 11 11",
            "starts_at": "2026-03-21T18:00",
            "ends_at": "2026-03-21T08:00",
            "rank": 1,
        },
    )
    assert response.status_code == 400
    assert "doit finir après" in response.content.decode()
    response = manager.post(
        reverse("interventions:on_call_create"),
        {
            "agency": agency.pk,
            "person_name": "Paul Girard",
            "phone": "06 11 11 11 11",
            "starts_at": "2026-03-21T18:00",
            "ends_at": "2026-03-22T08:00",
            "rank": 1,
        },
    )
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.starts_at == dt.datetime(2026, 3, 21, 18, 0, tzinfo=PARIS)
