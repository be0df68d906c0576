"""Read the bounce mailbox: ``manage.py outbox_bounces <path>`` (a Maildir directory or an
mbox file) applies every delivery status notification of an outbox message (``bounces``).
Run it from cron, or let the mail server post to the bounce webhook instead (docs/outbox.md).
Reading twice is harmless: a message already bounced stays as it is."""

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.core.outbox import bounces


class Command(BaseCommand):
    help = "Apply the delivery status notifications of a Maildir or mbox to the outbox."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Maildir directory or mbox file")
        parser.add_argument(
            "--delete", action="store_true", help="remove the reports applied (Maildir)"
        )

    def handle(self, *args, path, delete, **options):
        where = Path(path)
        if where.is_dir():
            box = mailbox.Maildir(where, factory=None, create=False)
        elif where.is_file():
            box = mailbox.mbox(where, create=False)
        else:
            raise CommandError(f"{path}: no such Maildir or mbox")
        applied = 0
        for key in list(box.keys()):
            if bounces.process_report(box.get_bytes(key)) is not None:
                applied += 1
                if delete and isinstance(box, mailbox.Maildir):
                    box.remove(key)
        reports = "bounce or delivery report" if applied == 1 else "bounces or delivery reports"
        self.stdout.write(f"{applied} {reports} applied")
