"""Thin tasks of payables."""

from django_tasks import task

from . import services
from .models import Invoice, Status


@task()
def release_held_invoices() -> int:
    """Held invoices whose work order has been completed since go to approval (every
    organisation; the service re-checks each under its row lock and audits it). Returns how
    many were released; run again, it finds none."""
    held = Invoice.objects.filter(
        status=Status.HELD, work_order__status="completed"
    ).select_related("organisation", "supplier")
    released = 0
    for invoice in held.order_by("id")[:1000]:
        after = services.invoice_recheck(
            organisation=invoice.organisation, actor=None, invoice=invoice
        )
        released += after.status != Status.HELD
    return released
