"""Queue the periodic tasks (``settings.RELAIS_SCHEDULE``) for the ``db_worker``s.

django-tasks has no scheduler: run one ``manage.py run_schedule`` beside the workers (the
demo does). Each entry is (dotted path of a task, period in seconds); a task is queued at
start, then every period. Work runs in the workers, so several of them share it.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

TICK_SECONDS = 5


class Command(BaseCommand):
    help = "Queue the periodic tasks (closing due sessions, lapsed offers, daily rescoring)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="queue every task once and stop")

    def handle(self, *args, once=False, **options):
        schedule = [(import_string(path), period) for path, period in settings.RELAIS_SCHEDULE]
        due = [0.0] * len(schedule)
        while True:
            now = time.monotonic()
            for index, (task, period) in enumerate(schedule):
                if now >= due[index]:
                    result = task.enqueue()
                    self.stdout.write(f"queued {task.name} ({result.id})")
                    due[index] = now + period
            if once:
                return
            time.sleep(TICK_SECONDS)
            close_old_connections()
