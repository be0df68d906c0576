"""Move the audit trail to a new key: ``AUDIT_HMAC_KEY`` is the new key, the old one is read
from the environment variable named by ``--old-key-env`` (never typed on the command line)."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relais.core.audit_anchor import write_anchor
from relais.core.audit_rekey import ChainBroken, rekey_all


class Command(BaseCommand):
    help = "Re-hash the audit chains from an old key to AUDIT_HMAC_KEY (during maintenance)."

    def add_arguments(self, parser):
        parser.add_argument("--old-key-env", default="OLD_AUDIT_HMAC_KEY")

    def handle(self, *args, old_key_env, **options):
        old_key = os.environ.get(old_key_env, "")
        if not old_key or not settings.AUDIT_HMAC_KEY:
            raise CommandError(f"set {old_key_env} (old key) and AUDIT_HMAC_KEY (new key)")
        try:
            count = rekey_all(old_key, settings.AUDIT_HMAC_KEY)
        except ChainBroken as error:
            raise CommandError(f"nothing changed: {error}") from error
        self.stdout.write(f"{count} events re-keyed; anchor written: {write_anchor()}")
