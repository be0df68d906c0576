"""Upsert the geographic reference extract into the database."""

from django.core.management.base import BaseCommand

from relais.housing.geo import load_geo


class Command(BaseCommand):
    help = "Load regions, départements, EPCIs and communes from relais/housing/data/geo."

    def handle(self, *args, **options):
        counts = load_geo()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS("Geographic reference data loaded."))
