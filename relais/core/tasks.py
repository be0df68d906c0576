"""Periodic tasks of the core app (queued by ``manage.py run_schedule``)."""

from django_tasks import task

from .audit_anchor import write_anchor


@task()
def anchor_audit_heads() -> str:
    """Write (and mail, if configured) a signed copy of every audit chain head."""
    return str(write_anchor())
