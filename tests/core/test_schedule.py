import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from relais.allocation.models import SessionStatus

from ..allocation.factories import SessionFactory


def test_run_schedule_once_queues_every_periodic_task_and_they_run(db, capsys, settings):
    """Tests run tasks immediately: each scheduled task must exist and do its work."""
    opened = timezone.now() - dt.timedelta(days=2)
    due = SessionFactory(
        status=SessionStatus.OPEN, opens_at=opened, closes_at=opened + dt.timedelta(hours=24)
    )
    call_command("run_schedule", "--once")
    out = capsys.readouterr().out
    for path, _period in settings.RELAIS_SCHEDULE:
        assert f"queued {path.rsplit('.', 1)[-1]}" in out
    due.refresh_from_db()
    assert due.status == SessionStatus.CLOSED
