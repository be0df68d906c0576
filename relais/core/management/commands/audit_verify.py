"""Verify the audit trail; exit status 1 if anything was altered, deleted or rolled back.

Checks each chain's HMAC links and head, that every organisation has its chain, and that no
chain went back from the newest signed anchor (``--anchors`` reads a directory other than
``AUDIT_ANCHOR_DIR``, e.g. where the mailed copies are kept).
"""

from django.core.management.base import BaseCommand, CommandError

from relais.core.audit import verify_all


class Command(BaseCommand):
    help = "Check that no audit event has been altered, inserted, deleted or rolled back."

    def add_arguments(self, parser):
        parser.add_argument("--anchors", help="directory of anchor files to compare with")

    def handle(self, *args, anchors=None, **options):
        count, problems = verify_all(anchor_dir=anchors)
        if problems:
            for problem in problems[:100]:
                self.stderr.write(str(problem))
            noun = "problem" if len(problems) == 1 else "problems"
            raise CommandError(f"audit trail corrupted: {len(problems)} {noun} in {count} events")
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {count} events verified"))
