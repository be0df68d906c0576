"""What the crisis mode does: the effects registry shown on ``/crise/``, the agencies as the
public sees them, and the crisis notice's lines.

Effects registry
    Each capability that reads a crisis switch registers, from its ``AppConfig.ready()``, one
    plain-French line per effect: ``register_effect("reception_closed", _("…"))``. The
    ``/crise/`` page lists, for each switch, the lines registered for it, so a director knows
    what a click does. A switch nobody reads yet says so instead of promising something.
    ``switch`` is a name of ``CrisisModeChange.SWITCHES`` or ``"mode"`` for what the crisis mode
    itself does (whatever the switches).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AgencyStatus, CrisisModeChange

MODE = "mode"
# A line is a sentence, or a callable ``(organisation) -> str`` saying what the switch would do
# to that organisation's data now ("" to say nothing), e.g. the campaigns it would close.
_EFFECTS: dict[str, list[tuple[str, Promise | str | Callable]]] = {}
# switch → {capability: callback(organisation=, actor=, on=)}; see ``register_switch_listener``.
_LISTENERS: dict[str, dict[str, Callable]] = {}
# url name (taking the organisation's slug) → label; see ``register_public_link``.
_PUBLIC_LINKS: dict[str, Promise | str] = {}


def register_effect(switch: str, text: Promise | str | Callable, *, capability: str) -> None:
    """Register what ``switch`` changes (a lazy translated sentence, or a callable
    ``(organisation) -> str`` naming what it would change there now); idempotent per
    (capability, text), so a reloaded app does not list a line twice."""
    if switch != MODE and switch not in CrisisModeChange.SWITCHES:
        raise ValueError(f"unknown crisis switch: {switch}")
    lines = _EFFECTS.setdefault(switch, [])
    if (capability, text) not in lines:
        lines.append((capability, text))


def effects(switch: str, organisation=None) -> list[str]:
    """The plain-French lines registered for ``switch``, in registration order; the callable
    ones only for an ``organisation`` (and when they say something)."""
    lines = []
    for _capability, text in _EFFECTS.get(switch, []):
        if callable(text):
            text = text(organisation) if organisation is not None else ""
        if str(text):
            lines.append(str(text))
    return lines


def register_switch_listener(switch: str, callback: Callable, *, capability: str) -> None:
    """Call ``callback(organisation=, actor=, on=)`` inside the transaction that turns
    ``switch`` on or off (not when it stays as it was), so a capability acts on the flip (e.g.
    interventions returning the deferred backlog to triage). One callback per capability.
    A callback may return a plain-French sentence saying what it did ("2 call campaigns
    closed."): ``/crise/`` shows it after the change; anything else is ignored."""
    if switch not in CrisisModeChange.SWITCHES:
        raise ValueError(f"unknown crisis switch: {switch}")
    _LISTENERS.setdefault(switch, {})[capability] = callback


def switch_flipped(*, organisation, actor, previous: CrisisModeChange, current) -> list[str]:
    """Run the listeners of each switch that ``current`` changed from ``previous``; returns
    the sentences they returned (what they did), in order."""
    done = []
    for name in CrisisModeChange.SWITCHES:
        on = getattr(current, name)
        if on != getattr(previous, name):
            for callback in _LISTENERS.get(name, {}).values():
                said = callback(organisation=organisation, actor=actor, on=on)
                if isinstance(said, str | Promise) and str(said):
                    done.append(str(said))
    return done


@dataclass(frozen=True)
class SwitchEffects:
    name: str
    label: str
    on: bool
    lines: list[str]


def switch_effects(state: CrisisModeChange, organisation=None) -> list[SwitchEffects]:
    """Each switch with its label, whether it is on in ``state``, and what it changes (for
    ``organisation``: see ``effects``)."""
    return [
        SwitchEffects(
            name=name,
            label=str(CrisisModeChange._meta.get_field(name).verbose_name),
            on=getattr(state, name),
            lines=effects(name, organisation),
        )
        for name in CrisisModeChange.SWITCHES
    ]


def register_core_effects() -> None:
    register_effect(
        "reception_closed",
        gettext_lazy(
            "Agencies show as closed to the public, on staff pages and on the public agencies "
            "page, except those opened one by one during the closure."
        ),
        capability="core",
    )
    register_effect(
        "reception_closed",
        gettext_lazy(
            "Each agency keeps its own status: it comes back as soon as reception reopens."
        ),
        capability="core",
    )
    register_effect(
        MODE,
        gettext_lazy(
            "The crisis notice (phone lines, hours, on-call number, what can be done online) "
            "heads the public agencies page, with the date it was last updated."
        ),
        capability="core",
    )


# Agencies as the public sees them ------------------------------------------------------------


def with_shown_status(agencies, state: CrisisModeChange) -> list:
    """The agencies with ``shown_status``, its label and ``closed_by_crisis`` set, for pages."""
    labels = dict(AgencyStatus.choices)
    rows = list(agencies)
    for agency in rows:
        agency.current_status = agency.shown_status(state.reception_closed)
        agency.current_status_label = labels[agency.current_status]
        agency.closed_by_crisis = state.reception_closed and not agency.open_during_closure
    return rows


# The crisis notice's lines ---------------------------------------------------------------------

SEPARATOR = "|"
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class NoticeLine:
    """``first`` | ``second`` of a notice line: (number, hours) or (label, address)."""

    first: str
    second: str


def _split(line: str) -> tuple[str, str]:
    first, _sep, second = line.partition(SEPARATOR)
    return first.strip(), second.strip()


def phone_digits(number: str) -> str:
    """The number to dial (for ``tel:`` links): digits, with a leading + kept."""
    digits = "".join(c for c in number if c.isdigit())
    return f"+{digits}" if number.strip().startswith("+") else digits


def validate_phone(number: str, *, where: str) -> str:
    """A phone number of 3 to 15 digits (short numbers such as 3919 included), written with
    spaces, dots or dashes; raises ValidationError naming ``where`` otherwise."""
    allowed = set("0123456789 .-+()")
    digits = phone_digits(number).lstrip("+")
    if not number or set(number) - allowed or not 3 <= len(digits) <= 15:
        raise ValidationError(
            _("%(where)s: “%(number)s” is not a phone number.") % {"where": where, "number": number}
        )
    return number


def parse_phone_lines(text: str) -> list[NoticeLine]:
    """``02 47 60 00 00 | du lundi au vendredi, 9 h – 17 h`` per line → (number, hours).

    Raises ValidationError naming the line when a number is not a phone number.
    """
    lines = []
    for index, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        number, hours = _split(raw)
        validate_phone(number, where=_("Line %(line)d") % {"line": index})
        lines.append(NoticeLine(number, hours))
    return lines


def parse_links(text: str) -> list[NoticeLine]:
    """``Faire une demande d'intervention | https://…`` per line → (label, address).

    An address is an http(s) URL or a path of this site starting with ``/``. Raises
    ValidationError naming the line when the label or the address is missing or wrong.
    """
    lines = []
    for index, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        label, address = _split(raw)
        where = _("Line %(line)d") % {"line": index}
        if not label or not address:
            raise ValidationError(
                _("%(where)s: write what the link does, a vertical bar, then its address.")
                % {"where": where}
            )
        if not (address.startswith("/") and not address.startswith("//")):
            try:
                _url(address)
            except ValidationError:
                raise ValidationError(
                    _("%(where)s: “%(address)s” is not a web address.")
                    % {"where": where, "address": address}
                ) from None
        lines.append(NoticeLine(label, address))
    return lines


# Public pages listed in the notice ----------------------------------------------------------------


def register_public_link(url_name: str, label: Promise | str) -> None:
    """A public page of a capability (``url_name`` takes the organisation's ``slug``), listed
    under "what you can still do" in the public crisis notice."""
    _PUBLIC_LINKS[url_name] = label


def public_links(organisation) -> list[NoticeLine]:
    """The registered public pages of ``organisation`` as (label, address) notice lines."""
    return [
        NoticeLine(str(label), reverse(url_name, kwargs={"slug": organisation.slug}))
        for url_name, label in _PUBLIC_LINKS.items()
    ]


# Who is on call now, on the notice ----------------------------------------------------------------

# capability → callback(organisation) -> [NoticeLine(agency name, phone)]
_ON_CALL_SOURCES: dict[str, Callable] = {}


def register_on_call_source(source: Callable, *, capability: str) -> None:
    """``source(organisation)`` returns the on-call lines of the moment (agency, phone), shown
    under the notice's emergency number (the interventions' rota, issue 8 §4)."""
    _ON_CALL_SOURCES[capability] = source


def on_call_lines(organisation) -> list[NoticeLine]:
    return [line for source in _ON_CALL_SOURCES.values() for line in source(organisation)]


# Latest news on the notice (messages sent to tenants) ---------------------------------------------


@dataclass(frozen=True)
class NoticeNews:
    """A message the public may read on the notice: ``excerpt`` is its text cut at a word
    (no one's name in it), ``url`` the page where it is read in full."""

    title: str
    sent_at: dt.datetime | None
    excerpt: str
    safety: bool
    url: str


# capability → callback(organisation) -> [NoticeNews], latest first, safety messages first.
_NEWS_SOURCES: dict[str, Callable] = {}


def register_news_source(source: Callable, *, capability: str) -> None:
    """``source(organisation)`` returns the latest public messages to tenants (broadcasts,
    issue 11 §3), listed under the notice's text with their date, safety messages first."""
    _NEWS_SOURCES[capability] = source


def notice_news(organisation) -> list[NoticeNews]:
    """Every source's news, safety messages first, then the latest first."""
    found = [item for source in _NEWS_SOURCES.values() for item in source(organisation)]
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    found.sort(key=lambda item: item.sent_at or oldest, reverse=True)
    return sorted(found, key=lambda item: not item.safety)  # stable: dates kept within each
