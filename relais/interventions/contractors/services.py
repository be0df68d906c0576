"""Writes of contractors: the company with its contacts, and its crisis operating status."""

from django.utils import timezone

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import Contractor

STATUS_FIELDS = ("operating_status", "operating_status_note")


@write_transaction
def contractor_save(*, organisation, actor, form, contacts) -> Contractor:
    """Save a valid ``ContractorForm`` and its valid contact formset; a changed operating
    status is dated and signed. Audited with the changed fields (before → after)."""
    contractor = form.instance
    contractor.organisation = organisation
    created = contractor.pk is None
    changes = {
        name: [form.initial.get(name), form.cleaned_data[name]] for name in form.changed_data
    }
    for name in ("trades", "residences", "communes"):
        if name in changes:
            changes[name] = [len(changes[name][0] or []), len(changes[name][1])]
    if created or any(name in form.changed_data for name in STATUS_FIELDS):
        contractor.operating_status_updated_at = timezone.now()
        contractor.operating_status_updated_by = actor
    contractor = form.save()
    contacts.instance = contractor
    for contact in contacts.save(commit=False):
        contact.organisation = organisation
        contact.save()
    for contact in contacts.deleted_objects:
        contact.delete()
    audit.record(
        action="contractor.created" if created else "contractor.changed",
        organisation=organisation,
        actor=actor,
        obj=contractor,
        changes=changes | ({"contacts": len(contacts.forms)} if contacts.has_changed() else {}),
    )
    return contractor


@write_transaction
def contractor_status_set(*, contractor, actor, status: str, note: str) -> Contractor:
    """Record the company's operating status now (operating / reduced / stopped)."""
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    before = [contractor.operating_status, contractor.operating_status_note]
    contractor.operating_status, contractor.operating_status_note = status, note
    contractor.operating_status_updated_at = timezone.now()
    contractor.operating_status_updated_by = actor
    contractor.save(
        update_fields=[*STATUS_FIELDS, "operating_status_updated_at", "operating_status_updated_by"]
    )
    audit.record(
        action="contractor.status_changed",
        organisation=contractor.organisation,
        actor=actor,
        obj=contractor,
        changes={
            "operating_status": [before[0], status],
            "operating_status_note": [before[1], note],
        },
    )
    return contractor
