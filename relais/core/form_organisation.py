"""Every form carries the organisation it was opened in; a submission for another is refused.

A member of several landlords can open a form in one tab, switch organisation in another tab
(the switch is per session), then submit the first form: without this check the record would
be created in the organisation of the *second* tab. ``{% csrf_token %}`` renders a hidden
``FIELD`` with the organisation's id (``templatetags/organisation_forms.py``) and
``FormOrganisationMiddleware`` compares it, on every unsafe request of a logged-in member, with
the current organisation. See ADR 0021.
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

FIELD = "relais_organisation"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Not organisation-scoped: login and two-factor pages, the API (its own keys), the language
# switch and the admin (staff work across organisations there).
EXEMPT_PREFIXES = ("/accounts/", "/api/", "/i18n/", "/admin/")


def organisation_check_exempt(view):
    """Mark a view whose unsafe requests need not carry the current organisation."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return view(*args, **kwargs)

    wrapped.organisation_check_exempt = True
    return wrapped


def submitted_organisation_id(request) -> int | None:
    """The organisation id the form carried; ``None`` if missing or not an id."""
    raw = request.POST.get(FIELD, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


class FormOrganisationMiddleware:
    """409 for a form opened in one organisation and submitted while another is current.

    Placed after ``CurrentOrganisationMiddleware`` (which sets ``request.organisation``). A
    request without the field is refused as well, except from Django's test client, which
    skips CSRF checks the same way (``_dont_enforce_csrf_checks``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or getattr(request, "organisation", None) is None:
            return None
        if getattr(view_func, "organisation_check_exempt", False):
            return None
        if request.path.startswith(EXEMPT_PREFIXES):
            return None
        submitted = submitted_organisation_id(request)
        if submitted == request.organisation.pk:
            return None
        if submitted is None and getattr(request, "_dont_enforce_csrf_checks", False):
            return None
        return refuse(request, submitted)


def refuse(request, submitted: int | None):
    """The French "nothing was saved" page, offering to switch back to the form's organisation.

    For htmx, the page is reloaded (``HX-Refresh``) with the message, since htmx does not swap
    error responses.
    """
    form_membership = next((m for m in request.memberships if m.organisation_id == submitted), None)
    if request.htmx:
        # The message is shown by the reloaded page (rendering it here would consume it).
        messages.error(request, mismatch_message(request, form_membership))
        response = HttpResponse(status=409)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "core/organisation_mismatch.html",
        {
            "form_membership": form_membership,
            "message": mismatch_message(request, form_membership),
            "back": request.META.get("HTTP_REFERER", ""),
        },
        status=409,
    )


def mismatch_message(request, form_membership) -> str:
    if form_membership is None:
        return _(
            "This form does not belong to %(current)s, the organisation you now work in. "
            "Nothing was saved."
        ) % {"current": request.organisation.name}
    return _(
        "This form was opened for %(form)s, but you now work for %(current)s (the "
        "organisation was changed, perhaps in another tab). Nothing was saved."
    ) % {"form": form_membership.organisation.name, "current": request.organisation.name}
