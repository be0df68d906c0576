"""The federation bench's events: ``events`` rows over twelve weeks spread across the source
tables the indicators read, in proportions of a region of 200,000 dwellings (35 members).

Shares of the events (what a quarter of a landlord's activity writes, per 200,000 homes):
caretakers' rounds passages 30 % (one passage a day on a third of the buildings), rent calls
20 % (one a lease a month) and payments 10 %, staff days 15 % (a declaration a person a
working day), protective-equipment movements 12 %, calls to vulnerable tenants 8 %, and
intervention requests 5 % (about one home in 200 a week). Parents (dwellings, households,
leases, staff, the register) are created as many as the events need, per member.
"""

import datetime as dt
import math
import random

from django.db import transaction
from django.utils import timezone

DAYS = 84  # twelve weeks
SHARES = {
    "rounds": 0.30,
    "rent_calls": 0.20,
    "payments": 0.10,
    "staff_days": 0.15,
    "movements": 0.12,
    "calls": 0.08,
    "requests": 0.05,
}
REGISTER_PER_MEMBER = 120  # people on the vulnerable register


def seed_events(members, events: int, rng: random.Random) -> dict[str, int]:
    """Every member's share of each kind of event; returns {kind: rows written}."""
    per_member = {kind: int(events * share) // len(members) for kind, share in SHARES.items()}
    written = dict.fromkeys(SHARES, 0)
    for member in members:
        with transaction.atomic():
            households, leases = _homes(member, per_member["rent_calls"], rng)
            written["rent_calls"] += _rent(member, leases, per_member, rng)
            written["payments"] += per_member["payments"]
            written["rounds"] += _rounds(member, per_member["rounds"], rng)
            written["staff_days"] += _staff(member, per_member["staff_days"], rng)
            written["movements"] += _movements(member, per_member["movements"], rng)
            written["calls"] += _calls(member, households, per_member["calls"], rng)
            written["requests"] += _requests(member, per_member["requests"], rng)
    return written


def _when(rng, now):
    return now - dt.timedelta(minutes=rng.randint(0, DAYS * 24 * 60))


def _months(today) -> list[dt.date]:
    months = sorted({(today - dt.timedelta(days=n)).replace(day=1) for n in range(DAYS)})
    return months


def _homes(member, rent_calls, rng):
    """As many dwellings, households and leases as the rent calls need (one a month)."""
    from relais.housing.models import Building, Dwelling, Household, Lease

    count = max(1, math.ceil(rent_calls / len(_months(timezone.localdate()))))
    buildings = list(Building.objects.filter(organisation=member).values_list("pk", flat=True))
    dwellings = Dwelling.objects.bulk_create(
        [
            Dwelling(
                organisation=member,
                building_id=buildings[n % len(buildings)],
                reference=f"D{n}",
                typology="T3",
                surface=65,
                financing="PLUS",
                rent_cents=42_000,
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    households = Household.objects.bulk_create(
        [
            Household(organisation=member, reference=f"H{n}", name=f"Foyer {n}")
            for n in range(count)
        ],
        batch_size=5000,
    )
    leases = Lease.objects.bulk_create(
        [
            Lease(
                organisation=member,
                reference=f"L{n}",
                dwelling=dwelling,
                household=household,
                start_date=dt.date(2020, 1, 1),
                rent_cents=42_000,
                charges_cents=8_000,
            )
            for n, (dwelling, household) in enumerate(zip(dwellings, households, strict=True))
        ],
        batch_size=5000,
    )
    return households, leases


def _rent(member, leases, per_member, rng) -> int:
    from relais.rent.models import Payment, RentCall

    today = timezone.localdate()
    calls = []
    for month in _months(today):
        for lease in leases:
            if len(calls) >= per_member["rent_calls"]:
                break
            paid = 50_000 if rng.random() < 0.92 else rng.choice((0, 20_000))
            calls.append(
                RentCall(
                    organisation=member,
                    lease=lease,
                    month=month,
                    days=30,
                    month_days=30,
                    rent_cents=42_000,
                    charges_cents=8_000,
                    benefit_cents=0,
                    rls_cents=0,
                    amount_cents=50_000,
                    paid_cents=paid,
                )
            )
    RentCall.objects.bulk_create(calls, batch_size=5000)
    Payment.objects.bulk_create(
        [
            Payment(
                organisation=member,
                lease=leases[n % len(leases)],
                amount_cents=50_000,
                received_on=today - dt.timedelta(days=rng.randint(0, DAYS - 1)),
                method="transfer",
            )
            for n in range(per_member["payments"])
        ],
        batch_size=5000,
    )
    return len(calls)


def _rounds(member, count, rng) -> int:
    """One template a building; its passages on days spread over the twelve weeks."""
    from relais.housing.models import Building
    from relais.proximity.models import RoundOccurrence, RoundTemplate

    buildings = list(Building.objects.filter(organisation=member).values_list("pk", flat=True))
    templates = RoundTemplate.objects.bulk_create(
        [
            RoundTemplate(
                organisation=member,
                building_id=pk,
                kind="cleaning",
                name="Ménage",
                first_start=dt.time(8),
            )
            for pk in buildings
        ],
        batch_size=5000,
    )
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    rows = []
    for n in range(count):
        template, block = templates[n % len(templates)], n // len(templates)
        day = today - dt.timedelta(days=(block * 37) % DAYS)
        starts = dt.datetime.combine(day, dt.time(8), tzinfo=zone)
        done = rng.random() < 0.9
        rows.append(
            RoundOccurrence(
                organisation=member,
                template=template,
                building_id=template.building_id,
                kind="cleaning",
                day=day,
                passage=1 + block // DAYS,
                starts_at=starts,
                due_at=starts + dt.timedelta(hours=2),
                status="done" if done else "missed",
                completed_at=starts + dt.timedelta(hours=1) if done else None,
            )
        )
    RoundOccurrence.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _staff(member, count, rng) -> int:
    """Staff enough for a declaration a person a working day."""
    from django.contrib.auth import get_user_model

    from relais.continuity.models import Declaration, StaffMember
    from relais.core.models import Membership

    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(DAYS)]
    days = [d for d in days if d.weekday() < 5]
    people = max(1, math.ceil(count / len(days)))
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"{member.slug}-staff-{n}", password="!")
            for n in range(people)
        ],
        batch_size=5000,
    )
    memberships = Membership.objects.bulk_create(
        [Membership(organisation=member, user=user, role="technician") for user in users],
        batch_size=5000,
    )
    staff = StaffMember.objects.bulk_create(
        [StaffMember(organisation=member, membership=m) for m in memberships], batch_size=5000
    )
    statuses = ["on_site"] * 6 + ["telework"] * 3 + ["leave", "sick"]
    now = timezone.now()
    rows = [
        Declaration(
            organisation=member,
            staff=person,
            day=day,
            status=rng.choice(statuses),
            declared_at=now,
        )
        for day in days
        for person in staff
    ][:count]
    Declaration.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _movements(member, count, rng) -> int:
    """Receipts and daily issues of the member's protective equipment at its warehouse."""
    from relais.supplies.models import Item, Location, LocationKind, Movement, MovementKind
    from relais.supplies.stock.services import balances_rebuild, items_ensure_defaults

    items_ensure_defaults(member)
    location = Location.objects.create(
        organisation=member, name="Magasin", kind=LocationKind.WAREHOUSE
    )
    items = list(Item.objects.filter(organisation=member).values_list("pk", flat=True))
    now = timezone.now()
    rows = []
    for index in range(count):
        receipt = index % 20 == 0
        rows.append(
            Movement(
                organisation=member,
                item_id=items[index % len(items)],
                location=location,
                kind=MovementKind.RECEIPT if receipt else MovementKind.ISSUE,
                quantity=rng.randint(200, 400) if receipt else -rng.randint(1, 10),
                occurred_at=_when(rng, now),
            )
        )
    Movement.objects.bulk_create(rows, batch_size=5000)
    balances_rebuild([member.pk])  # the stock kept beside them (ADR 0053)
    return len(rows)


