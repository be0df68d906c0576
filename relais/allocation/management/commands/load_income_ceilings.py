"""Upsert the income-ceiling table (plafonds de ressources) from its CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relais.allocation.eligibility.ceilings import DATA_FILE, CeilingFileError, load_income_ceilings


class Command(BaseCommand):
    help = (
        "Load the HLM income ceilings (year, financing, zone, category) from a CSV: every row "
        "is checked first and nothing is written if one is wrong. Idempotent."
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
            counts = load_income_ceilings(file)
        except CeilingFileError as error:
            raise CommandError(f"{file}:\n" + "\n".join(error.errors)) from error
        self.stdout.write(
            self.style.SUCCESS(
                "Income ceilings loaded: {created} created, {updated} updated, "
                "{unchanged} unchanged.".format(**counts)
            )
        )
