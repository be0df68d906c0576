"""Tenancy by construction: the current organisation, and fetching that 404s across them."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership
from .roles import abilities_for_role

SESSION_KEY = "relais_organisation_id"


def active_memberships(user):
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def resolve_membership(request):
    """(chosen membership, all active memberships) of the user.

    The chosen one is the organisation picked in the session, else the user's first one.
    """
    if not request.user.is_authenticated:
        return None, []
    memberships = list(active_memberships(request.user))
    wanted = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.organisation_id == wanted), None)
    return chosen or next(iter(memberships), None), memberships


def abilities_of(membership) -> dict[str, bool]:
    return abilities_for_role(membership.role if membership is not None else None)


def require_ability(request, ability: str) -> None:
    """Members lacking the ability get 403; people outside any organisation get 404."""
    if request.organisation is None:
        raise Http404
    if not request.abilities.get(ability):
        raise PermissionDenied


def get_for_request(request, queryset, ability: str | None = None, **lookup):
    """Fetch one row of the current organisation, or 404 (also for other organisations' rows)."""
    if ability is not None:
        require_ability(request, ability)
    if request.organisation is None:
        raise Http404
    return get_object_or_404(queryset.for_organisation(request.organisation), **lookup)
