"""Recipients' addresses: checked and normalised when a message is queued, masked for staff
who may not see them (pure functions, no database)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from relais.core.phones import national, parse_phone

from .models import OutboxChannel

# Numbers that can receive a text message (a mainland or overseas fixed line cannot).
SMS_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
MASK = "•"


def sms_number(raw) -> str | None:
    """``raw`` (« 06 12 34 56 78 », « +262 692… », a ``PhoneNumber``) → E.164 when it is a
    mobile number of any region, else None."""
    number = parse_phone(str(raw or ""))
    if number is None or phonenumbers.number_type(number) not in SMS_TYPES:
        return None
    return number.as_e164


def email_address(raw) -> str | None:
    """``raw`` → the trimmed address when Django's validator accepts it, else None."""
    value = (raw or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def normalised(channel: str, raw) -> str:
    """The address ``raw`` for ``channel``, normalised (E.164 for SMS).

    Raises ``ValidationError`` (French message naming the field ``to``) for an unknown
    channel, an invalid e-mail address or a number that cannot receive a text message.
    """
    if channel == OutboxChannel.EMAIL:
        value = email_address(raw)
        message = _("“%(value)s” is not a valid e-mail address.")
    elif channel == OutboxChannel.SMS:
        value = sms_number(raw)
        message = _("“%(value)s” is not a mobile phone number that can receive a text message.")
    else:
        raise ValidationError({"channel": _("Unknown channel “%(value)s”.") % {"value": channel}})
    if value is None:
        raise ValidationError({"to": message % {"value": raw}})
    return value


def masked(channel: str, address: str) -> str:
    """What a reader without the right sees: « j•••@e•••.fr », « 06 •• •• •• 78 »."""
    if channel == OutboxChannel.SMS:
        number = parse_phone(address)
        if number is None:
            return MASK * 3
        shown = national(number)
        digits = [i for i, char in enumerate(shown) if char.isdigit()]
        hidden = set(digits[2:-2])
        return "".join(MASK if i in hidden else char for i, char in enumerate(shown))
    local, _at, domain = address.partition("@")
    name, dot, suffix = domain.rpartition(".")
    return f"{local[:1]}{MASK * 3}@{name[:1]}{MASK * 3}{dot}{suffix}"


def shown(channel: str, address: str) -> str:
    """The address as French people read it: the national format for French numbers."""
    if channel == OutboxChannel.SMS:
        number = parse_phone(address)
        return national(number) if number is not None else address
    return address
