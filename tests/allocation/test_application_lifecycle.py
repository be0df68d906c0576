"""An application's life (issue 7 §3): a year of validity, reminders a month ahead by the
applicant's channel, renewal by staff or import, the daily strike-off, the status history."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from relais.allocation.applications import lifecycle, tasks
from relais.allocation.applications.io import applications_import
from relais.allocation.applications.services import application_create, application_set_status
from relais.allocation.models import Application, ApplicationEvent, RenewalReminder
from relais.core.models import AuditEvent
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role

from ..factories import CommuneFactory, OrganisationFactory
from .factories import ApplicationFactory


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("demandes.csv", text.encode("utf-8"), content_type="text/csv")


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def tours():
    return CommuneFactory()


def make(organisation, tours, **fields):
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=[tours]
    )


def test_valid_one_year_from_registration_or_last_renewal():
    assert lifecycle.validity_end(dt.date(2025, 1, 15), None) == dt.date(2026, 1, 15)
    assert lifecycle.validity_end(dt.date(2024, 2, 29), None) == dt.date(2025, 2, 28)
    assert lifecycle.validity_end(dt.date(2022, 5, 3), dt.date(2026, 1, 10)) == dt.date(2027, 1, 10)
    assert lifecycle.months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_saving_an_application_stores_its_validity_and_a_registered_event(organisation, tours):
    application = make(organisation, tours, first_applied_on=dt.date(2025, 9, 20))
    assert application.expires_on == dt.date(2026, 9, 20)
    (event,) = application.events.all()
    assert (event.kind, event.on, event.status) == ("registered", dt.date(2025, 9, 20), "active")


def test_reminders_a_month_before_expiry_by_the_preferred_channel(
    organisation, tours, settings, tmp_path
):
    """Run on 1 March 2026: validity ending on 31 March or 1 April is reminded, 2 April is
    not yet; an e-mail and a text to a mobile go through the outbox at once, a letter and a
    text to a landline wait for staff."""
    by_email = make(
        organisation,
        tours,
        first_applied_on=dt.date(2025, 3, 31),
        email="samia@example.org",
        preferred_channel="email",
    )
    by_letter = make(organisation, tours, first_applied_on=dt.date(2025, 4, 1))
    by_sms = make(
        organisation,
        tours,
        first_applied_on=dt.date(2025, 4, 1),
        phone="06 12 34 56 78",
        preferred_channel="sms",
    )
    to_landline = make(
        organisation,
        tours,
        first_applied_on=dt.date(2025, 4, 1),
        phone="02 47 00 00 00",
        preferred_channel="sms",
    )
    later = make(organisation, tours, first_applied_on=dt.date(2025, 4, 2))
    settings.RELAIS_SMS_FILE_PATH = tmp_path / "sms"
    mail.outbox.clear()
    with django_capture_on_commit():
        run = lifecycle.application_lifecycle_run(
            organisation=organisation, today=dt.date(2026, 3, 1)
        )
    assert (run.reminded, run.struck_off) == (4, 0)
    reminders = {r.application_id: r for r in RenewalReminder.objects.all()}
    assert set(reminders) == {by_email.pk, by_letter.pk, by_sms.pk, to_landline.pk}
    assert reminders[by_email.pk].channel == "email" and reminders[by_email.pk].sent_at
    assert reminders[by_sms.pk].channel == "sms" and reminders[by_sms.pk].sent_at
    assert reminders[by_letter.pk].channel == "letter" and reminders[by_letter.pk].sent_at is None
    assert reminders[to_landline.pk].sent_at is None  # listed for staff to call
    queued = {m.channel: m for m in OutboxMessage.objects.all()}
    assert set(queued) == {"email", "sms"}
    assert queued["sms"].to == "+33612345678" and "31 mars 2026" not in queued["sms"].body
    assert {m.purpose for m in queued.values()} == {"allocation.renewal_reminder"}
    (message,) = mail.outbox
    assert message.to == ["samia@example.org"] and "31 mars 2026" in message.body
    (text,) = settings.RELAIS_SMS_FILE_PATH.iterdir()
    assert "1er avril 2026" in text.read_text()
    later.refresh_from_db()
    assert later.reminded_on is None
    by_letter.refresh_from_db()
    assert by_letter.reminded_on == dt.date(2026, 3, 1)
    assert by_letter.events.filter(kind="reminded", on=dt.date(2026, 3, 1)).exists()
    again = lifecycle.application_lifecycle_run(
        organisation=organisation, today=dt.date(2026, 3, 1)
    )
    assert (again.reminded, RenewalReminder.objects.count()) == (0, 4)
    next_day = lifecycle.application_lifecycle_run(
        organisation=organisation, today=dt.date(2026, 3, 2)
    )
    assert next_day.reminded == 1
    assert RenewalReminder.objects.filter(application=later, expires_on=dt.date(2026, 4, 2))


def django_capture_on_commit():
    """Run the on-commit callbacks (the e-mails) inside the test's transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def test_unrenewed_application_is_struck_off_the_day_after_its_validity(organisation, tours):
    """Registered 10 March 2025, reminded 10 February 2026: still valid on 10 March 2026,
    struck off on 11 March with its reason and date; one audit event for the run."""
    application = make(organisation, tours, first_applied_on=dt.date(2025, 3, 10))
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 2, 10))
    last_day = lifecycle.application_lifecycle_run(
        organisation=organisation, today=dt.date(2026, 3, 10)
    )
    assert last_day.struck_off == 0
    run = lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 3, 11))
    assert run.struck_off == 1
    application.refresh_from_db()
    assert (application.status, application.struck_off_on, application.struck_off_reason) == (
        "struck_off",
        dt.date(2026, 3, 11),
        "not_renewed",
    )
    event = application.events.get(kind="struck_off")
    assert (event.on, event.actor, event.status) == (dt.date(2026, 3, 11), None, "struck_off")
    (audited,) = AuditEvent.objects.filter(action="application.struck_off")
    assert audited.changes["applications"] == [application.registration_number]
    assert lifecycle.application_lifecycle_run(
        organisation=organisation, today=dt.date(2026, 3, 12)
    ) == lifecycle.LifecycleRun(0, 0)


