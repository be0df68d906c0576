"""Broadcasts end to end through the services: segments, channels, opt-outs, approval,
retries and bounces, with e-mail read from a real SMTP server and SMS from the file backend."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from relais.core.outbox import bounces, delivery
from relais.core.outbox.models import OutboxMessage, OutboxStatus
from relais.core.outbox.services import opt_out_record
from relais.core.roles import Role
from relais.messaging import recipients, services
from relais.messaging.models import BroadcastLetter, BroadcastStatus
from tests.factories import MembershipFactory

OLD_IN_BUILDING = [{"key": "building", "value": "B-NORD-1"}, {"key": "age_band", "value": "70+"}]


def draft(world, author, *, kind="information", criteria=OLD_IN_BUILDING, **extra):
    fields = {
        "title": "Coupure d'eau",
        "kind": kind,
        "public": False,
        "subject": "Coupure d'eau : {adresse}",
        "body": "Bonjour {nom},\nL'eau sera coupée mardi. Agence : {telephone_agence}.",
        "sms_body": "Bonjour {nom}, eau coupée mardi. Infos : {lien_avis}",
        "envelope": "dl",
        **extra,
    }
    return services.broadcast_create(
        organisation=world.organisation, actor=author, criteria=criteria, **fields
    )


@pytest.fixture
def director(organisation):
    return MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user


@pytest.fixture
def manager(organisation):
    return MembershipFactory(organisation=organisation, role=Role.MANAGER).user


@pytest.fixture
def sms_dir(settings, tmp_path):
    settings.RELAIS_SMS_FILE_PATH = tmp_path / "sms"
    return settings.RELAIS_SMS_FILE_PATH


def test_segment_and_channels_follow_each_tenants_preference(world, director):
    broadcast = draft(world, director)
    chosen = {row.pk: row.channel for row in recipients.selected(broadcast)}
    assert chosen == {
        world.by_email.pk: "email",
        world.by_sms.pk: "sms",
        world.by_letter.pk: "letter",
        world.by_phone.pk: "email",
    }
    assert recipients.counts(broadcast) == {"email": 2, "sms": 1, "letter": 1, "opted_out": 0}


def test_a_send_delivers_email_sms_and_prints_letters(
    world, director, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.broadcast_send(broadcast=broadcast, actor=director) == "sending"
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT
    assert broadcast.counts == {"email": 2, "sms": 1, "letter": 1, "opted_out": 0}
    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {"jeanne.moreau@example.fr", "marc.roux@example.fr"}
    jeanne = received["jeanne.moreau@example.fr"]
    assert jeanne["Subject"] == "Coupure d'eau\u00a0: 3 rue Colbert, 37000 Tours"
    text = jeanne.get_body(("plain",)).get_content()
    assert "Bonjour Jeanne Moreau," in text and "Agence\u00a0: 02 47 00 00 01." in text
    assert (
        jeanne["List-Unsubscribe"]
        .strip()
        .startswith("<https://relais.example.fr/messages/desinscription/")
    )
    assert jeanne["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [sms] = list(sms_dir.iterdir())
    content = sms.read_text()
    assert "To: +33698765432" in content and "Bonjour Paul Girard" in content
    assert "https://relais.example.fr/o/tours-habitat/agences/" in content
    assert broadcast.letters_pages == 2  # the cover sheet and Louise Petit's letter
    assert BroadcastLetter.objects.get(broadcast=broadcast).occupant == world.by_letter
    assert set(
        OutboxMessage.objects.of_batch(broadcast.batch).values_list("status", flat=True)
    ) == {OutboxStatus.SENT}


def test_a_second_run_of_the_dispatch_queues_nothing_more(
    world, director, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=broadcast, actor=director)
    assert services.broadcast_dispatch(broadcast.pk) is False
    assert OutboxMessage.objects.of_batch(broadcast.batch).count() == 3


def test_opt_out_is_respected_except_for_safety_messages(
    world, director, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    opt_out_record(household=world.by_email.household, source="link")
    information = draft(world, director)
    assert recipients.counts(information)["opted_out"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=information, actor=director)
    assert "jeanne.moreau@example.fr" not in {m["To"] for m in smtp_server.messages}

    safety = draft(world, director, kind="safety", title="Fuite de gaz")
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=safety, actor=director)
    safety_mail = [m for m in smtp_server.messages if m["To"] == "jeanne.moreau@example.fr"]
    assert len(safety_mail) == 1
    assert safety_mail[0]["List-Unsubscribe"] is None  # safety messages cannot be refused


def test_the_unsubscribe_link_records_the_opt_out(
    world, director, smtp_server, sms_dir, client, django_capture_on_commit_callbacks
):
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=broadcast, actor=director)
    jeanne = next(m for m in smtp_server.messages if m["To"] == "jeanne.moreau@example.fr")
    url = jeanne["List-Unsubscribe"].strip().strip("<>").replace("https://relais.example.fr", "")
    assert client.get(url).status_code == 200  # a link scanner's GET changes nothing
    assert recipients.counts(draft(world, director))["opted_out"] == 0
    client_post = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert client_post.status_code == 200
    assert recipients.counts(draft(world, director))["opted_out"] == 1
    assert client.post("/messages/desinscription/forged/").status_code == 404


def test_above_the_threshold_a_second_person_must_approve(
    world, director, manager, settings, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    settings.RELAIS_BROADCAST_APPROVAL_THRESHOLD = 3
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.broadcast_send(broadcast=broadcast, actor=director) == "awaiting_approval"
    assert smtp_server.messages == []
    with pytest.raises(ValidationError):
        services.broadcast_approve(broadcast=broadcast, actor=director)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.broadcast_approve(broadcast=broadcast, actor=manager) is True
    broadcast.refresh_from_db()
    assert broadcast.status == BroadcastStatus.SENT and broadcast.approved_by == manager
    assert len(smtp_server.messages) == 2
    # A second approval (a double click) starts nothing.
    assert services.broadcast_approve(broadcast=broadcast, actor=manager) is False


def test_at_the_threshold_no_approval_is_needed(world, director, settings):
    settings.RELAIS_BROADCAST_APPROVAL_THRESHOLD = 4
    assert services.broadcast_send(broadcast=draft(world, director), actor=director) == "sending"


def test_a_temporary_failure_is_retried_then_sent(
    world, director, settings, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    smtp_server.fail_next = 1
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=broadcast, actor=director)
    emails = OutboxMessage.objects.of_batch(broadcast.batch).filter(channel="email")
    retried = emails.filter(status=OutboxStatus.QUEUED, attempts=1)
    assert retried.count() == 1 and "451" in retried.get().last_error
    retried.update(next_attempt_at=timezone.now())  # the backoff has passed
    assert delivery.deliver_batch(broadcast.batch, "email") == {"sent": 1, "left": 0}
    assert set(emails.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(smtp_server.messages) == 2


def test_a_bounce_report_marks_the_message_bounced(
    world, director, smtp_server, sms_dir, django_capture_on_commit_callbacks
):
    broadcast = draft(world, director)
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=broadcast, actor=director)
    jeanne = next(m for m in smtp_server.messages if m["To"] == "jeanne.moreau@example.fr")
    report = dsn(jeanne["Message-ID"], action="failed", status="5.1.1")
    message_id = bounces.process_report(report)
    message = OutboxMessage.objects.get(pk=message_id)
    assert message.to == "jeanne.moreau@example.fr" and message.status == OutboxStatus.BOUNCED
    assert bounces.process_report(report) is None  # read twice: nothing more
    marc = next(m for m in smtp_server.messages if m["To"] == "marc.roux@example.fr")
    delivered = bounces.process_report(dsn(marc["Message-ID"], action="delivered", status="2.0.0"))
    assert OutboxMessage.objects.get(pk=delivered).status == OutboxStatus.DELIVERED


def dsn(message_id: str, *, action: str, status: str) -> bytes:
    """A delivery status notification (RFC 3464) as a mail server sends it."""
    return (
        "From: MAILER-DAEMON@mx.example.fr\r\n"
        "To: ne-pas-repondre@relais.invalid\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.fr\r\n\r\n"
        f"Final-Recipient: rfc822; someone@example.fr\r\nAction: {action}\r\n"
        f"Status: {status}\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nSubject: Coupure\r\n\r\n"
        "--B--\r\n"
    ).encode()


def test_unknown_merge_field_and_unknown_building_are_refused(world, director):
    with pytest.raises(ValidationError) as error:
        draft(world, director, body="Bonjour {non}")
    assert "body" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        draft(world, director, criteria=[{"key": "building", "value": "NOPE"}])
    assert "value" in error.value.error_dict


@pytest.mark.parametrize("envelope", ["dl", "c5_6"])
def test_letters_print_the_address_in_the_window(
    world, director, envelope, tmp_path, django_capture_on_commit_callbacks
):
    from relais.messaging.models import Broadcast

    from .test_channels import address_words_inside

    world.by_email.preferred_channel = "letter"
    world.by_email.save()
    broadcast = draft(world, director, envelope=envelope)
    with django_capture_on_commit_callbacks(execute=True):
        services.broadcast_send(broadcast=broadcast, actor=director)
    pdf = bytes(Broadcast.objects.get(pk=broadcast.pk).letters_pdf)
    names = {"Louise", "Petit", "Jeanne", "Moreau", "Colbert", "TOURS"}
    address_words_inside(pdf, tmp_path, envelope, names)


def test_an_ended_lease_does_not_place_a_household(world, director):
    import datetime as dt

    from tests.factories import DwellingFactory, LeaseFactory

    elsewhere = world.elsewhere.household.leases.get().dwelling.building
    LeaseFactory(
        dwelling=DwellingFactory(building=elsewhere),
        household=world.by_email.household,
        start_date=dt.date(2010, 1, 1),
        end_date=dt.date(2014, 12, 31),
    )
    broadcast = draft(world, director, criteria=[{"key": "building", "value": "B-NORD-2"}])
    assert [row.pk for row in recipients.selected(broadcast)] == [world.elsewhere.pk]
