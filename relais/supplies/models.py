"""Protective equipment: items, stock locations, movements, orders and pooled regional orders.

The stock of an item at a location is the sum of its movements' ``quantity`` (signed units),
and movements are never updated or deleted (ADR 0044). That sum is kept in ``StockBalance``,
written with each movement in its transaction (ADR 0053). An inventory count is itself a
movement whose ``quantity`` is the difference found and ``counted`` the units counted.

A pooled campaign belongs to a federation, not to one landlord: the federation's analysts
(members of any of its organisations with the role ``federation_analyst``) run it; each
member's needs and shares are rows of that member (``OrganisationOwned``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import Federation, OrganisationOwned
from relais.core.roles import Role


class ItemKind(models.TextChoices):
    FFP2_MASK = "ffp2_mask", _("FFP2 masks")
    SURGICAL_MASK = "surgical_mask", _("Surgical masks")
    GEL = "gel", _("Hydro-alcoholic gel")
    GLOVES = "gloves", _("Gloves")
    VISOR = "visor", _("Visors")
    OVERALL = "overall", _("Overalls")
    DISINFECTANT = "disinfectant", _("Disinfectant")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    PAIR = "pair", _("pair")
    BOTTLE = "bottle", _("bottle (500 ml)")
    CAN = "can", _("can (5 l)")


class Item(OrganisationOwned):
    """One kind of equipment a landlord stocks, in its unit; one per kind and landlord."""

    kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment items")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="supplies_item_one_kind")
        ]

    def __str__(self):
        return self.get_kind_display()


class LocationKind(models.TextChoices):
    AGENCY = "agency", _("Agency")
    CARETAKER_ROOM = "caretaker_room", _("Caretaker's room")
    VEHICLE = "vehicle", _("Vehicle")
    WAREHOUSE = "warehouse", _("Warehouse")


class Location(OrganisationOwned):
    """Where equipment is kept, with the days of cover below which it is flagged."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices)
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    threshold_days = models.PositiveIntegerField(
        _("alert below (days of cover)"),
        default=7,
        help_text=_("A location is flagged when an item it uses lasts fewer days than this."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="supplies_location_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class UsageRate(OrganisationOwned):
    """Units of an item one person of a role uses per shift on site (2 surgical masks per
    caretaker per day: a mask lasts 4 hours)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="rates")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    per_shift = models.DecimalField(_("units per person per shift"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("usage rate")
        verbose_name_plural = _("usage rates")
        constraints = [
            models.UniqueConstraint(fields=["item", "role"], name="supplies_rate_one_per_role"),
            models.CheckConstraint(condition=Q(per_shift__gte=0), name="supplies_rate_positive"),
        ]


class Headcount(OrganisationOwned):
    """Staff of a role on site at a location each day, as declared by the landlord (read through
    ``supplies.staffing.headcount`` until staff availability is known from continuity)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="headcounts")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    people = models.PositiveIntegerField(_("people on site per day"))

    class Meta:
        verbose_name = _("declared headcount")
        verbose_name_plural = _("declared headcounts")
        constraints = [
            models.UniqueConstraint(
                fields=["location", "role"], name="supplies_headcount_one_per_role"
            )
        ]


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue to staff")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    COUNT = "count", _("Inventory count")


class MovementQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def update(self, **kwargs):
        raise TypeError("stock movements are append-only: record a new movement instead")

    def delete(self):
        raise TypeError("stock movements are append-only: record a new movement instead")


class Movement(OrganisationOwned):
    """One change of stock (signed ``quantity`` in the item's unit); append-only.

    Receipts are positive, issues and transfers out negative; a count's ``quantity`` is
    ``counted`` minus the stock found before it.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    other_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order_line = models.ForeignKey(
        "supplies.PurchaseOrderLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
    )
    share = models.ForeignKey(
        "supplies.Share", on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # Covers the stock sum: SUM(quantity) GROUP BY location, item.
            models.Index(
                fields=["organisation", "location", "item", "quantity"], name="supplies_mv_stock"
            ),
            models.Index(fields=["organisation", "kind", "occurred_at"], name="supplies_mv_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="count", counted__isnull=False)
                | (~Q(kind="count") & Q(counted__isnull=True)),
                name="supplies_mv_counted_only_on_counts",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["receipt", "transfer_in"]) | Q(quantity__gt=0),
                name="supplies_mv_in_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["issue", "transfer_out"]) | Q(quantity__lt=0),
                name="supplies_mv_out_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("stock movements are append-only: record a new movement instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("stock movements are append-only: record a new movement instead")


class StockBalance(OrganisationOwned):
    """The stock of one item at one location: the sum of its movements' ``quantity``, kept.

    A derived row, never typed in nor edited by hand: the movement services add each
    movement's ``quantity`` to it (``UPDATE … SET units = units + q`` as an upsert) in the
    transaction that inserts the movement, and an issue, a transfer or a count locks it
    before reading the stock it checks. Built from the movements set-based by the migration
    ``0005_stock_balance`` and by the bulk loaders (``stock.services.balances_rebuild``);
    tested equal to ``SUM(quantity)`` after every kind of movement (ADR 0053)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    units = models.IntegerField(_("units in stock"))

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(fields=["location", "item"], name="supplies_balance_one")
        ]

    def __str__(self):
        return f"{self.location_id}/{self.item_id}: {self.units}"


