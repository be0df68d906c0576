"""Reads of the outbox for the staff page."""

from dataclasses import dataclass

from . import addresses
from .models import OutboxMessage
from .purposes import purpose_label


def messages(organisation):
    """The organisation's messages with their household (one query, no join beyond it)."""
    return OutboxMessage.objects.for_organisation(organisation).select_related("household")


@dataclass(frozen=True)
class MessageRow:
    message: OutboxMessage
    purpose: str  # the purpose's label
    recipient: str  # the address, or its masked form for readers without the right


def rows(page_messages, *, show_recipients: bool) -> list[MessageRow]:
    """A page of messages → what the staff page shows of each."""
    result = []
    for message in page_messages:
        if show_recipients:
            recipient = addresses.shown(message.channel, message.to)
        else:
            recipient = addresses.masked(message.channel, message.to)
        result.append(MessageRow(message, str(purpose_label(message.purpose)), recipient))
    return result
