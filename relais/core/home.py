"""The home page is the person's work queue: a registry of cards that capabilities contribute.

Each capability registers, from its ``AppConfig.ready()``, the cards it adds for the roles
concerned::

    home.register_card("allocation.offers", roles={Role.ALLOCATION_OFFICER}, order=30,
                       build=offers_card)

``build(ctx: HomeContext) -> Card | None`` runs when a member with one of ``roles`` opens the
home page; it returns ``None`` when the card does not apply to this person (e.g. no seat on a
commission). A card is a title, a count, a link to the filtered list and an empty state saying
what will appear there, with up to ``ROWS`` rows of detail. Builders must use a fixed number of
queries (typically a count and a slice): ``tests/core/test_home.py`` guards the total per role.

Quick links (``register_link``) are the pages a role can use, shown under the cards, so that
roles with no work queue yet still get a home that leads somewhere real.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ROWS = 5


@dataclass
class CardRow:
    """One line of a card: ``label`` (what), ``detail`` (when / how much), an optional link,
    a ``tone`` ("warning" for what is late or due today) and optional sub-items
    (``(text, done)`` pairs, e.g. the agenda items of a session)."""

    label: str
    detail: str = ""
    url: str = ""
    tone: str = ""
    items: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Card:
    key: str
    title: str
    count: int | None  # None: a state card (e.g. the crisis mode), no number to show
    empty: str
    url: str = ""
    link_label: str = ""
    rows: list[CardRow] = field(default_factory=list)
    text: str = ""  # a sentence under the count (e.g. the current crisis mode)
    # Rows not shown; by default what the count has beyond the rows shown.
    hidden: int | None = None

    @property
    def more(self) -> int:
        if self.hidden is not None:
            return self.hidden
        return max((self.count or 0) - len(self.rows), 0)


@dataclass(frozen=True)
class HomeContext:
    """Who is looking, where, and when (``today`` is the Europe/Paris date)."""

    user: object
    organisation: object
    membership: object
    abilities: dict
    now: dt.datetime
    crisis_state: object

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)


@dataclass(frozen=True)
class CardSource:
    key: str
    roles: frozenset
    order: int
    build: Callable[[HomeContext], Card | None]


@dataclass(frozen=True)
class QuickLink:
    ability: str | None
    url_name: str
    label: Promise | str
    order: int


_CARDS: dict[str, CardSource] = {}
_LINKS: dict[str, QuickLink] = {}


def register_card(key: str, *, roles, order: int, build) -> None:
    """Register (or replace, when an app is reloaded) the card ``key``."""
    _CARDS[key] = CardSource(key, frozenset(roles), order, build)


def register_link(url_name: str, label, *, ability: str | None, order: int) -> None:
    """A page shown in every member's quick links when they have ``ability``."""
    _LINKS[url_name] = QuickLink(ability, url_name, label, order)


def sources_for(role: str) -> list[CardSource]:
    return sorted((s for s in _CARDS.values() if role in s.roles), key=lambda s: s.order)


def cards_for(ctx: HomeContext) -> list[Card]:
    """The cards of ``ctx``'s role that apply to this person, in their registered order."""
    cards = (source.build(ctx) for source in sources_for(ctx.role))
    return [card for card in cards if card is not None]


def links_for(abilities: dict) -> list[dict]:
    """[{"url", "label"}] of the quick links the member may open."""
    links = sorted(_LINKS.values(), key=lambda link: link.order)
    return [
        {"url": reverse(link.url_name), "label": str(link.label)}
        for link in links
        if link.ability is None or abilities.get(link.ability)
    ]


def days_left_text(due: dt.date, today: dt.date) -> tuple[str, str]:
    """(French sentence, tone) for a deadline: "3 days left", "due today", "2 days late"."""
    days = (due - today).days
    if days > 0:
        text = ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
        return text, "warning" if days <= 2 else ""
    if days == 0:
        return _("due today"), "warning"
    late = -days
    return ngettext("%(days)d day late", "%(days)d days late", late) % {"days": late}, "danger"