# Purchase orders --------------------------------------------------------------------------


class PurchaseOrder(OrganisationOwned):
    """An order to a supplier; what has arrived is the sum of the receipts on its lines."""

    number = models.CharField(_("number"), max_length=30)
    supplier = models.CharField(_("supplier"), max_length=200)
    ordered_on = models.DateField(_("ordered on"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="supplies_po_unique_number"
            )
        ]

    def __str__(self):
        return self.number


class PurchaseOrderLine(OrganisationOwned):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity ordered"))
    unit_price_cents = models.PositiveIntegerField(_("unit price (cents)"))

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_pol_positive")
        ]


# Pooled regional orders ------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open to needs")
    ORDERED = "ordered", _("Ordered")
    DELIVERED = "delivered", _("Delivered and allocated")


class Campaign(models.Model):
    """A pooled order run by a federation: members declare needs until the deadline, the
    federation places one order, then allocates the delivery."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    deadline = models.DateField(_("needs due by"))
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pooled order")
        verbose_name_plural = _("pooled orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["federation", "status"], name="supplies_campaign_fed")]

    def __str__(self):
        return self.title


class CampaignLine(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("item"), max_length=20, choices=ItemKind.choices)
    unit_price_cents = models.PositiveIntegerField(_("unit price (cents)"))
    delivered = models.PositiveIntegerField(_("units delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("pooled order line")
        verbose_name_plural = _("pooled order lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="supplies_cline_one_kind")
        ]

    def __str__(self):
        return self.get_kind_display()


class Need(OrganisationOwned):
    """What one member asks for on a line of a pooled order (units of the line's item)."""

    line = models.ForeignKey(CampaignLine, on_delete=models.CASCADE, related_name="needs")
    quantity = models.PositiveIntegerField(_("units needed"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    declared_at = models.DateTimeField()

    class Meta:
        verbose_name = _("declared need")
        verbose_name_plural = _("declared needs")
        constraints = [
            models.UniqueConstraint(fields=["line", "organisation"], name="supplies_need_one")
        ]


class Share(OrganisationOwned):
    """A member's part of a delivered line: units allocated and what they cost it."""

    line = models.ForeignKey(CampaignLine, on_delete=models.CASCADE, related_name="shares")
    quantity = models.PositiveIntegerField(_("units allocated"))
    cost_cents = models.PositiveBigIntegerField(_("cost (cents)"))
    received_at = models.DateTimeField(_("received on"), null=True, blank=True)
    received_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("allocated share")
        verbose_name_plural = _("allocated shares")
        constraints = [
            models.UniqueConstraint(fields=["line", "organisation"], name="supplies_share_one")
        ]
