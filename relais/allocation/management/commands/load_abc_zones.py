"""Upsert the communes' A bis / A / B1 / B2 / C zones (the PLI ceilings' zoning) from its CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.allocation.eligibility.zoning import DATA_FILE, AbcZoneFileError, load_abc_zones


class Command(BaseCommand):
    help = (
        "Load the A/B/C zone of every commune (code,zone) from a CSV: the whole file is checked "
        "first and nothing is written if a line is wrong. Idempotent; run after load_geo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            type=Path,
            default=DATA_FILE,
            help=f"CSV to load (default: {DATA_FILE.relative_to(DATA_FILE.parents[2])}).",
        )

    def handle(self, *args, file: Path, **options):
        try:
            counts = load_abc_zones(file)
        except (AbcZoneFileError, OSError) as error:
            raise CommandError(f"{file}: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                "A/B/C zones loaded: {created} created, {updated} updated, {unchanged} unchanged, "
                "{unknown} codes of unknown communes skipped.".format(**counts)
            )
        )
