"""Rescore every waiting application of every organisation, now (set-based)."""

from django.core.management.base import BaseCommand

from relais.core.models import Organisation

from ...scoring.services import scores_recompute


class Command(BaseCommand):
    help = (
        "Recompute the stored scores of every waiting application (the main score and one per "
        "wished EPCI), one organisation at a time, as the daily task does. Idempotent; run it "
        "once after upgrading to the scores per EPCI (migration allocation 0008)."
    )

    def handle(self, *args, **options):
        total = 0
        for organisation in Organisation.objects.order_by("pk"):
            total += scores_recompute(organisation=organisation)
        self.stdout.write(self.style.SUCCESS(f"Applications whose scores changed: {total}."))
