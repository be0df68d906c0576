"""Writes of rent that are neither the run, payments nor collection: notices e-mailed,
other ways to pay offered to cash payers, mandates, settings."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from relais.core import audit
from relais.core.outbox import household_channel, notify_household, queue_message
from relais.formats import of_name
from relais.housing.models import Channel, Lease, Occupant

from . import mandate_form
from .models import Mandate, RentCall, RentSettings
from .notices import money_fr, month_fr

PURPOSE_NOTICE = "rent.notice"
PURPOSE_CHANNELS = "rent.channels"
CHANNELS_KEY = "rent-channels-"  # + the lease id: the dedupe key of a channels message


def _queue_notice(organisation, holder, call) -> None:
    queue_message(
        organisation=organisation,
        channel="email",
        to=holder.email,
        subject=_("Your rent notice %(of_month)s") % {"of_month": of_name(month_fr(call.month))},
        body=_(
            "Hello,\n\nYour rent %(of_month)s (lease %(lease)s) is %(amount)s, due by the "
            "5th. Ask us for your notice as a PDF at any time.\n"
        )
        % {
            "of_month": of_name(month_fr(call.month)),
            "lease": call.lease.reference,
            "amount": money_fr(call.amount_cents),
        },
        purpose=PURPOSE_NOTICE,
        household=call.lease.household,
        dedupe_key=f"rent-notice-{call.pk}",
    )


def notices_email(*, organisation, actor, month: dt.date) -> int:
    """Queue the month's notice by e-mail to each lease holder who chose e-mail (once per
    call: the dedupe key). Returns the number of messages queued."""
    calls = {
        c.lease.household_id: c
        for c in RentCall.objects.for_organisation(organisation)
        .filter(month=month.replace(day=1))
        .select_related("lease__household")
    }
    holders = (
        Occupant.objects.for_organisation(organisation)
        .filter(household_id__in=list(calls), is_holder=True, preferred_channel=Channel.EMAIL)
        .exclude(email="")
        .order_by("household_id", "pk")
    )
    seen = set()
    with transaction.atomic():
        for holder in holders:
            if holder.household_id not in seen:
                seen.add(holder.household_id)
                _queue_notice(organisation, holder, calls[holder.household_id])
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent.notices_sent",
            changes={"month": month.isoformat(), "count": len(seen)},
        )
    return len(seen)


def _channels_body(lease, *, form_attached: bool) -> str:
    if form_attached:
        text = _(
            "Hello,\n\nOur offices are closed to the public for now. You can pay your "
            "rent by bank transfer with the reference %(lease)s, by card, or by direct "
            "debit: the mandate form, filled in with your details, is attached to this "
            "e-mail; sign it, add your IBAN and send it back to us.\n"
        )
    else:
        text = _(
            "Hello,\n\nOur offices are closed to the public for now. You can pay your "
            "rent by bank transfer with the reference %(lease)s, by card, or by direct "
            "debit: reply to this message and we will send you the mandate form.\n"
        )
    return text % {"lease": lease.reference}


def channels_offer(*, organisation, actor, leases) -> dict:
    """Tell cash payers how else they can pay (transfer with their reference, card, direct
    debit). An e-mail carries the household's pre-filled SEPA mandate form (attached at
    delivery by ``mandate_attachments``) once the creditor is set up; a text message asks
    them to reply for it. Returns {"sent", "to_write"}: the households reached by e-mail or
    SMS, and those to send a letter to."""
    sent, to_write = 0, []
    form_ready = mandate_form.creditor_ready(organisation)
    with transaction.atomic():
        for lease in leases:
            channel = household_channel(lease.household)
            message = notify_household(
                organisation=organisation,
                household=lease.household,
                subject=_("Paying your rent while our offices are closed"),
                body=_channels_body(lease, form_attached=form_ready and channel == "email"),
                purpose=PURPOSE_CHANNELS,
                dedupe_key=f"{CHANNELS_KEY}{lease.pk}",
            )
            if message is None:
                to_write.append(lease)
            else:
                sent += 1
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent.channels_offered",
            changes={"households": sent + len(to_write)},
        )
    return {"sent": sent, "to_write": to_write}


def mandate_attachments(message) -> list[tuple[str, bytes, str]]:
    """The outbox's hook for ``PURPOSE_CHANNELS``: the household's SEPA mandate form (PDF,
    reference pre-filled), its lease found from the message's ``dedupe_key``
    (``"rent-channels-<lease id>"``); nothing while the creditor is not set up."""
    lease_id = int(message.dedupe_key.removeprefix(CHANNELS_KEY))
    lease = mandate_form.leases_for_print(Lease.objects).get(
        pk=lease_id, organisation_id=message.organisation_id
    )
    try:
        pdf = mandate_form.render(message.organisation, [lease])
    except ValidationError:
        return []
    return [(mandate_form.filename(lease), pdf, "application/pdf")]


def mandate_create(*, organisation, actor, lease, reference, signed_on, debtor_name, iban, bic):
    """A SEPA mandate on ``lease``; the IBAN and BIC are checked (schwifty)."""
    errors = {}
    try:
        iban = str(IBAN(iban))
    except SchwiftyException:
        errors["iban"] = _("This IBAN is not valid.")
    try:
        bic = str(BIC(bic))
    except SchwiftyException:
        errors["bic"] = _("This BIC is not valid.")
    if Mandate.objects.for_organisation(organisation).filter(reference=reference).exists():
        errors["reference"] = _("A mandate already has this reference.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mandate = Mandate.objects.create(
            organisation=organisation,
            lease=lease,
            reference=reference,
            signed_on=signed_on,
            debtor_name=debtor_name,
            iban=iban,
            bic=bic,
        )
        audit.record(organisation=organisation, actor=actor, action="mandate.created", obj=mandate)
    return mandate


def settings_for(organisation) -> RentSettings:
    found, _created = RentSettings.objects.get_or_create(organisation=organisation)
    return found


def settings_update(*, organisation, actor, values: dict) -> RentSettings:
    with transaction.atomic():
        found = settings_for(organisation)
        before = {k: getattr(found, k) for k in values}
        for key, value in values.items():
            setattr(found, key, value)
        found.save()
        audit.record(
            organisation=organisation,
            actor=actor,
            action="rent.settings_changed",
            obj=found,
            changes={k: [before[k], values[k]] for k in values if before[k] != values[k]},
        )
    return found
