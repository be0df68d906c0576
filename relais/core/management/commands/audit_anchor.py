"""Write a signed anchor of the audit chain heads now (the schedule does it periodically)."""

from django.core.management.base import BaseCommand

from relais.core.audit_anchor import write_anchor


class Command(BaseCommand):
    help = "Write (and mail, if configured) a signed copy of every audit chain head."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="directory to write to (default AUDIT_ANCHOR_DIR)")

    def handle(self, *args, dir=None, **options):
        self.stdout.write(f"anchor written: {write_anchor(dir)}")
