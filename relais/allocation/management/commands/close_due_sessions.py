"""Close the remote commission sessions past their closing time.

manage.py close_due_sessions            # once, in this process (cron: every minute)
manage.py close_due_sessions --loop     # forever, every --interval seconds
manage.py close_due_sessions --enqueue  # queue the task for the db_worker instead
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from relais.allocation.commissions.tasks import close_due_sessions


class Command(BaseCommand):
    help = "Close the remote commission sessions whose closing time has passed."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="run forever")
        parser.add_argument("--interval", type=int, default=60, help="seconds between runs")
        parser.add_argument(
            "--enqueue", action="store_true", help="queue the task instead of running it here"
        )

    def handle(self, *args, loop=False, interval=60, enqueue=False, **options):
        while True:
            if enqueue:
                result = close_due_sessions.enqueue()
                self.stdout.write(f"queued {result.id}")
            else:
                closed = close_due_sessions.call()
                noun = "session" if len(closed) == 1 else "sessions"
                self.stdout.write(f"closed {len(closed)} {noun} {closed}")
            if not loop:
                return
            time.sleep(max(interval, 1))
            close_old_connections()  # a long-running loop outlives database restarts
