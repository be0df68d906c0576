"""Messages to a reservation holder: a vacancy of its flow awaits its designations.

A holder with accounts gets an e-mail per active member pointing at its page in Relais; a
holder without one gets a link (``core.links``, hashed, expiring at the designation deadline,
revocable) at its ``email``. Every message leaves through ``relais.core.outbox``.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from relais.core.models import Membership
from relais.core.outbox import queue_message
from relais.core.roles import Role

PURPOSE = "reservation.designation_request"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def link_url(token: str) -> str:
    return absolute(reverse("allocation:reservation_link", args=[token]))


def member_emails(holder) -> list[str]:
    """The e-mails of the holder's active members (role ``reservation_holder``)."""
    rows = Membership.objects.filter(
        organisation_id=holder.organisation_id, is_active=True, role=Role.RESERVATION_HOLDER
    ).exclude(user__email="")
    return sorted(set(rows.values_list("user__email", flat=True)))


def _body(assignment, where: str) -> str:
    vacancy = assignment.vacancy
    dwelling = vacancy.dwelling
    due = assignment.designation_due_on
    return _(
        "%(landlord)s assigns a dwelling to your reservation flow (%(agreement)s): "
        "%(typology)s %(reference)s in %(commune)s.\n\n"
        "Designate up to three candidates by their national registration number before "
        "%(due)s: %(where)s\n\n"
        "After that date the landlord may propose its own candidates."
    ) % {
        "landlord": assignment.organisation.name,
        "agreement": assignment.agreement.reference,
        "typology": dwelling.typology,
        "reference": dwelling.reference,
        "commune": assignment.commune.name,
        "due": formats.date_format(due, "SHORT_DATE_FORMAT") if due else "—",
        "where": where,
    }


def send_request(assignment, *, token: str | None = None) -> int:
    """Queue the request to designate; with ``token`` the link goes to the holder's e-mail,
    else each member gets the address of the vacancy's page. Returns the messages queued."""
    holder = assignment.agreement.holder
    with translation.override("fr"):
        subject = _("Vacancy to designate: %(reference)s in %(commune)s") % {
            "reference": assignment.vacancy.dwelling.reference,
            "commune": assignment.commune.name,
        }
        if token:
            targets = [holder.email] if holder.email else []
            body = _body(assignment, link_url(token))
            key = f"reservation-link-{assignment.pk}-{token[:12]}"
        else:
            targets = member_emails(holder)
            path = reverse("allocation:holder_assignment_detail", args=[assignment.pk])
            body = _body(assignment, absolute(path))
            key = f"reservation-request-{assignment.pk}"
    for to in targets:
        queue_message(
            organisation=assignment.organisation,
            channel="email",
            to=to,
            subject=subject,
            body=body,
            purpose=PURPOSE,
            dedupe_key=f"{key}-{to}",
        )
    return len(targets)
