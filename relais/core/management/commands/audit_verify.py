"""Verify the hash chains of the audit trail; exit status 1 if any event was altered."""

from django.core.management.base import BaseCommand, CommandError

from relais.core.audit import verify_all


class Command(BaseCommand):
    help = "Check that no audit event has been altered, inserted or deleted."

    def handle(self, *args, **options):
        count, problems = verify_all()
        if problems:
            for problem in problems[:100]:
                self.stderr.write(str(problem))
            raise CommandError(
                f"audit trail corrupted: {len(problems)} problem(s) in {count} events"
            )
        self.stdout.write(self.style.SUCCESS(f"audit trail intact: {count} events verified"))
