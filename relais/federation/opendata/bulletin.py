"""The weekly regional bulletin (PDF, Typst): completeness, regional figures, and each
member's figures of the main indicators — small counts suppressed like everywhere else."""

from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from relais.core.pdf import compile_typst, fr_date, fr_datetime

from ..indicators import registry, selectors
from ..indicators.display import figure_text

TEMPLATES = Path(__file__).resolve().parent / "typst"
# The indicators detailed per member in the bulletin (the others are in the exports).
PER_MEMBER = ("interventions.sla", "proximity.rounds", "supplies.cover", "rent.collection")


def _text(indicator, value, suppressed=False) -> str:
    if suppressed:
        return _("hidden (fewer than 5)")
    if value is None:
        return "—"
    return figure_text(indicator.unit, value)


def completeness_text(reported: int, total: int, missing: int) -> str:
    """« 3 membres sur 4 ont transmis leurs chiffres (1 manquant). », each noun agreeing."""
    sentence = ngettext(
        "%(reported)d member of %(total)d reported their figures",
        "%(reported)d members of %(total)d reported their figures",
        reported,
    ) % {"reported": reported, "total": total}
    gap = ngettext("%(missing)d missing", "%(missing)d missing", missing) % {"missing": missing}
    return f"{sentence} ({gap})."


def median_note() -> str:
    """Why a median may be blank (``selectors.MEDIAN_MIN_MEMBERS``); same words as the page."""
    n = selectors.MEDIAN_MIN_MEMBERS
    return ngettext(
        "The median is shown only when at least %(n)s member reported the figure.",
        "The median is shown only when at least %(n)s members reported the figure.",
        n,
    ) % {"n": n}


def bulletin_data(federation, week, now) -> dict:
    found = selectors.members(federation)
    rows = selectors.values_for([m.pk for m in found], [week.start])
    statuses = selectors.completeness(federation, week)
    missing = [s.organisation.name for s in statuses if not s.reported]
    members_blocks = []
    for key in PER_MEMBER:
        indicator = registry.get(key)
        cells = [
            c
            for c in selectors.member_table(found, rows, indicator)
            if c.value is not None or c.suppressed
        ]
        if cells:
            members_blocks.append(
                {
                    "label": str(indicator.label),
                    "rows": [
                        {
                            "member": c.organisation.name,
                            "value": _text(indicator, c.value, c.suppressed),
                        }
                        for c in cells
                    ],
                }
            )
    return {
        "federation": federation.name,
        "title": _("Weekly regional bulletin"),
        "period": _("Week from %(start)s to %(end)s")
        % {"start": fr_date(week.start), "end": fr_date(week.last_day)},
        "generated": _("produced on %(when)s") % {"when": fr_datetime(now)},
        "completeness": completeness_text(
            len(statuses) - len(missing), len(statuses), len(missing)
        ),
        "median_note": median_note(),
        "missing": missing,
        "regional": [
            {
                "label": str(r.indicator.label),
                "value": _text(r.indicator, r.value),
                "median": _text(r.indicator, r.median),
                "members": str(r.members),
            }
            for r in selectors.regional(rows)
        ],
        "members": members_blocks,
        "note": _(
            "Figures computed from each member's data in Relais or submitted by the member. "
            "Figures counting fewer than 5 people or homes are not shown, nor included in the "
            "regional figures. No personal data leaves the members."
        ),
    }


def render(federation, week) -> bytes:
    now = timezone.now()
    with override("fr"):
        data = bulletin_data(federation, week, now)
    return compile_typst(TEMPLATES, "bulletin", data, created_at=now)
