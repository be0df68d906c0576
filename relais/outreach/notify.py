"""Messages of outreach through the core outbox: the referral link to a partner without an
account. Written in French whatever the actor's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from relais.formats import of_name

PURPOSE_REFERRAL = "outreach_referral"


def send_referral_link(referral, token: str) -> bool:
    """E-mail the partner the referral's link; False when the partner has no e-mail."""
    from relais.core.outbox import queue_message

    partner = referral.partner
    if not partner.email:
        return False
    url = settings.SITE_URL.rstrip("/") + reverse("outreach:partner_link", kwargs={"token": token})
    with translation.override("fr"):
        subject = _("A referral %(from_organisation)s") % {
            "from_organisation": of_name(referral.organisation.name, "from")
        }
        body = "\n\n".join(
            [
                _("%(organisation)s refers a tenant to you (needs: %(needs)s).")
                % {"organisation": referral.organisation.name, "needs": referral.needs},
                _(
                    "Open it, accept it and give your feedback at this private address, valid "
                    "14 days: %(url)s"
                )
                % {"url": url},
            ]
        )
    queue_message(
        organisation=referral.organisation,
        channel="email",
        to=partner.email,
        subject=subject,
        body=body,
        purpose=PURPOSE_REFERRAL,
        dedupe_key=f"outreach-referral-{referral.link_token_hash[:16]}",
    )
    return True
