"""An application's life: its year of validity, renewal, reminders and striking off.

DOMAIN.md §2 (articles L441-2-1 and R441-2-8 CCH): an application is valid one year from its
registration (``first_applied_on``) or its last renewal (``renewed_on``); the applicant is
reminded at least a month before it ends; an application not renewed is struck off, and so
is an application whose applicant signed a lease (``vacancies.letting``). Each change is an
``ApplicationEvent`` (the status history) and an audit event.

- ``application_renew``: staff renew on a date (the button of the application page); the
  applications import renews with its ``renewed_on`` column through ``renewal_check``.
- ``application_lifecycle_run``: the daily run of one organisation (task
  ``applications.tasks.application_lifecycle``): the reminders of the applications whose
  validity ends within a month, then one set-based UPDATE striking off those whose validity
  ended before today — never less than a month after their reminder, so an applicant is
  always warned a month ahead even when the reminder left late.
- ``reminders_deliver``: the one place that sends reminders: e-mails and text messages
  through the outbox (``reminder_send``), the rest listed for staff.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.enqueue import enqueue
from relais.core.outbox import addresses as outbox_addresses
from relais.core.outbox import queue_message
from relais.core.transactions import write_transaction
from relais.formats import long_date
from relais.housing.models import Channel

from ..models import (
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    RenewalReminder,
    StrikeOffReason,
)
from ..scoring.ranking import ranking_write
from ..scoring.services import months_before

# An application waiting for a dwelling; an allocated one waits for its lease.
RENEWABLE = (ApplicationStatus.ACTIVE, ApplicationStatus.PROPOSED, ApplicationStatus.ALLOCATED)
# Reminded, and struck off when not renewed. A proposed application waits for its commission:
# it is struck off once released (the next daily run), never in the middle of a session.
REMINDED = RENEWABLE
STRUCK_OFF_WHEN_EXPIRED = (ApplicationStatus.ACTIVE,)
SEND_REMINDER = "relais.allocation.applications.tasks.send_reminder"
REMINDER_PURPOSE = "allocation.renewal_reminder"


def plus_years(day: dt.date, years: int) -> dt.date:
    """``day`` ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_after(day: dt.date, months: int) -> dt.date:
    """``day`` ``months`` later (day clamped to the month's length): 31 January + 1 → 28/29
    February."""
    return months_before(day, -months)


def validity_end(first_applied_on: dt.date, renewed_on: dt.date | None) -> dt.date:
    """The last day of validity: one year after the registration or the last renewal."""
    return plus_years(renewed_on or first_applied_on, 1)


def event_add(application: Application, kind: str, *, actor, on: dt.date, note="") -> None:
    """Write one event of the status history (inside the caller's transaction)."""
    ApplicationEvent.objects.create(
        organisation_id=application.organisation_id,
        application=application,
        kind=kind,
        on=on,
        actor=actor if actor is not None and actor.is_authenticated else None,
        status=application.status,
        note=note[:200],
    )


def renewal_check(application: Application, renewed_on: dt.date, today: dt.date) -> None:
    """Raise ``ValidationError`` (a French sentence) unless ``application`` may be renewed on
    ``renewed_on``: still on the register, a date between the registration (or the last
    renewal) and today."""
    if application.status not in RENEWABLE:
        raise ValidationError(
            _("An application that is “%(status)s” cannot be renewed.")
            % {"status": application.get_status_display()}
        )
    earliest = application.renewed_on or application.first_applied_on
    if renewed_on > today:
        raise ValidationError(_("The renewal date is in the future."))
    if renewed_on < earliest:
        raise ValidationError(
            _("The renewal date is before the registration or the last renewal (%(date)s).")
            % {"date": date_format(earliest, "SHORT_DATE_FORMAT")}
        )


def renewal_apply(application: Application, renewed_on: dt.date) -> None:
    """Set the renewal date, the new end of validity, and clear the year's reminder."""
    application.renewed_on = renewed_on
    application.expires_on = validity_end(application.first_applied_on, renewed_on)
    application.reminded_on = None


