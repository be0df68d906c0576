"""The partners' side of outreach's writes (ADR 0039): a social-services body accepts a
referral, gives feedback and closes it; the landlord adds a body and links a member to it.
Each in one transaction and audited; refusals raise ``services.Refused``."""

from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from .models import Partner, PartnerUser, Referral, ReferralStatus
from .services import Refused


def _referral_step(referral, *, actor, action: str, apply) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    changes = apply(referral)
    if changes is not None:
        referral.save()
        audit.record(
            action=action,
            organisation=referral.organisation,
            actor=actor,
            obj=referral,
            changes=changes or None,
        )
    return referral


@write_transaction
def referral_accept(*, referral, actor) -> Referral:
    def apply(r):
        if r.status != ReferralStatus.SENT:
            return None
        r.status, r.accepted_at = ReferralStatus.ACCEPTED, timezone.now()
        return {}

    return _referral_step(referral, actor=actor, action="referral.accepted", apply=apply)


@write_transaction
def referral_feedback(*, referral, actor, text: str, close: bool = False) -> Referral:
    """Add the partner's feedback (appended, dated; at most ``forms.FEEDBACK_MAX`` = 2,000
    characters); ``close`` closes the referral. Empty feedback without closing is refused."""
    from .forms import FEEDBACK_MAX

    if not text.strip() and not close:
        raise Refused(_("Write your feedback, or tick “close the referral”."))
    if len(text.strip()) > FEEDBACK_MAX:
        raise Refused(_("At most 2,000 characters."))

    def apply(r):
        if r.status == ReferralStatus.CLOSED:
            raise Refused(_("This referral is closed."))
        stamp = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        if text.strip():
            r.feedback = f"{r.feedback}\n{stamp} – {text.strip()}".strip()
        if close:
            r.status, r.closed_at = ReferralStatus.CLOSED, timezone.now()
            r.accepted_at = r.accepted_at or r.closed_at
        return {"closed": close}

    action = "referral.closed" if close else "referral.feedback"
    return _referral_step(referral, actor=actor, action=action, apply=apply)


# Partners -------------------------------------------------------------------------------------


@write_transaction
def partner_save(*, organisation, actor, form) -> Partner:
    """Save a ``PartnerForm`` (new or changed body)."""
    created = form.instance.pk is None
    partner = form.save(commit=False)
    partner.organisation = organisation
    partner.save()
    audit.record(
        action="partner.created" if created else "partner.changed",
        organisation=organisation,
        actor=actor,
        obj=partner,
    )
    return partner


@write_transaction
def partner_user_add(*, organisation, actor, partner, membership) -> PartnerUser:
    """Link a ``social_partner`` membership to ``partner``: it sees that body's referrals."""
    if membership.organisation_id != organisation.pk or membership.role != "social_partner":
        raise Refused(_("Only a member with the social-services partner role can be linked."))
    link, _created = PartnerUser.objects.update_or_create(
        membership=membership, defaults={"partner": partner, "organisation": organisation}
    )
    audit.record(
        action="partner.user_linked",
        organisation=organisation,
        actor=actor,
        obj=partner,
        changes={"member": membership.user.get_full_name() or membership.user.username},
    )
    return link
