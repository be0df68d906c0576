"""Housing writes: every create, update and lease change is audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from .models import Dwelling, Household, Lease
from .search import refresh_after_save


def _diff(before: dict, after: dict) -> dict:
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(instance) -> dict:
    """Field values as JSON-friendly plain data (ids for foreign keys, strings for the rest)."""
    values = model_to_dict(instance)
    return {
        name: value if isinstance(value, bool | int | type(None)) else str(value)
        for name, value in values.items()
        if name != "id"
    }


def record_save(*, organisation, actor, instance, entity: str):
    """Save a tenant-owned row (new or changed), refresh the search columns it appears in
    (``housing.search``) and audit what changed."""
    if instance.organisation_id is None:
        instance.organisation = organisation
    if instance.organisation_id != organisation.pk:
        raise ValueError("instance belongs to another organisation")
    with transaction.atomic():
        created = instance.pk is None
        before = {} if created else _plain(type(instance).objects.get(pk=instance.pk))
        instance.full_clean()
        instance.save()
        refresh_after_save(instance)
        changes = _diff(before, _plain(instance))
        if created or changes:
            audit.record(
                action=f"{entity}.{'created' if created else 'updated'}",
                organisation=organisation,
                actor=actor,
                obj=instance,
                changes=changes,
            )
    return instance


def lease_start(
    *,
    organisation,
    actor,
    dwelling: Dwelling,
    household: Household,
    reference: str,
    start_date,
    charges_cents: int,
    housing_benefit_cents: int = 0,
    rent_cents: int | None = None,
    transfer: bool = False,
) -> Lease:
    """Let a vacant dwelling to a household.

    A dwelling and a household each have at most one current lease (constraints
    ``lease_one_current_per_dwelling`` and ``…_per_household``). When the household already
    has one, ``transfer=True`` ends it the day before ``start_date`` (a mutation to another
    dwelling), in the same transaction; otherwise ``ValidationError``. The dwelling, then the
    household, are locked, so two concurrent lettings cannot both pass the checks.
    """
    with transaction.atomic():
        dwelling = Dwelling.objects.select_for_update().get(
            pk=dwelling.pk, organisation=organisation
        )
        if dwelling.leases.filter(end_date__isnull=True).exists():
            raise ValidationError(_("This dwelling already has a current lease."))
        household = Household.objects.select_for_update().get(
            pk=household.pk, organisation=organisation
        )
        current = household.leases.filter(end_date__isnull=True).first()
        if current is not None:
            _end_for_transfer(
                organisation=organisation,
                actor=actor,
                lease=current,
                start_date=start_date,
                transfer=transfer,
            )
        lease = Lease(
            organisation=organisation,
            dwelling=dwelling,
            household=household,
            reference=reference,
            start_date=start_date,
            rent_cents=dwelling.rent_cents if rent_cents is None else rent_cents,
            charges_cents=charges_cents,
            housing_benefit_cents=housing_benefit_cents,
        )
        return record_save(organisation=organisation, actor=actor, instance=lease, entity="lease")


def _end_for_transfer(*, organisation, actor, lease: Lease, start_date, transfer: bool) -> None:
    """End the household's current ``lease`` the day before its new one starts."""
    if not transfer:
        raise ValidationError(
            _(
                "This household already has a current lease (%(lease)s): end it first, "
                "or record the new lease as a transfer."
            )
            % {"lease": lease.reference}
        )
    end_date = start_date - dt.timedelta(days=1)
    if end_date < lease.start_date:
        raise ValidationError(
            _("A transfer must start after the current lease %(lease)s began (%(date)s).")
            % {"lease": lease.reference, "date": date_format(lease.start_date, "SHORT_DATE_FORMAT")}
        )
    lease_end(organisation=organisation, actor=actor, lease=lease, end_date=end_date)


def lease_end(*, organisation, actor, lease: Lease, end_date) -> Lease:
    with transaction.atomic():
        lease = Lease.objects.select_for_update().get(pk=lease.pk, organisation=organisation)
        if lease.end_date is not None:
            raise ValidationError(_("This lease has already ended."))
        lease.end_date = end_date
        return record_save(organisation=organisation, actor=actor, instance=lease, entity="lease")


@write_transaction
def household_viewed(
    *, organisation, actor, household: Household, sensitive: bool, via: str = "web"
) -> None:
    """Opening a household's file is a sensitive read: it is audited."""
    audit.record(
        action="household.viewed",
        organisation=organisation,
        actor=actor,
        obj=household,
        changes={"via": via, "sensitive": sensitive},
    )
