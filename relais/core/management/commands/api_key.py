"""Create, list and revoke personal API keys (the clear key is printed once, at creation)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from relais.core.models import ApiKey
from relais.core.roles import abilities_for_role
from relais.core.services import api_key_create, api_key_revoke
from relais.core.tenancy import active_memberships


class Command(BaseCommand):
    help = "Manage personal API keys: create <username>, list <username>, revoke <prefix>."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a key and print it (once).")
        create.add_argument("username")
        create.add_argument(
            "--organisation",
            metavar="SLUG",
            help="Organisation of the key; needed only when the user belongs to several.",
        )
        create.add_argument("--name", default="API key", help="What the key is for.")
        create.add_argument(
            "--expires-on",
            metavar="YYYY-MM-DD",
            type=dt.date.fromisoformat,
            help="Last day the key works (required when API_KEY_MAX_DAYS is set).",
        )
        listing = actions.add_parser("list", help="List a user's keys (never the keys).")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a key, given its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, *, username, organisation, name, expires_on, **options):
        user = _user(username)
        membership = _membership(user, organisation)
        if not abilities_for_role(membership.role)["api.use"]:
            raise CommandError(
                f"{username}'s role in {membership.organisation.slug} "
                f"({membership.get_role_display()}) may not use the API."
            )
        try:
            api_key, key = api_key_create(
                organisation=membership.organisation,
                actor=user,
                name=name,
                expires_on=expires_on,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Created {api_key} for {username} in {membership.organisation.slug}. "
            "Store it now: it will not be shown again."
        )
        self.stdout.write(key)

    def handle_list(self, *, username, **options):
        user = _user(username)
        keys = ApiKey.objects.filter(user=user).select_related("organisation")
        if not keys:
            self.stdout.write(f"{username} has no API key.")
        for api_key in keys:
            if api_key.revoked_at:
                state = f"revoked {_local(api_key.revoked_at)}"
            elif api_key.is_expired:
                state = f"expired {api_key.expires_on:%Y-%m-%d}"
            elif api_key.last_used_at:
                state = f"last used {_local(api_key.last_used_at)}"
            else:
                state = "never used"
            self.stdout.write(
                f"{api_key.prefix}  {api_key.organisation.slug}  {api_key.name}  "
                f"created {_local(api_key.created_at)}  {state}"
            )

    def handle_revoke(self, *, prefix, **options):
        keys = list(ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True)[:2])
        if not keys:
            raise CommandError(f"No live API key has the prefix {prefix!r}.")
        if len(keys) > 1:
            raise CommandError(f"Several live API keys have the prefix {prefix!r}.")
        # Run by an operator, not by a Relais user: the audit event has no actor.
        api_key = api_key_revoke(api_key=keys[0], actor=None)
        self.stdout.write(f"Revoked {api_key}.")


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _user(username):
    try:
        return get_user_model().objects.get_by_natural_key(username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"No user {username!r}.") from None


def _membership(user, slug):
    memberships = list(active_memberships(user))
    if slug is not None:
        memberships = [m for m in memberships if m.organisation.slug == slug]
        if not memberships:
            raise CommandError(f"{user.get_username()} is not an active member of {slug!r}.")
    if not memberships:
        raise CommandError(f"{user.get_username()} is not an active member of any organisation.")
    if len(memberships) > 1:
        slugs = ", ".join(m.organisation.slug for m in memberships)
        raise CommandError(f"{user.get_username()} belongs to {slugs}: choose with --organisation.")
    return memberships[0]
