"""Supplies' part of ``seed_demo``: items, locations, headcounts, eight weeks of movements,
a purchase order and an open pooled order of the federation.

Registered with ``relais.housing.demo.extensions`` from ``SuppliesConfig.ready``. Locations:
each agency, a caretakers' room per agency and a vehicle per agency (at ``region`` scale
35 landlords hold about 500 locations). Movements are written set-based (``BulkWriter``), then
their stock balances (``balances_rebuild``, one grouped insert): a receipt every fortnight and
an issue per working day of each item used at a location, so that a few locations run low and
show on the manager's home card.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from django.utils import timezone

from relais.core.models import Agency, Organisation
from relais.core.roles import Role
from relais.housing.demo.writer import BulkWriter

from . import rules
from .models import (
    Campaign,
    CampaignLine,
    Headcount,
    Item,
    ItemKind,
    Location,
    LocationKind,
    Movement,
    Need,
    PurchaseOrder,
    PurchaseOrderLine,
    Share,
    StockBalance,
    UsageRate,
)
from .stock.services import balances_rebuild, items_ensure_defaults

WEEKS = 8
PEOPLE = {
    LocationKind.AGENCY: {Role.CUSTOMER_OFFICER: 3, Role.MANAGER: 1, Role.TECHNICIAN: 2},
    LocationKind.CARETAKER_ROOM: {Role.CARETAKER: 4},
    LocationKind.VEHICLE: {Role.TECHNICIAN: 1},
}
PRICES = {ItemKind.FFP2_MASK: 95, ItemKind.SURGICAL_MASK: 12, ItemKind.GEL: 450}


class SuppliesDemo:
    name = "supplies"

    def seed(self, *, organisation_ids, scale, seed, writer):
        # A few rows per landlord: through the ORM, not the seed's ``writer``.
        rng = random.Random(f"{seed}:supplies")
        now = timezone.now().replace(microsecond=0)
        writer = BulkWriter()
        movements = writer.table(
            Movement,
            (
                "id",
                "organisation_id",
                "item_id",
                "location_id",
                "kind",
                "quantity",
                "occurred_at",
                "note",
            ),
        )
        counts = {}
        for organisation_id in organisation_ids:
            counts[organisation_id] = _seed_landlord(organisation_id, movements, writer, rng, now)
        writer.finish()
        balances_rebuild(organisation_ids)  # the stock kept, set-based (ADR 0053)
        _campaign(organisation_ids, now)
        return counts

    def reset(self, organisation_ids):
        federations = Organisation.objects.filter(pk__in=organisation_ids).values("federation_id")
        StockBalance.objects.filter(organisation_id__in=organisation_ids)._raw_delete("default")
        Movement.objects.filter(organisation_id__in=organisation_ids)._raw_delete("default")
        for model in (Share, Need, PurchaseOrderLine, PurchaseOrder, Headcount, UsageRate):
            model.objects.filter(organisation_id__in=organisation_ids).delete()
        Campaign.objects.filter(federation_id__in=federations).delete()
        Location.objects.filter(organisation_id__in=organisation_ids).delete()
        Item.objects.filter(organisation_id__in=organisation_ids).delete()


def _locations(organisation_id) -> list[Location]:
    made = []
    for agency in Agency.objects.filter(organisation_id=organisation_id).order_by("pk"):
        for kind, name in (
            (LocationKind.AGENCY, agency.name),
            (LocationKind.CARETAKER_ROOM, f"Loge des gardiens – {agency.name}"),
            (LocationKind.VEHICLE, f"Véhicule d'astreinte – {agency.name}"),
        ):
            made.append(
                Location(organisation_id=organisation_id, name=name, kind=kind, agency=agency)
            )
    return Location.objects.bulk_create(made)


def _seed_landlord(organisation_id, movements, writer, rng, now) -> dict[str, int]:
    organisation = Organisation.objects.get(pk=organisation_id)
    items = items_ensure_defaults(organisation)
    rates: dict[int, dict[str, Decimal]] = {}
    for rate in UsageRate.objects.filter(organisation_id=organisation_id):
        rates.setdefault(rate.item_id, {})[rate.role] = rate.per_shift
    locations = _locations(organisation_id)
    Headcount.objects.bulk_create(
        Headcount(organisation_id=organisation_id, location=loc, role=role, people=people)
        for loc in locations
        for role, people in PEOPLE[loc.kind].items()
    )
    start = now - dt.timedelta(weeks=WEEKS)
    for location in locations:
        # Most locations are well stocked; about one in six runs low.
        supply = 0.6 if rng.random() < 0.17 else 1.3
        for item in items.values():
            per_day = rules.daily_use(PEOPLE[location.kind], rates.get(item.pk, {}))
            if not per_day:
                continue
            _item_history(
                movements, writer, organisation_id, item, location, per_day, supply, start
            )
    return {"locations": len(locations), "movements": movements.count + len(movements.rows)}


def _item_history(movements, writer, organisation_id, item, location, per_day, supply, start):
    fortnight = math.ceil(per_day * 14 * Decimal(str(supply)))
    stock = 0
    for day in range(WEEKS * 7):
        when = start + dt.timedelta(days=day, hours=8)
        if day % 14 == 0:
            stock += fortnight
            movements.append(
                (
                    movements.new_id(),
                    organisation_id,
                    item.pk,
                    location.pk,
                    "receipt",
                    fortnight,
                    writer.datetime(when),
                    "Réassort",
                )
            )
        if when.weekday() < 5:
            used = min(stock, math.ceil(per_day))
            if used:
                stock -= used
                movements.append(
                    (
                        movements.new_id(),
                        organisation_id,
                        item.pk,
                        location.pk,
                        "issue",
                        -used,
                        writer.datetime(when + dt.timedelta(hours=1)),
                        "",
                    )
                )


def _campaign(organisation_ids, now):
    """An open pooled order of the first landlord's federation, answered by the first one."""
    first = Organisation.objects.filter(pk__in=organisation_ids).order_by("pk").first()
    if first is None or first.federation_id is None:
        return
    campaign = Campaign.objects.create(
        federation_id=first.federation_id,
        title="Masques et gel – commande régionale",
        deadline=timezone.localdate(now) + dt.timedelta(days=10),
        supplier="Centrale d'achat régionale",
    )
    lines = CampaignLine.objects.bulk_create(
        CampaignLine(campaign=campaign, kind=kind, unit_price_cents=price)
        for kind, price in PRICES.items()
    )
    Need.objects.bulk_create(
        Need(organisation=first, line=line, quantity=quantity, declared_at=now)
        for line, quantity in zip(lines, (2000, 20000, 300), strict=True)
    )
