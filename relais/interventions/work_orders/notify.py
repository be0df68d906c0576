"""Messages about work orders, through the outbox of ``relais.core``.

Every message leaves through :func:`queue_message`, the one place that calls
``relais.core.outbox.queue_message`` (delivery is a background task with retries, never inside
the web request). The import is made inside the function so this module loads where the
outbox is not installed yet, and tests replace ``queue_message`` here.

Messages to contractors and staff are written in French whatever the actor's language.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from relais.formats import of_name

PURPOSE_LINK = "work_order_link"
PURPOSE_REMINDER = "work_order_reminder"
PURPOSE_ESCALATION = "work_order_escalation"


def queue_message(**kwargs):
    """``relais.core.outbox.queue_message`` (imported on call; see the module docstring)."""
    from relais.core.outbox import queue_message as outbox_queue

    return outbox_queue(**kwargs)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def link_url(token: str) -> str:
    return absolute(reverse("interventions:contractor_link", kwargs={"token": token}))


def contractor_addresses(contractor) -> list[str]:
    """The contractor's e-mail for work orders, else its contacts who receive them."""
    if contractor.email:
        return [contractor.email]
    return [c.email for c in contractor.contacts.all() if c.receives_work_orders and c.email]


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _job_lines(work_order) -> list[str]:
    request = work_order.request
    lines = [
        _("Request %(number)s – %(category)s")
        % {"number": request.tracking_number, "category": request.category.name},
    ]
    if work_order.due_at:
        lines.append(_("To be done by %(when)s.") % {"when": _when(work_order.due_at)})
    if work_order.instructions:
        lines.append(work_order.instructions)
    return lines


def send_link(work_order, token: str) -> int:
    """E-mail the new work order and its link to the contractor; returns messages queued."""
    with translation.override("fr"):
        subject = _("Work order %(number)s %(from_organisation)s") % {
            "number": work_order.request.tracking_number,
            "from_organisation": of_name(work_order.organisation.name, "from"),
        }
        body = "\n\n".join(
            [
                *_job_lines(work_order),
                _(
                    "Accept or decline, propose a visit, fill in the health questionnaire "
                    "with the tenant and report the completion at this address (keep it "
                    "private; no account needed): %(url)s"
                )
                % {"url": link_url(token)},
                work_order.organisation.name,
            ]
        )
    return _queue_all(
        work_order,
        contractor_addresses(work_order.contractor),
        subject,
        body,
        PURPOSE_LINK,
        f"work-order-link-{work_order.link_token_hash[:16]}",
    )


def remind(work_order) -> int:
    """Tell the contractor that the work order is past its target."""
    with translation.override("fr"):
        subject = _("Overdue: work order %(number)s") % {
            "number": work_order.request.tracking_number
        }
        body = "\n\n".join(
            [
                _("This work order is past its response target; please act or tell us why."),
                *_job_lines(work_order),
                _("Use the link of the work order e-mail; ask us for a new one if it expired."),
                work_order.organisation.name,
            ]
        )
    return _queue_all(
        work_order,
        contractor_addresses(work_order.contractor),
        subject,
        body,
        PURPOSE_REMINDER,
        f"work-order-reminder-{work_order.pk}",
    )


def escalate(work_order, addresses: list[str]) -> int:
    """Tell the technicians (``addresses``) that a reminded work order is still overdue."""
    with translation.override("fr"):
        subject = _("Still overdue after a reminder: work order %(number)s (%(contractor)s)") % {
            "number": work_order.request.tracking_number,
            "contractor": work_order.contractor.name,
        }
        url = absolute(reverse("interventions:work_order_detail", args=[work_order.pk]))
        body = "\n\n".join([*_job_lines(work_order), url])
    return _queue_all(
        work_order,
        addresses,
        subject,
        body,
        PURPOSE_ESCALATION,
        f"work-order-escalation-{work_order.pk}",
    )


def _queue_all(work_order, addresses, subject, body, purpose, dedupe) -> int:
    for address in addresses:
        queue_message(
            organisation=work_order.organisation,
            channel="email",
            to=address,
            subject=subject,
            body=body,
            purpose=purpose,
            dedupe_key=f"{dedupe}-{address}",
        )
    return len(addresses)
