"""Interventions' part of ``seed_demo``: categories, contractors, requests and work orders.

Registered with ``relais.housing.demo.extensions`` from ``InterventionsConfig.ready``.
Set-based like the housing demo: rows are tuples written with ``executemany``
(``relais.housing.demo.writer``), ids assigned in bulk.

Volumes: about one technical request per home a year is what landlords report; the ``tiny``
and ``small`` demos hold six weeks of them (0.12 per current lease), the ``region`` demo a
year (1.12 per current lease: ~206,000 requests, each dispatched one with its work order) so that
``bench/interventions.py`` measures the dashboard on the issue's ≥ 200,000 requests.
Status follows age: the old requests are done (a few closed or deferred), the recent ones are
in triage or with a contractor; about 85 % of work orders meet their target.
"""

import datetime as dt
import random
import secrets
import zoneinfo

from django.db import connection
from django.utils import timezone
from stdnum import luhn

from .categories.services import ensure_defaults
from .models import (
    Category,
    Contractor,
    InterventionRequest,
    OnCallAlert,
    OnCallShift,
    RequestEvent,
    RequestNumberSequence,
    ResponseTarget,
    WorkOrder,
    WorkOrderPhoto,
    WorkOrderSubmission,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# (requests per dwelling, days covered) by scale.
VOLUME = {"tiny": (0.12, 42), "small": (0.12, 42), "region": (1.12, 365)}
TRADES = ("Plomberie", "Électricité", "Chauffage", "Ascenseurs", "Serrurerie", "Multiservices")
CONTRACTOR_EVERY = 1500  # dwellings per contractor (at least 4 per landlord)
ON_TIME = 0.85
# Children first (the reset deletes in this order).
RESET_ORDER = (
    OnCallAlert,
    OnCallShift,
    WorkOrderSubmission,
    WorkOrderPhoto,
    WorkOrder,
    RequestEvent,
    InterventionRequest,
    RequestNumberSequence,
)


def _siren(rng) -> str:
    body = f"{rng.randrange(10**7, 10**8)}"
    return body + luhn.calc_check_digit(body)


def _leases(organisation_id):
    """(household id, lease id, dwelling id) of the landlord's current leases."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.household_id, l.id, l.dwelling_id FROM housing_lease l "
            "WHERE l.organisation_id = %s AND l.end_date IS NULL ORDER BY l.id",
            [organisation_id],
        )
        return cursor.fetchall()


class InterventionsDemo:
    name = "interventions"

    def seed(self, *, organisation_ids, scale, seed, writer):
        rng = random.Random(f"{seed}:interventions")
        now = timezone.now().replace(microsecond=0)
        tables = _tables(writer)
        counts = {}
        for organisation_id in organisation_ids:
            counts[organisation_id] = _seed_landlord(
                organisation_id, tables, writer, rng, scale, now
            )
        writer.finish()
        return counts

    def reset(self, organisation_ids):
        for model in RESET_ORDER:
            model.objects.filter(organisation_id__in=organisation_ids).delete()
        through = Contractor.trades.through
        through.objects.filter(contractor__organisation_id__in=organisation_ids).delete()
        Contractor.objects.filter(organisation_id__in=organisation_ids).delete()


def _tables(writer):
    return {
        "request": writer.table(
            InterventionRequest,
            (
                "id",
                "organisation_id",
                "tracking_number",
                "status_token",
                "household_id",
                "lease_id",
                "dwelling_id",
                "category_id",
                "description",
                "availability",
                "vulnerable_present",
                "contact_phone",
                "callback_requested",
                "source",
                "status",
                "priority",
                "reported_at",
                "deferred_at",
                "triaged_at",
                "closed_at",
                "submission_key",
                "created_at",
                "updated_at",
            ),
        ),
        "event": writer.table(
            RequestEvent, ("id", "organisation_id", "request_id", "status", "note", "at")
        ),
        "work_order": writer.table(
            WorkOrder,
            (
                "id",
                "organisation_id",
                "request_id",
                "contractor_id",
                "status",
                "instructions",
                "link_token_hash",
                "link_expires_at",
                "health_answers",
                "emergency_override",
                "decline_reason",
                "completion_note",
                "due_at",
                "sent_at",
                "accepted_at",
                "completed_at",
            ),
        ),
    }


def _contractors(organisation_id, leaves, dwellings, rng) -> dict[int, list[int]]:
    """Create the landlord's contractors; returns {category id: [contractor ids]}."""
    by_trade: dict[int, list[int]] = {}
    for index in range(max(4, dwellings // CONTRACTOR_EVERY)):
        status = rng.choices(("operating", "reduced", "stopped"), (80, 15, 5))[0]
        contractor = Contractor.objects.create(
            organisation_id=organisation_id,
            name=f"{TRADES[index % len(TRADES)]} {chr(65 + index // len(TRADES) % 26)}{index}",
            siren=_siren(rng),
            email=f"bons{index}@prestataire.example",
            operating_status=status,
            operating_status_updated_at=timezone.now(),
        )
        trades = rng.sample(leaves, k=min(len(leaves), 3))
        contractor.trades.set(trades)
        for category in trades:
            by_trade.setdefault(category.pk, []).append(contractor.pk)
    return by_trade


def _seed_landlord(organisation_id, tables, writer, rng, scale, now) -> dict[str, int]:
    from relais.core.models import Organisation

    ensure_defaults(Organisation.objects.get(pk=organisation_id))
    leaves = list(Category.objects.filter(organisation_id=organisation_id, parent__isnull=False))
    targets = dict(
        ResponseTarget.objects.filter(organisation_id=organisation_id).values_list(
            "priority", "hours"
        )
    )
    leases = _leases(organisation_id)
    by_trade = _contractors(organisation_id, leaves, len(leases), rng)
    everyone = sorted({pk for pks in by_trade.values() for pk in pks})
    ratio, days = VOLUME[scale]
    total = int(len(leases) * ratio)
    moments = sorted(now - dt.timedelta(seconds=rng.randrange(days * 86400)) for _ in range(total))
    numbers: dict[int, int] = {}
    made = {"requests": 0, "work_orders": 0}
    for reported in moments:
        household, lease, dwelling = leases[rng.randrange(len(leases))]
        category = leaves[rng.randrange(len(leaves))]
        year = reported.astimezone(PARIS).year
        numbers[year] = numbers.get(year, 0) + 1
        made["requests"] += 1
        contractors = by_trade.get(category.pk) or everyone
        if _request_rows(
            tables,
            writer,
            rng,
            now,
            organisation_id,
            reported,
            year,
            numbers[year],
            (household, lease, dwelling),
            category,
            targets.get(category.default_priority),
            contractors,
        ):
            made["work_orders"] += 1
    RequestNumberSequence.objects.bulk_create(
        [
            RequestNumberSequence(organisation_id=organisation_id, year=y, last=n)
            for y, n in numbers.items()
        ]
    )
    return made


def _status(rng, age: dt.timedelta, whitelisted: bool) -> str:
    if age > dt.timedelta(days=14):
        if not whitelisted and rng.random() < 0.3:
            return "deferred"
        return "closed" if rng.random() < 0.05 else "done"
    if age > dt.timedelta(days=2):
        return rng.choices(("triaged", "dispatched", "scheduled", "done"), (10, 25, 25, 40))[0]
    return rng.choices(("new", "triaged", "dispatched"), (50, 20, 30))[0]


def _request_rows(
    tables,
    writer,
    rng,
    now,
    organisation_id,
    reported,
    year,
    number,
    homes,
    category,
    hours,
    contractors,
) -> bool:
    """Append one request, its events and (when dispatched) its work order; True with one."""
    household, lease, dwelling = homes
    status = _status(rng, now - reported, category.crisis_whitelisted)
    request_id = tables["request"].new_id()
    at = writer.datetime
    triaged = reported + dt.timedelta(hours=rng.randint(1, 20))
    closed = None
    sent = triaged + dt.timedelta(hours=1)
    due = reported + dt.timedelta(hours=hours) if hours else None
    completed = None
    if status == "done":
        late = rng.random() > ON_TIME
        span = (hours or 72) * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.2, 0.95))
        completed = min(reported + dt.timedelta(hours=span), now)
        closed = completed
    elif status == "closed":
        closed = triaged
    deferred = reported if status == "deferred" else None
    tables["request"].append(
        (
            request_id,
            organisation_id,
            f"DI-{year}-{number:06d}",
            secrets.token_urlsafe(32),
            household,
            lease,
            dwelling,
            category.pk,
            "Signalement de démonstration.",
            "",
            rng.random() < 0.08,
            "",
            False,
            rng.choice(("web", "phone")),
            status,
            category.default_priority,
            at(reported),
            at(deferred) if deferred else None,
            at(triaged) if status not in ("new", "deferred") else None,
            at(closed) if closed else None,
            "",
            at(reported),
            at(closed or reported),
        )
    )
    tables["event"].append(
        (tables["event"].new_id(), organisation_id, request_id, "new", "", at(reported))
    )
    if status != "new":
        tables["event"].append(
            (
                tables["event"].new_id(),
                organisation_id,
                request_id,
                status,
                "",
                at(closed or deferred or triaged),
            )
        )
    if status not in ("dispatched", "scheduled", "done"):
        return False
    wo_status = {"dispatched": "accepted", "scheduled": "scheduled", "done": "completed"}[status]
    tables["work_order"].append(
        (
            tables["work_order"].new_id(),
            organisation_id,
            request_id,
            contractors[rng.randrange(len(contractors))],
            wo_status,
            "",
            secrets.token_hex(32),
            at(sent + dt.timedelta(days=14)),
            "{}",
            False,
            "",
            "",
            at(due) if due else None,
            at(sent),
            at(sent + dt.timedelta(hours=1)),
            at(completed) if completed else None,
        )
    )
    return True
