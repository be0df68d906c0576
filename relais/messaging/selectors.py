"""Reads of the broadcast pages: progress from the outbox, previews, the public list."""

from dataclasses import dataclass

from django.db.models import Case, Count, F, Value, When
from django.urls import reverse
from django.utils.text import Truncator

from relais.core.crisis import NoticeNews
from relais.core.outbox.models import OutboxMessage, OutboxStatus

from . import merge, recipients
from .models import Broadcast, BroadcastKind, BroadcastLetter

PENDING = (OutboxStatus.QUEUED, OutboxStatus.SENDING)
NOTICE_NEWS = 5  # messages listed on the crisis notice
EXCERPT = 240  # characters of each message's text on the notice


@dataclass
class Progress:
    total: int  # e-mails and texts queued
    by_status: dict[str, int]

    @property
    def done(self) -> int:
        return self.total - sum(self.by_status.get(status, 0) for status in PENDING)

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.done == self.total


def progress(broadcast: Broadcast) -> Progress:
    """Where the broadcast's e-mails and texts stand (one grouped query)."""
    rows = (
        OutboxMessage.objects.of_batch(broadcast.batch)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    by_status = {row["status"]: row["n"] for row in rows}
    return Progress(total=sum(by_status.values()), by_status=by_status)


def status_lines(found: Progress) -> list[tuple[str, int]]:
    """(label, count) of each delivery status present, in the order of the statuses."""
    return [
        (label, found.by_status[value])
        for value, label in OutboxStatus.choices
        if found.by_status.get(value)
    ]


def preview(broadcast: Broadcast, *, named: bool = True) -> dict | None:
    """The texts as the first recipient gets them, and the SMS length of that text; with
    ``named`` False (a viewer who may not see a sensitive segment's people) the person's
    fields read as on the public notice (« Madame, Monsieur »)."""
    first = recipients.sample(broadcast)
    if first is None:
        return None
    values = first["values"]
    if not named:
        values = {**values, **merge.PUBLIC_VALUES}
    sms = merge.render(broadcast.sms_body, values)
    return {
        "name": values["{nom}"],
        "channel": first["channel"],
        "subject": merge.render(broadcast.subject, values),
        "body": merge.render(broadcast.body, values),
        "sms": sms,
        "sms_length": merge.sms_length(sms),
    }


def counts(broadcast: Broadcast) -> dict[str, int]:
    """Recipients by channel: as queued once dispatched, else as they would be now."""
    if broadcast.dispatched_at is not None:
        return broadcast.counts
    return recipients.counts(broadcast)


def deliveries(broadcast: Broadcast):
    """The broadcast's e-mails and texts, one per recipient, for the recipients page."""
    return (
        OutboxMessage.objects.of_batch(broadcast.batch)
        .select_related("household")
        .order_by("household__name", "pk")
    )


def letters(broadcast: Broadcast):
    return (
        BroadcastLetter.objects.filter(broadcast=broadcast)
        .select_related("household")
        .order_by("household__name", "pk")
    )


def public_messages(organisation, limit: int = 10) -> list[dict]:
    """The latest public broadcasts as the notice shows them (no one's name or address),
    safety messages first, then the latest first: [{"pk", "title", "sent_at", "safety",
    "text"}]."""
    fixed = recipients.constants(organisation)
    values = {**fixed, **merge.PUBLIC_VALUES}
    safety_first = Case(When(kind=BroadcastKind.SAFETY, then=Value(0)), default=Value(1))
    rows = (
        Broadcast.objects.for_organisation(organisation)
        .public()
        .order_by(safety_first, F("sent_at").desc(nulls_last=True), "-pk")
    )
    return [
        {
            "pk": broadcast.pk,
            "title": broadcast.title,
            "sent_at": broadcast.sent_at,
            "safety": broadcast.kind == BroadcastKind.SAFETY,
            "text": merge.render(broadcast.body, values),
        }
        for broadcast in rows[:limit]
    ]


def notice_news(organisation, limit: int = NOTICE_NEWS) -> list[NoticeNews]:
    """The crisis notice's "latest messages": each public broadcast's title, date and the
    start of its text (``EXCERPT`` characters, cut at a word), linked to its full text."""
    page = reverse("messaging:public_messages", kwargs={"slug": organisation.slug})
    return [
        NoticeNews(
            title=row["title"],
            sent_at=row["sent_at"],
            excerpt=Truncator(" ".join(row["text"].split())).chars(EXCERPT),
            safety=row["safety"],
            url=f"{page}#message-{row['pk']}",
        )
        for row in public_messages(organisation, limit=limit)
    ]
