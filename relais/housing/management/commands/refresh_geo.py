"""Rewrite the geographic CSV extract from the @etalab/decoupage-administratif npm package."""

from django.core.management.base import BaseCommand, CommandError

from relais.housing.geo import GeoDataError, refresh_geo_extract


class Command(BaseCommand):
    help = (
        "Download @etalab/decoupage-administratif with npm pack and rewrite "
        "relais/housing/data/geo/*.csv and SOURCE.md (not paris_adjoining.csv)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--package-version",
            default=None,
            help="Package version to fetch (default: latest).",
        )

    def handle(self, *args, package_version=None, **options):
        try:
            counts = refresh_geo_extract(version=package_version)
        except GeoDataError as error:
            raise CommandError(str(error)) from error
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS("Extract rewritten; review the diff, then load_geo."))