@write_transaction
def application_renew(*, actor, application: Application, on: dt.date | None = None):
    """Renew ``application`` on ``on`` (today by default): valid one more year from that day.

    Renewing twice on the same day is harmless (nothing changes the second time). Raises
    ``ValidationError`` for an application no longer on the register or a date out of range.
    """
    today = timezone.localdate()
    on = on or today
    stored = Application.objects.select_for_update(of=("self",), no_key=True).get(
        pk=application.pk, organisation_id=application.organisation_id
    )
    if stored.renewed_on == on:
        return stored
    renewal_check(stored, on, today)
    before = stored.expires_on
    renewal_apply(stored, on)
    stored.save(update_fields=["renewed_on", "expires_on", "reminded_on", "updated_at"])
    event_add(stored, ApplicationEventKind.RENEWED, actor=actor, on=on)
    audit.record(
        action="application.renewed",
        organisation=stored.organisation,
        actor=actor,
        obj=stored,
        object_repr=stored.registration_number,
        changes={"renewed_on": on, "expires_on": [before, stored.expires_on]},
    )
    return stored


@dataclass(frozen=True)
class LifecycleRun:
    reminded: int
    struck_off: int


def application_lifecycle_run(*, organisation, today: dt.date | None = None) -> LifecycleRun:
    """The daily run of one organisation: reminders, then striking off. Idempotent: run
    twice on a day, the second run finds nothing to do."""
    today = today or timezone.localdate()
    reminders = reminders_create(organisation=organisation, today=today)
    struck_off = applications_strike_off(organisation=organisation, today=today)
    transaction.on_commit(lambda: reminders_deliver(reminders))
    return LifecycleRun(len(reminders), struck_off)


@write_transaction
def reminders_create(*, organisation, today: dt.date) -> list[int]:
    """Write the reminders of the applications whose validity ends within a month and that
    were not reminded this year (set-based); returns the new reminders' ids."""
    due = Application.objects.for_organisation(organisation).filter(
        status__in=REMINDED,
        expires_on__isnull=False,
        expires_on__lte=months_after(today, 1),
        reminded_on__isnull=True,
    )
    rows = list(due.order_by("pk").values_list("pk", "expires_on", "preferred_channel", "status"))
    if not rows:
        return []
    ids = [pk for pk, *_rest in rows]
    Application.objects.filter(pk__in=ids, reminded_on__isnull=True).update(reminded_on=today)
    RenewalReminder.objects.bulk_create(
        [
            RenewalReminder(
                organisation=organisation, application_id=pk, expires_on=ends, channel=channel
            )
            for pk, ends, channel, _status in rows
        ],
        ignore_conflicts=True,
    )
    _events_bulk(organisation, rows, ApplicationEventKind.REMINDED, today)
    audit.record(
        action="application.reminders_created",
        organisation=organisation,
        changes={"count": len(rows)},
    )
    created = RenewalReminder.objects.filter(
        application_id__in=ids, expires_on__in={ends for _pk, ends, *_rest in rows}
    )
    return list(created.filter(sent_at__isnull=True).values_list("pk", flat=True))


@write_transaction
def applications_strike_off(*, organisation, today: dt.date) -> int:
    """Strike off the organisation's active applications whose validity ended before today
    and whose reminder left more than a month ago (reminded 1 March: valid through 1 April).

    One UPDATE, one event each (bulk), one audit event for the run with their registration
    numbers. Returns how many.
    """
    expired = Application.objects.for_organisation(organisation).filter(
        status__in=STRUCK_OFF_WHEN_EXPIRED,
        expires_on__lt=today,
        reminded_on__lt=months_before(today, 1),
    )
    rows = list(expired.order_by("pk").values_list("pk", "expires_on", "registration_number"))
    if not rows:
        return 0
    ids = [pk for pk, *_rest in rows]
    Application.objects.filter(pk__in=ids, status__in=STRUCK_OFF_WHEN_EXPIRED).update(
        status=ApplicationStatus.STRUCK_OFF,
        struck_off_on=today,
        struck_off_reason=StrikeOffReason.NOT_RENEWED,
        updated_at=timezone.now(),
    )
    ranking_write(ids)  # out of the candidate ranking (ADR 0051)
    events = [(pk, ends, "", ApplicationStatus.STRUCK_OFF) for pk, ends, _number in rows]
    _events_bulk(
        organisation,
        events,
        ApplicationEventKind.STRUCK_OFF,
        today,
        note=str(StrikeOffReason.NOT_RENEWED.label),
    )
    audit.record(
        action="application.struck_off",
        organisation=organisation,
        changes={
            "reason": StrikeOffReason.NOT_RENEWED,
            "on": today,
            "applications": [number for _pk, _ends, number in rows],
        },
    )
    return len(rows)