def test_a_late_reminder_gives_a_full_month(organisation, tours):
    """Validity ended 10 March 2026 but the first reminder left on 1 March (the application
    was imported then): struck off only from 2 April, a month after the reminder."""
    application = make(organisation, tours, first_applied_on=dt.date(2025, 3, 10))
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 3, 1))
    for day in (dt.date(2026, 3, 11), dt.date(2026, 4, 1)):
        assert lifecycle.application_lifecycle_run(organisation=organisation, today=day) == (
            lifecycle.LifecycleRun(0, 0)
        )
    run = lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 4, 2))
    assert run.struck_off == 1
    application.refresh_from_db()
    assert application.struck_off_on == dt.date(2026, 4, 2)


def test_proposed_application_is_not_struck_off_during_its_session(organisation, tours):
    application = make(organisation, tours, first_applied_on=dt.date(2025, 3, 10))
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 2, 10))
    application_set_status(actor=None, application=application, status="proposed")
    run = lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 3, 20))
    assert run.struck_off == 0
    application.refresh_from_db()
    assert application.status == "proposed"


def test_renewal_by_staff_button(organisation, tours, member_factory, other_organisation):
    """Staff renew on the application page: valid a year from the renewal, reminder cleared,
    an event with who, an audit event; the director (no allocation.edit) cannot."""
    today = timezone.localdate()
    application = make(organisation, tours, first_applied_on=today - dt.timedelta(days=360))
    Application.objects.filter(pk=application.pk).update(reminded_on=today)
    user, client = member_factory(Role.ALLOCATION_OFFICER)
    url = reverse("allocation:application_renew", args=[application.pk])
    assert client.get(url).status_code == 405
    on = today - dt.timedelta(days=2)
    assert member_factory(Role.DIRECTOR)[1].post(url, {"on": on}).status_code == 403
    outsider = member_factory(Role.ALLOCATION_OFFICER, other_organisation)[1]
    assert outsider.post(url, {"on": on}).status_code == 404
    assert Client().post(url, {"on": on}).status_code == 302
    assert client.post(url, {"on": on}).status_code == 302
    client.post(url, {"on": on})  # a double submit changes nothing more
    application.refresh_from_db()
    assert (application.renewed_on, application.expires_on, application.reminded_on) == (
        on,
        lifecycle.plus_years(on, 1),
        None,
    )
    (event,) = application.events.filter(kind="renewed")
    assert (event.on, event.actor) == (on, user)
    assert AuditEvent.objects.filter(action="application.renewed").count() == 1
    page = client.get(reverse("allocation:application_detail", args=[application.pk]))
    history = page.content.decode()
    assert "Renewed" in history and "Registered" in history


