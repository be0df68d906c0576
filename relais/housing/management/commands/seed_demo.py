"""Seed the regional demo (see docs/demo.md)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from relais.core.models import Membership
from relais.core.roles import Role
from relais.housing.demo import (
    ACCOUNTS,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    EMAIL_DOMAIN,
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
        """The demo accounts as written in the database (this command's and the demo
        extensions', e.g. the reservation holders'), each under its real organisation: a
        federation analyst under the federation its membership reads."""
        rows = demo_account_rows()
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        width = max([len("organisation"), *(len(row[2]) for row in rows)])
        header = f"{'username':<14} {'name':<18} {'organisation':<{width}} role"
        self.stdout.write(header)
        self.stdout.write("-" * (len(header) + 20))
        previous = None
        for username, name, organisation, label in rows:
            user = (username, name) if username != previous else ("", "")
            previous = username
            self.stdout.write(f"{user[0]:<14} {user[1]:<18} {organisation:<{width}} {label}")


def demo_account_rows() -> list[tuple[str, str, str, str]]:
    """[(username, full name, organisation, role label)] of every active membership of a demo
    account (e-mail on the demo domain), the built-in accounts first in their order."""
    order = {account.username: index for index, account in enumerate(ACCOUNTS)}
    memberships = Membership.objects.filter(
        user__email__endswith=f"@{EMAIL_DOMAIN}", is_active=True
    ).select_related("user", "organisation__federation")
    rows = []
    for membership in memberships:
        user, organisation = membership.user, membership.organisation
        where = organisation.name
        if membership.role == Role.FEDERATION_ANALYST and organisation.federation:
            where = organisation.federation.name
        label = f"{Role(membership.role).label} ({membership.role})"
        name = f"{user.first_name} {user.last_name}"
        rows.append((order.get(user.username, len(order)), user.username, name, where, label))
    rows.sort()
    return [row[1:] for row in rows]
