"""The Django admin behind the normal login and its second factor.

The admin's own password form is never shown: ``/admin/login/`` sends the visitor to
allauth's login (same throttling, same TOTP step), and the admin opens only to an active staff
account that has TOTP and used it in this session. A staff session opened with a password alone
(for instance before TOTP was set up) is asked for a TOTP code again (``mfa_reauthenticate``).
"""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .mfa import has_totp, used_second_factor


class RelaisAdminSite(AdminSite):
    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_staff and has_totp(user) and used_second_factor(request)

    def login(self, request, extra_context=None):
        """Never the admin's password form: the normal login, TOTP set-up or TOTP check."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, reverse("account_login"))
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not has_totp(user):
            return redirect(reverse("mfa_activate_totp"))
        if not used_second_factor(request):
            return redirect_to_login(next_url, reverse("mfa_reauthenticate"))
        return redirect(next_url)
