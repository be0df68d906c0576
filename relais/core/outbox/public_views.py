"""Pages and endpoints of the outbox reached without a login: the tenant's unsubscribe link
(RFC 8058 one-click POST, or the page with its button), the SMS provider's delivery reports
and the bounce webhook of the mail server."""

import hmac

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from relais.core.form_organisation import organisation_check_exempt

from . import bounces, services, sms_twilio
from .delivery import UNSUBSCRIBE_SALT
from .models import OptOutSource, OutboxMessage

TOKEN_MAX_AGE = 400 * 86400  # seconds: a link in a year-old e-mail still works


def _message_for(token: str) -> OutboxMessage:
    try:
        organisation_id, message_id = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    message = (
        OutboxMessage.objects.filter(pk=message_id, organisation_id=organisation_id)
        .select_related("organisation", "household")
        .first()
    )
    if message is None or message.household is None:
        raise Http404
    return message


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without a form
@organisation_check_exempt
def unsubscribe(request, token):
    """GET: the page with its button (a link scanner must not unsubscribe anyone); POST: the
    household is unsubscribed from information messages (safety messages still come)."""
    message = _message_for(token)
    done = False
    if request.method == "POST":
        services.opt_out_record(household=message.household, source=OptOutSource.LINK)
        done = True
    context = {"organisation": message.organisation, "done": done, "token": token}
    return render(request, "core/outbox_unsubscribe.html", context)


@csrf_exempt
@organisation_check_exempt
@require_POST
def twilio_status(request):
    """Twilio's delivery report (``MessageSid``, ``MessageStatus``), checked by signature."""
    token = settings.TWILIO_AUTH_TOKEN
    params = {key: request.POST[key] for key in request.POST}
    expected = sms_twilio.signature(sms_twilio.status_callback_url(), params, token)
    given = request.headers.get("X-Twilio-Signature", "")
    if not token or not hmac.compare_digest(expected, given):
        return HttpResponseForbidden()
    bounces.apply_sms_status(
        params.get("MessageSid", ""), params.get("MessageStatus", ""), params.get("ErrorCode", "")
    )
    return HttpResponse(status=204)


@csrf_exempt
@organisation_check_exempt
@require_POST
def bounce_webhook(request, token):
    """A delivery status notification posted raw (``message/rfc822`` body) by the mail server
    or its provider; the URL's token is ``RELAIS_BOUNCE_WEBHOOK_TOKEN``."""
    secret = settings.RELAIS_BOUNCE_WEBHOOK_TOKEN
    if not secret or not hmac.compare_digest(secret, token):
        raise Http404
    bounces.process_report(request.body)
    return HttpResponse(status=204)