def test_renewal_refused_in_the_future_or_once_struck_off(organisation, tours, member_factory):
    today = timezone.localdate()
    application = make(organisation, tours, first_applied_on=today - dt.timedelta(days=30))
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    url = reverse("allocation:application_renew", args=[application.pk])
    response = client.post(url, {"on": today + dt.timedelta(days=1)}, follow=True)
    assert "The renewal date is in the future." in response.content.decode()
    Application.objects.filter(pk=application.pk).update(status="struck_off")
    response = client.post(url, {"on": today}, follow=True)
    assert "An application that is “Struck off” cannot be renewed." in response.content.decode()
    application.refresh_from_db()
    assert application.renewed_on is None


def test_renewal_by_import(organisation, tours):
    """The applications import renews with its ``renewed_on`` column; a date in the future
    or a status changed by hand is refused naming the row, and nothing is written."""
    today = timezone.localdate()
    registered = today - dt.timedelta(days=400)
    application = make(
        organisation, tours, registration_number="037-R1", first_applied_on=registered
    )
    Application.objects.filter(pk=application.pk).update(reminded_on=today)
    renewed = today - dt.timedelta(days=3)
    header = "registration_number;first_applied_on;applicant_first_name;applicant_last_name;"
    header += "applicant_birth_date;persons;income_n2;housing_situation;wished_communes;"
    row = f"037-R1;{registered:%d/%m/%Y};Samia;{application.applicant_last_name};01/06/1985;"
    row += f"2;18000;hosted;{tours.code}"
    bad = applications_import(
        organisation=organisation,
        actor=None,
        file=upload(
            f"{header}renewed_on;status\n{row};{today + dt.timedelta(days=1):%d/%m/%Y};allocated\n"
        ),
    )
    assert not bad.ok
    messages = {(error.row, error.column): error.message for error in bad.errors}
    assert messages[(2, "renewed_on")] == "The renewal date is in the future."
    assert messages[(2, "status")].startswith("The status changes only through its events")
    result = applications_import(
        organisation=organisation,
        actor=None,
        file=upload(f"{header}renewed_on\n{row};{renewed:%d/%m/%Y}\n"),
    )
    assert result.ok, result.errors
    application.refresh_from_db()
    assert (application.renewed_on, application.expires_on, application.reminded_on) == (
        renewed,
        lifecycle.plus_years(renewed, 1),
        None,
    )
    assert application.events.filter(kind="renewed", on=renewed).count() == 1


def test_daily_task_runs_once_per_organisation(organisation, tours):
    others = [OrganisationFactory() for _ in range(2)]
    for owner in (organisation, *others):
        for _ in range(3):
            make(owner, tours, first_applied_on=dt.date(2025, 1, 5))
    result = tasks.application_lifecycle_all.enqueue()
    assert result.return_value == 3
    # Validity ended on 5 January 2026: today every application is reminded, none struck off.
    assert RenewalReminder.objects.count() == 9
    assert AuditEvent.objects.filter(action="application.reminders_created").count() == 3


def test_reminders_page_lists_letters_to_send(organisation, tours, member_factory):
    application = make(
        organisation,
        tours,
        first_applied_on=dt.date(2025, 3, 31),
        postal_address="12 rue Nationale, 37000 Tours",
    )
    lifecycle.application_lifecycle_run(organisation=organisation, today=dt.date(2026, 3, 1))
    _user, client = member_factory(Role.ALLOCATION_OFFICER)
    page = client.get(reverse("allocation:reminder_list")).content.decode()
    assert application.registration_number in page and "12 rue Nationale" in page
    reminder = RenewalReminder.objects.get()
    client.post(reverse("allocation:reminder_sent", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    after = client.get(reverse("allocation:reminder_list")).content.decode()
    assert 'data-testid="reminders"' not in after
    assert ApplicationEvent.objects.filter(kind="reminded").count() == 1
