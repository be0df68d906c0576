"""Seed the regional demo (see docs/demo.md)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from relais.core.roles import Role
from relais.housing.demo import (
    ACCOUNTS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    SCALES,
    DemoAlreadyLoaded,
    DemoError,
    seed_demo,
)

KINDS = ("agencies", "residences", "buildings", "dwellings", "households", "occupants", "leases")


class Command(BaseCommand):
    help = "Seed the USH Centre-Val de Loire demo: landlords, stock, tenants and accounts."

    def add_arguments(self, parser):
        scales = "; ".join(f"{s.name}: {s.help}" for s in SCALES.values())
        parser.add_argument("--scale", choices=list(SCALES), default="small", help=scales)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo landlords' stock and tenants first, then seed again",
        )

    def handle(self, *args, scale, seed, reset, **options):
        started = time.perf_counter()
        try:
            result = seed_demo(scale=scale, seed=seed, reset=reset)
        except DemoAlreadyLoaded as exc:
            self.stdout.write(self.style.WARNING(str(exc)))
            self.print_accounts()
            return
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                f"the demo could not be written, nothing was changed: {exc}. With --reset, "
                "this means other data refers to the demo landlords' stock or tenants."
            ) from exc
        elapsed = time.perf_counter() - started
        extra = sorted({kind for counts in result.counts.values() for kind in counts} - set(KINDS))
        totals = ", ".join(f"{result.total(kind):,} {kind}" for kind in (*KINDS, *extra))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo seeded (scale {scale}, seed {seed}) in {elapsed:.1f} s: "
                f"{len(result.landlords)} landlords, {totals}."
            )
        )
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        header = f"{'username':<12} {'name':<18} {'organisation':<16} role"
        self.stdout.write(header)
        self.stdout.write("-" * len(header.expandtabs()) + "-" * 20)
        for account in ACCOUNTS:
            name = f"{account.first_name} {account.last_name}"
            for index, (organisation, role) in enumerate(account.memberships):
                user = (account.username, name) if index == 0 else ("", "")
                label = f"{Role(role).label} ({role})"
                self.stdout.write(f"{user[0]:<12} {user[1]:<18} {organisation:<16} {label}")
