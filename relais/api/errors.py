"""The API answers JSON, whatever went wrong with the request.

Django turns an oversized body (``RequestDataTooBig``, above ``DATA_UPLOAD_MAX_MEMORY_SIZE``)
and other refused requests (``SuspiciousOperation``) into its HTML 400 page, or a traceback with
``DEBUG=1``; ninja leaves them to Django. Here they become ``{"detail": …}`` with 413 or 400,
and an unknown path under ``/api/v1/`` is a JSON 404 instead of the site's HTML page.
"""

from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.utils.translation import gettext as _


def install(api) -> None:
    """Register the handlers on ``api`` (ninja picks the most specific exception class)."""

    @api.exception_handler(RequestDataTooBig)
    def body_too_big(request, exc):
        message = _("The request body is too large.")
        return api.create_response(
            request, {"detail": message}, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE
        )

    @api.exception_handler(SuspiciousOperation)
    def refused_request(request, exc):
        message = _("The request was refused: it is malformed.")
        return api.create_response(request, {"detail": message}, status=HTTPStatus.BAD_REQUEST)


def not_found(request, rest: str = ""):
    """Any path under /api/v1/ that no operation serves."""
    return JsonResponse({"detail": _("No such API operation.")}, status=HTTPStatus.NOT_FOUND)