def _calls(member, households, count, rng) -> int:
    """The register (its people in the first households), one campaign, calls over them."""
    from relais.housing.models import Occupant
    from relais.outreach.models import Call, Campaign, Follow, RegisterEntry

    people = households[:REGISTER_PER_MEMBER]
    occupants = Occupant.objects.bulk_create(
        [
            Occupant(
                organisation=member,
                household=h,
                first_name="Prénom",
                last_name=f"Nom {n}",
                birth_date=dt.date(1940, 1, 1),
            )
            for n, h in enumerate(people)
        ]
    )
    now = timezone.now()
    entries = RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                organisation=member,
                occupant=o,
                household_id=o.household_id,
                source="staff",
                consent_by="person",
                consent_on=dt.date(2026, 1, 5),
                entered_at=now - dt.timedelta(days=DAYS + 1),
            )
            for o in occupants
        ]
    )
    campaign = Campaign.objects.create(
        organisation=member,
        name="Canicule",
        kind="heatwave",
        cadence_days=7,
        script="Bonjour",
        starts_on=timezone.localdate() - dt.timedelta(days=DAYS),
        status="active",
    )
    follows = Follow.objects.bulk_create(
        [
            Follow(organisation=member, campaign=campaign, entry=e, next_due_on=now.date())
            for e in entries
        ]
    )
    outcomes = ["fine"] * 6 + ["needs", "no_answer", "no_answer"]
    Call.objects.bulk_create(
        [
            Call(
                organisation=member,
                follow=follows[n % len(follows)],
                campaign=campaign,
                called_at=_when(rng, now),
                outcome=rng.choice(outcomes),
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    return count


def _requests(member, count, rng) -> int:
    from relais.housing.models import Building
    from relais.interventions.models import Category, InterventionRequest

    buildings = list(Building.objects.filter(organisation=member).values_list("pk", flat=True))
    category = Category.objects.create(organisation=member, code="plomberie", name="Plomberie")
    priorities = ["safety"] + ["urgent"] * 4 + ["normal"] * 12 + ["planned"] * 3
    now = timezone.now()
    InterventionRequest.objects.bulk_create(
        [
            InterventionRequest(
                organisation=member,
                tracking_number=f"B{n}",
                building_id=buildings[n % len(buildings)],
                category=category,
                description="Fuite",
                source="phone",
                status="done",
                priority=rng.choice(priorities),
                reported_at=_when(rng, now),
            )
            for n in range(count)
        ],
        batch_size=5000,
    )
    return count
