"""The outbox: queuing (validation, dedupe, commit), delivery to a real SMTP server and to the
SMS file backend, retries with backoff, the claim that keeps two workers from sending twice,
and the sweep that re-queues a killed worker's message."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.outbox import OutboxMessage, OutboxStatus, delivery, queue_message
from relais.core.outbox.purposes import purpose_label, register_purpose

from ..factories import HouseholdFactory

PURPOSE = "tests.notice"
register_purpose(PURPOSE, "Avis de test")


@pytest.fixture(autouse=True)
def _sms_in_a_temporary_directory(settings, tmp_path):
    settings.RELAIS_SMS_FILE_PATH = tmp_path / "sms"


def _queue_email(organisation, **overrides):
    values = {
        "organisation": organisation,
        "channel": "email",
        "to": "jeanne.martin@example.fr",
        "subject": "Votre demande n° 42",
        "body": "Bonjour,\nVotre demande est planifiée : https://relais.example/suivi/abc\n",
        "purpose": PURPOSE,
        **overrides,
    }
    return queue_message(**values)


def _queue_and_commit(capture, organisation, **overrides):
    with capture(execute=True):
        message = _queue_email(organisation, **overrides)
    message.refresh_from_db()
    return message


def test_an_email_reaches_the_smtp_server_after_commit(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_email(organisation)
        assert smtp_server.messages == []  # never inside the request's transaction
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1 and message.sent_at is not None
    (received,) = smtp_server.messages
    assert received["To"] == "jeanne.martin@example.fr"
    assert received["Subject"] == "Votre demande n° 42"
    assert received["Message-ID"] == f"<outbox-{organisation.pk}-{message.pk}@127.0.0.1>"
    text = received.get_body(("plain",)).get_content()
    assert "Votre demande est planifiée" in text
    html = received.get_body(("html",)).get_content()
    assert '<a href="https://relais.example/suivi/abc"' in html
    assert "Bonjour,<br>Votre demande" in html
    event = AuditEvent.objects.get(action="outbox.message_queued")
    assert event.changes == {"channel": "email", "reason": PURPOSE}
    assert purpose_label(PURPOSE) == "Avis de test"


def test_the_organisation_contact_is_the_reply_address(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    organisation.contact_email = "accueil@tours-habitat.example"
    organisation.save()
    _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    assert smtp_server.messages[0]["Reply-To"] == "accueil@tours-habitat.example"


def test_a_rolled_back_transaction_queues_and_sends_nothing(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _queue_email(organisation)
        raise RuntimeError("the caller's write failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to": "jeanne.martin@example"}, "to"),
        ({"to": ""}, "to"),
        ({"channel": "sms", "to": "02 47 00 00 00"}, "to"),  # a fixed line gets no SMS
        ({"channel": "sms", "to": "06 12"}, "to"),
        ({"subject": "  "}, "subject"),
        ({"body": "\n"}, "body"),
        ({"purpose": ""}, "purpose"),
        ({"dedupe_key": "x" * 201}, "dedupe_key"),
        ({"channel": "letter"}, "channel"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(organisation, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _queue_email(organisation, **overrides)
    assert field in caught.value.message_dict
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(action="outbox.message_queued").exists()


def test_a_household_of_another_organisation_is_refused(organisation, other_organisation):
    household = HouseholdFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as caught:
        _queue_email(organisation, household=household)
    assert "household" in caught.value.message_dict


def test_the_same_dedupe_key_twice_sends_once(
    organisation, other_organisation, smtp_server, django_capture_on_commit_callbacks
):
    first = _queue_and_commit(django_capture_on_commit_callbacks, organisation, dedupe_key="k-1")
    again = _queue_and_commit(
        django_capture_on_commit_callbacks, organisation, dedupe_key="k-1", body="Autre texte"
    )
    assert again.pk == first.pk and again.body == first.body
    assert len(smtp_server.messages) == 1
    elsewhere = _queue_and_commit(
        django_capture_on_commit_callbacks, other_organisation, dedupe_key="k-1"
    )
    assert elsewhere.pk != first.pk
    assert len(smtp_server.messages) == 2
    assert AuditEvent.objects.filter(action="outbox.message_queued").count() == 2


def test_an_sms_is_written_by_the_file_backend_in_e164(
    organisation, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_message(
            organisation=organisation,
            channel="sms",
            to="06 12 34 56 78",
            subject="ignoré",
            body="Tours Habitat : votre intervention est planifiée demain à 9 h.",
            purpose=PURPOSE,
        )
    message.refresh_from_db()
    assert message.to == "+33612345678" and message.subject == ""
    assert message.status == OutboxStatus.SENT
    (written,) = (settings.RELAIS_SMS_FILE_PATH).iterdir()
    content = written.read_text("utf-8")
    assert content.startswith("To: +33612345678\n")
    assert content.endswith("votre intervention est planifiée demain à 9 h.\n")


def test_an_overseas_mobile_is_kept_under_its_own_country_code(organisation):
    message = queue_message(
        organisation=organisation,
        channel="sms",
        to="0692 12 34 56",
        subject="",
        body="Texte",
        purpose=PURPOSE,
    )
    assert message.to == "+262692123456"


# Retries ---------------------------------------------------------------------------------------


def test_a_temporary_smtp_failure_is_retried_after_the_backoff(
    organisation, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.RELAIS_OUTBOX_RETRY_SECONDS = 60
    smtp_server.fail_next = 1
    before = timezone.now()
    message = _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 1 and "451" in message.last_error
    assert message.error_kind == "temporary"
    wait = message.next_attempt_at - before
    assert dt.timedelta(seconds=60) <= wait < dt.timedelta(seconds=70)
    # Not due yet: the sweep leaves it alone.
    assert delivery.sweep() == {"stale": 0, "overdue": 0}
    # Once due (and its deferred task lost), the sweep queues it and it goes out.
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=before - dt.timedelta(seconds=settings.RELAIS_OUTBOX_SWEEP_GRACE_SECONDS)
    )
    assert delivery.sweep() == {"stale": 0, "overdue": 1}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert message.last_error == "" and message.error_kind == ""
    assert len(smtp_server.messages) == 1


def test_the_retry_is_deferred_to_its_time_on_a_backend_that_defers(
    organisation, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue_email(organisation)
    (queued,) = default_task_backend.results
    assert queued.args == [message.pk]
    smtp_server.fail_next = 1
    assert delivery.deliver(message.pk) == OutboxStatus.QUEUED
    message.refresh_from_db()
    retry = default_task_backend.results[-1]
    assert retry.task.run_after == message.next_attempt_at
    assert retry.args == [message.pk]


def test_backoff_grows_four_times_each_attempt(settings):
    settings.RELAIS_OUTBOX_RETRY_SECONDS = 60
    waits = [delivery.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)]
    assert waits == [60, 240, 960, 3840]


def test_the_message_fails_after_the_last_attempt(
    organisation, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.RELAIS_OUTBOX_RETRY_SECONDS = 0
    settings.RELAIS_OUTBOX_SWEEP_GRACE_SECONDS = 0
    settings.RELAIS_OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.fail_next = 10
    message = _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    delivery.sweep()
    delivery.sweep()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert delivery.sweep() == {"stale": 0, "overdue": 0}  # a failed message stays failed
    assert smtp_server.messages == []
    event = AuditEvent.objects.get(action="outbox.message_failed")
    assert event.changes == {"status": ["sending", "failed"], "attempts": 3}


def test_a_refused_recipient_fails_at_once(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse_with = "550 5.1.1 No such user"
    message = _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "550" in message.last_error and message.error_kind == "refused"


def test_an_unreachable_server_is_retried(
    organisation, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    message = _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.error_kind == "unreachable"


# Claims ----------------------------------------------------------------------------------------


def test_two_workers_handed_the_same_message_send_it_once(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    message = _queue_and_commit(django_capture_on_commit_callbacks, organisation)
    assert delivery.deliver(message.pk) is None  # already sent: the second claim finds nothing
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.QUEUED)
    first = delivery._claim(message.pk, timezone.now())
    assert first is not None
    assert delivery.deliver(message.pk) is None  # the other worker holds it
    assert len(smtp_server.messages) == 1


def test_a_killed_workers_message_is_requeued_and_sent_once(
    organisation, smtp_server, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = _queue_email(organisation)  # queued, its task not run yet
    killed_at = timezone.now()
    assert delivery._claim(message.pk, killed_at) == 1  # the worker dies after its claim
    fresh = _queue_and_commit(django_capture_on_commit_callbacks, organisation, dedupe_key="f")
    assert len(smtp_server.messages) == 1
    # Another worker is still sending this one: not stale, not touched.
    OutboxMessage.objects.filter(pk=fresh.pk).update(
        status=OutboxStatus.SENDING, claimed_at=killed_at
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        claimed_at=killed_at - dt.timedelta(seconds=settings.RELAIS_OUTBOX_STALE_SECONDS + 1)
    )
    assert delivery.sweep() == {"stale": 1, "overdue": 0}
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert len(smtp_server.messages) == 2
    # The presumed-dead worker comes back: its outcome no longer applies.
    assert delivery._record_failure(message, 1, OSError("late")) is None
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(pk=fresh.pk).status == OutboxStatus.SENDING


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when it is done
def test_the_database_worker_sends_after_the_request(organisation, smtp_server, settings):
    """With the production backend the request only queues a task; ``db_worker`` sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    message = _queue_email(organisation)  # committed at once, its task queued on commit
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and smtp_server.messages == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == ["jeanne.martin@example.fr"]
