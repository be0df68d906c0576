"""What the tenant is told when their request moves, through the outbox of ``relais.core``.

Every message to a tenant about a request leaves through :func:`tell_tenant`, the one place
that calls ``relais.core.outbox.notify_household`` (the outbox picks the household's preferred
channel, queues the delivery and retries it; nothing is sent inside the web request). The
import is made inside the function so this module loads even where the outbox is not installed
yet, and tests replace ``notify_household`` here.

Messages are written in French whatever the staff member's language: they go to the tenant.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import InterventionRequest, RequestStatus

PURPOSE = "intervention_status"


def notify_household(**kwargs):
    """``relais.core.outbox.notify_household`` (imported on call; see the module docstring)."""
    from relais.core.outbox import notify_household as outbox_notify

    return outbox_notify(**kwargs)


def status_url(request: InterventionRequest) -> str:
    """The absolute address of the request's public status page (the token is the key)."""
    path = reverse(
        "interventions:public_status",
        kwargs={"slug": request.organisation.slug, "token": request.status_token},
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _sentence(status: str) -> str:
    sentences = {
        RequestStatus.NEW: _("We have received your request; a technician will look at it."),
        RequestStatus.DEFERRED: _(
            "During the crisis only urgent interventions (safety, fluids, lifts, access) are "
            "carried out. Your request is recorded and deferred until activity restarts: you "
            "have nothing more to do, we will write to you then."
        ),
        RequestStatus.TRIAGED: _(
            "A technician has examined your request and is finding a company."
        ),
        RequestStatus.DISPATCHED: _(
            "Your request has been sent to a company, which will call you."
        ),
        RequestStatus.SCHEDULED: _("A visit has been scheduled."),
        RequestStatus.DONE: _("The intervention is done."),
        RequestStatus.CLOSED: _("Your request has been closed without works."),
    }
    return sentences[status]


def tell_tenant(request: InterventionRequest, *, event_id: int, released: bool = False):
    """Tell the household of ``request`` its current status; ``released``: it comes back from
    the deferred backlog. Returns the outbox message, or None when the outbox had no channel
    (or already held the message: the ``dedupe_key`` is the status event)."""
    with translation.override("fr"):
        label = RequestStatus(request.status).label
        subject = _("Your request %(number)s: %(status)s") % {
            "number": request.tracking_number,
            "status": str(label).lower(),
        }
        lines = [_sentence(request.status)]
        if released:
            lines.insert(0, _("Activity has restarted: your deferred request is being handled."))
        lines.append(_("Follow your request: %(url)s") % {"url": status_url(request)})
        lines.append(request.organisation.name)
        body = "\n\n".join(str(line) for line in lines)
    return notify_household(
        organisation=request.organisation,
        household=request.household,
        subject=subject,
        body=body,
        purpose=PURPOSE,
        dedupe_key=f"intervention-event-{event_id}",
    )