def _events_bulk(organisation, rows, kind: str, on: dt.date, note: str = "") -> None:
    ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(
                organisation=organisation,
                application_id=pk,
                kind=kind,
                on=on,
                status=status,
                note=note,
            )
            for pk, _ends, _channel, status in rows
        ]
    )


def reminders_deliver(reminder_ids: list[int]) -> None:
    """Send new reminders by the applicant's channel: e-mails and text messages are queued
    through the outbox (one task per reminder); letters, calls, and text messages to a number
    that is not a mobile are listed for staff (``reminders_to_send``), who record them as sent.
    """
    automatic = RenewalReminder.objects.filter(
        pk__in=reminder_ids, channel__in=[Channel.EMAIL, Channel.SMS], sent_at__isnull=True
    )
    for pk in automatic.values_list("pk", flat=True):
        enqueue(SEND_REMINDER, pk)


def reminders_to_send(organisation):
    """Reminders staff still have to print, text or make (oldest end of validity first)."""
    return (
        RenewalReminder.objects.for_organisation(organisation)
        .filter(sent_at__isnull=True)
        .select_related("application")
        .order_by("expires_on", "pk")
    )


@write_transaction
def reminder_mark_sent(*, actor, reminder: RenewalReminder) -> RenewalReminder:
    """Staff record a reminder as sent (printed and posted, texted, called); twice is
    harmless."""
    locked = RenewalReminder.objects.select_for_update(of=("self",), no_key=True).get(
        pk=reminder.pk
    )
    if locked.sent_at is not None:
        return locked
    locked.sent_at, locked.sent_by = timezone.now(), actor
    locked.save(update_fields=["sent_at", "sent_by"])
    audit.record(
        action="application.reminder_sent",
        organisation=locked.organisation,
        actor=actor,
        obj=locked.application,
        object_repr=locked.application.registration_number,
        changes={"channel": locked.channel, "expires_on": locked.expires_on},
    )
    return locked


def _reminder_text(reminder: RenewalReminder) -> tuple[str, str]:
    """(subject, body) of a renewal reminder, in French."""
    application = reminder.application
    with translation.override("fr"):
        values = {
            "landlord": reminder.organisation.name,
            "number": application.registration_number,
            "date": long_date(reminder.expires_on),
        }
        subject = _("%(landlord)s: renew your application for social housing") % values
        if reminder.channel == Channel.SMS:
            body = (
                _(
                    "%(landlord)s: your application for social housing %(number)s ends on "
                    "%(date)s. Renew it before then or it will be struck off."
                )
                % values
            )
        else:
            body = (
                _(
                    "Hello,\n\nYour application for social housing %(number)s is valid until "
                    "%(date)s. Renew it before that date, or it will be struck off the "
                    "register.\n\n%(landlord)s"
                )
                % values
            )
    return subject, body


@write_transaction
def reminder_send(reminder_id: int) -> bool:
    """Queue one e-mail or text reminder in the outbox (run by a task after commit) and record
    it as sent; True when queued. A reminder already sent, by another channel, or to an
    address the outbox refuses (no e-mail, a landline for a text) stays for staff."""
    reminder = (
        RenewalReminder.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organisation", "application")
        .get(pk=reminder_id)
    )
    application = reminder.application
    to = {Channel.EMAIL: application.email, Channel.SMS: application.phone}.get(reminder.channel)
    if reminder.sent_at is not None or not to:
        return False
    address = (
        outbox_addresses.email_address(to)
        if reminder.channel == Channel.EMAIL
        else outbox_addresses.sms_number(to)
    )
    if address is None:
        return False
    subject, body = _reminder_text(reminder)
    queue_message(
        organisation=reminder.organisation,
        channel=reminder.channel,
        to=address,
        subject=subject,
        body=body,
        purpose=REMINDER_PURPOSE,
        dedupe_key=f"{REMINDER_PURPOSE}.{reminder.pk}",
    )
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_at"])
    audit.record(
        action="application.reminder_sent",
        organisation=reminder.organisation,
        obj=application,
        object_repr=application.registration_number,
        changes={"channel": reminder.channel, "expires_on": reminder.expires_on},
    )
    return True
