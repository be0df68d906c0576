from django.shortcuts import redirect
from django.urls import reverse

from .mfa import has_totp, needs_totp
from .tenancy import abilities_of, resolve_membership

# Paths a member may reach before setting up the two-factor authentication their
# organisation (or their staff status) requires.
# The API authenticates with its own keys and answers 401 itself.
MFA_SETUP_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class CurrentOrganisationMiddleware:
    """Puts ``organisation``, ``membership(s)`` and ``abilities`` on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership, request.memberships = resolve_membership(request)
        request.membership = membership
        request.organisation = membership.organisation if membership else None
        request.abilities = abilities_of(membership)
        if self._mfa_setup_needed(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _mfa_setup_needed(request) -> bool:
        organisation = request.organisation
        required = organisation is not None and organisation.mfa_required
        if not (required or needs_totp(request.user)):
            return False
        if request.path.startswith(MFA_SETUP_PREFIXES):
            return False
        return not has_totp(request.user)
