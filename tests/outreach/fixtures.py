"""Builders shared by the outreach tests: people on the register, a campaign, callers."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from relais.core.roles import Role
from relais.outreach import selectors, services
from relais.outreach.models import CallSheet, Follow, Partner

from ..factories import LeaseFactory, MembershipFactory, OccupantFactory


def occupant_of(organisation, **fields):
    """An occupant of a lease of ``organisation``, not on the register."""
    lease = LeaseFactory(dwelling__building__residence__organisation=organisation)
    return OccupantFactory(household=lease.household, **fields)


def enrol(client, occupant, **data):
    """Post the enrolment form for ``occupant`` (a staff signal, the person's consent today,
    unless ``data`` says otherwise); returns the response."""
    form = {"source": "staff", "consent_by": "person",
            "consent_on": timezone.localdate().isoformat(), **data}  # fmt: skip
    return client.post(reverse("outreach:entry_create", args=[occupant.pk]), form)


def person(organisation, name="Martin", lease=None, **occupant):
    lease = lease or LeaseFactory(
        dwelling__building__residence__organisation=organisation, household__name=f"Famille {name}"
    )
    occupant = OccupantFactory(household=lease.household, last_name=name, **occupant)
    return services.entry_register(
        organisation=organisation,
        actor=None,
        occupant=occupant,
        source="occupant_data",
        consent=services.Consent(by="person", on=timezone.localdate()),
        health_note=f"Diabète {name}",
    )


def campaign(organisation, cadence=2, start=True, **fields):
    found = services.campaign_create(
        organisation=organisation,
        actor=None,
        name=fields.pop("name", "Canicule"),
        kind="heatwave",
        cadence_days=cadence,
        script="Santé, courses, isolement",
        starts_on=fields.pop("starts_on", timezone.localdate()),
        **fields,
    )
    if start:
        services.campaign_start(organisation=organisation, actor=None, campaign=found)
    return found


def caller(organisation, username, first_name="Léa"):
    return MembershipFactory(
        organisation=organisation,
        role=Role.OUTREACH_CALLER,
        user__username=username,
        user__first_name=first_name,
    )


def ccas(organisation, entry, name="CCAS de Tours", email="ccas@tours.example"):
    return Partner.objects.create(
        organisation=organisation, name=name, kind="ccas", commune_id=entry.commune_id, email=email
    )


def days(n):
    return dt.timedelta(days=n)


def sheets(**filters) -> dict[int, list[int]]:
    """{caller membership id: [follow id, …]} of the call sheets matching ``filters``."""
    return dict(CallSheet.objects.filter(**filters).values_list("caller_id", "follows"))


def listed(**filters) -> list[int]:
    """Every follow id on the call sheets matching ``filters`` (a person twice: twice)."""
    return [pk for follows in sheets(**filters).values() for pk in follows]


def to_call(organisation, membership):
    """The follow of the first person of ``membership``'s list today not yet done."""
    rows = selectors.my_list_rows(organisation, membership, timezone.localdate())
    return Follow.objects.get(pk=next(row.pk for row in rows if row.done_at is None))


def move_into_calling_hours(monkeypatch) -> None:
    """Django's clock at 10:00 (Europe/Paris) today, ticking from there."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    real = timezone.now
    started = real()
    paris = ZoneInfo("Europe/Paris")
    anchor = dt.datetime.combine(started.astimezone(paris).date(), dt.time(10), tzinfo=paris)
    monkeypatch.setattr(timezone, "now", lambda: anchor + (real() - started))
