"""What the rounds add to core's registries, from ``ProximityConfig.ready()``: menu entries
(field group), home cards, quick links, the crisis mode's line on ``/crise/`` and the
situation report's figure ``proximity.rounds_done`` and the listener of declared days
(continuity: an absent caretaker's passages change hands at once).

Cards:
- caretaker: today's passages, with how many steps remain (two queries);
- manager: today's missed passages — the in-app alert of a missed round (two queries) — and
  today's coverage so far and the passages left with nobody today and tomorrow (one
  query).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.continuity import report
from relais.continuity.listeners import register_declaration_listener
from relais.core import crisis, home, navigation
from relais.core.roles import Role

from . import selectors, services
from .models import OccurrenceStatus


def _time(value) -> str:
    return f"{timezone.localtime(value):%H:%M}"


def passages_sentence(done: int, planned: int, missed: int, *, today: bool = False) -> str:
    """« 1 passage fait sur 22 prévus aujourd'hui (21 manqués). » — each number with its own
    plural (French: 0 and 1 singular)."""
    parts = {
        "done": ngettext("%(count)d passage done", "%(count)d passages done", done)
        % {"count": done},
        "planned": (
            ngettext("of %(count)d planned today", "of %(count)d planned today", planned)
            if today
            else ngettext("of %(count)d planned", "of %(count)d planned", planned)
        )
        % {"count": planned},
        "missed": ngettext("%(count)d missed", "%(count)d missed", missed) % {"count": missed},
    }
    return _("%(done)s %(planned)s (%(missed)s).") % parts


def today_card(ctx: home.HomeContext) -> home.Card:
    rounds = list(selectors.rounds_of(ctx.user, ctx.organisation, ctx.today))
    left = [r for r in rounds if r.status != OccurrenceStatus.DONE]
    rows = []
    for occurrence in left[: home.ROWS]:
        steps = list(occurrence.steps.all())
        remaining = sum(1 for step in steps if step.done_at is None)
        rows.append(
            home.CardRow(
                f"{occurrence.get_kind_display()} – {occurrence.building.address}",
                f"{_time(occurrence.starts_at)}–{_time(occurrence.due_at)} · "
                + ngettext(
                    "%(left)d step left of %(total)d",
                    "%(left)d steps left of %(total)d",
                    remaining,
                )
                % {"left": remaining, "total": len(steps)},
                url=reverse("proximity:today"),
                tone="danger" if occurrence.is_missed else "",
            )
        )
    return home.Card(
        key="proximity.today",
        title=_("My rounds today"),
        count=len(left),
        empty=_("The rounds planned for you today will appear here."),
        url=reverse("proximity:today"),
        link_label=_("Open my checklist"),
        rows=rows,
    )


def missed_card(ctx: home.HomeContext) -> home.Card:
    missed = selectors.missed_on(ctx.organisation, ctx.today)
    rows = [
        home.CardRow(
            f"{o.get_kind_display()} – {o.building.address}",
            _("due at %(time)s · %(who)s")
            % {
                "time": _time(o.due_at),
                "who": (o.assignee.get_full_name() or o.assignee.get_username())
                if o.assignee
                else _("nobody assigned"),
            },
            url=reverse("proximity:building", args=[o.building_id]),
            tone="danger",
        )
        for o in missed[: home.ROWS]
    ]
    return home.Card(
        key="proximity.missed",
        title=_("Rounds missed today"),
        count=missed.count(),
        empty=_("Rounds not done by their end time will appear here."),
        url=reverse("proximity:supervision"),
        link_label=_("Missed rounds and remarks"),
        rows=rows,
    )


def unassigned_rows(counts: dict) -> list[home.CardRow]:
    """A line per day (today, tomorrow) that has passages with nobody assigned, linking to
    the replacements page (``counts``: ``selectors.unassigned_counts``)."""
    wording = {
        "today": lambda n: ngettext(
            "%(count)d passage without a caretaker today",
            "%(count)d passages without a caretaker today",
            n,
        ),
        "tomorrow": lambda n: ngettext(
            "%(count)d passage without a caretaker tomorrow",
            "%(count)d passages without a caretaker tomorrow",
            n,
        ),
    }
    return [
        home.CardRow(
            wording[day](counts[day]) % {"count": counts[day]},
            _("Record a replacement"),
            url=reverse("proximity:replacement_list"),
            tone="danger",
        )
        for day in ("today", "tomorrow")
        if counts[day]
    ]


def coverage_card(ctx: home.HomeContext) -> home.Card:
    figures = selectors.home_figures(ctx.organisation, ctx.today, timezone.now())
    row = figures["today"]
    rows = unassigned_rows({day: figures[day]["unassigned"] for day in figures})
    if row["planned"]:
        rows.append(
            home.CardRow(
                passages_sentence(row["done"], row["planned"], row["missed"], today=True),
                url=reverse("proximity:coverage"),
            )
        )
    return home.Card(
        key="proximity.coverage",
        title=_("Rounds coverage"),
        count=None,
        # The empty state only when nothing is planned today (rows then hold the figures).
        empty=_("Once rounds are planned, today's passages done and planned will show here."),
        url=reverse("proximity:coverage"),
        link_label=_("Coverage by day, building and caretaker"),
        rows=rows,
        hidden=0,
    )


def rounds_done(organisation, day) -> float | None:
    """The share (0–1, three decimals) of ``day``'s passages done, for the situation report;
    None when the organisation has no passage that day (rounds not in use). One query."""
    figures = selectors.coverage_by_day(organisation, day, day)
    if not figures or not figures[0]["planned"]:
        return None
    return round(figures[0]["done"] / figures[0]["planned"], 3)


def register() -> None:
    register_declaration_listener("proximity", services.on_day_declared)
    entries = [
        (gettext_lazy("My rounds"), "proximity:today", "round.do", 20),
        (gettext_lazy("Rounds: missed and remarks"), "proximity:supervision", "round.plan", 21),
        (gettext_lazy("Rounds coverage"), "proximity:coverage", "round.coverage", 22),
        (gettext_lazy("Caretaker replacements"), "proximity:replacement_list", "round.plan", 23),
        (gettext_lazy("Waste collection calendars"), "proximity:collection_list", "round.plan", 24),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("field", label, url_name, ability=ability, order=order)
    home.register_card("proximity.today", roles={Role.CARETAKER}, order=20, build=today_card)
    home.register_card("proximity.missed", roles={Role.MANAGER}, order=27, build=missed_card)
    home.register_card("proximity.coverage", roles={Role.MANAGER}, order=28, build=coverage_card)
    home.register_link(
        "proximity:today", gettext_lazy("My rounds today"), ability="round.do", order=45
    )
    crisis.register_effect(
        crisis.MODE,
        gettext_lazy(
            "Caretakers' rounds follow their crisis frequency (for instance disinfection of "
            "touch points several times a day) from the next hourly planning."
        ),
        capability="proximity",
    )
    report.register_figure(
        "proximity.rounds_done",
        gettext_lazy("Rounds carried out today (bins, cleaning, disinfection)"),
        rounds_done,
        capability="proximity",
        unit="percent",
        order=40,
    )
