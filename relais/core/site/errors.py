"""Error pages: French, styled, with a way back (``handler400``… in ``config/urls.py`` and
``CSRF_FAILURE_VIEW``).

4xx pages render with the request (the person's language, the navigation when signed in).
The 500 page renders without it: the failure may come from the database or a context
processor, so it must not depend on them.
"""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

PAGES = {
    400: (_("Request not understood"), _("The address or the form sent could not be read.")),
    403: (_("Access refused"), _("Your role does not give access to this page.")),
    404: (
        _("Page not found"),
        _("This page does not exist, or it belongs to an organisation you are not a member of."),
    ),
    500: (
        _("Something went wrong on our side"),
        _("The error has been recorded. Try again in a moment; if it persists, contact support."),
    ),
}


def _back_url(request) -> str:
    """The page the person came from, if it is on this site (else no "previous page" link)."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _render(request, status: int, *, title=None, message=None, detail=""):
    default_title, default_message = PAGES.get(status, PAGES[400])
    context = {
        "status": status,
        "error_title": title or default_title,
        "error_message": message or default_message,
        "error_detail": detail,
        "back_url": _back_url(request),
    }
    return render(request, "errors/error.html", context, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _render(request, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _render(request, 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, 404)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: most often a form left open past the session's end."""
    return _render(
        request,
        403,
        title=_("This form has expired"),
        message=_(
            "For your security, a form can only be sent from a page opened recently, with "
            "cookies allowed. Go back, reload the page and send the form again."
        ),
    )


def server_error(request):
    """No request context: nothing here may query the database."""
    title, message = PAGES[500]
    template = loader.get_template("errors/500.html")
    body = template.render(
        {
            "status": 500,
            "error_title": title,
            "error_message": message,
            "operator": settings.RELAIS_OPERATOR,
        }
    )
    return HttpResponseServerError(body)
