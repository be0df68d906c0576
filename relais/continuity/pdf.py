"""Printed documents of continuity (Typst through ``relais.core.pdf``, ADR 0011): the daily
situation report and the decision log. French whatever the reader's interface language."""

import datetime as dt
from pathlib import Path

from django.utils import formats, translation
from django.utils.translation import gettext as _

from relais.core.pdf import compile_typst, fr_date, fr_datetime
from relais.core.templatetags.relais import person

from .models import Decision

TEMPLATES = Path(__file__).resolve().parent / "typst"
GROUPS = (
    ("continuity", "Personnel et plan de continuité"),
    ("interventions", "Interventions"),
    ("allocation", "Attributions"),
)
OTHER_GROUP = "Autres activités"


def figure_value(row: dict) -> str:
    """A figure as people read it: "1 234", "87 %", "12 jours", or "not in use"."""
    value = row["value"]
    if value is None:
        return _("not in use")
    if row["unit"] == "percent":
        return f"{formats.number_format(round(value * 100), use_l10n=True)} %"
    text = formats.number_format(value, use_l10n=True, force_grouping=True)
    if row["unit"] == "days":
        return _("%(n)s days") % {"n": text}
    return text


def _groups(figures: list[dict]) -> list[dict]:
    titles = dict(GROUPS)
    grouped: dict[str, list] = {}
    for row in figures:
        title = titles.get(row["capability"], OTHER_GROUP)
        grouped.setdefault(title, []).append(
            {"label": row["label"], "value": figure_value(row), "in_use": row["value"] is not None}
        )
    order = [title for _key, title in GROUPS] + [OTHER_GROUP]
    return [{"title": t, "rows": grouped[t]} for t in order if t in grouped]


def report_data(report, *, plan_line: str, below: list[str]) -> dict:
    with translation.override("fr"):
        return {
            "landlord": report.organisation.name,
            "day": fr_date(report.day),
            "built": fr_datetime(report.built_at),
            "plan": plan_line,
            "groups": _groups(report.figures),
            "below": below,
        }


def report_pdf(report, *, plan_line: str, below: list[str]) -> bytes:
    data = report_data(report, plan_line=plan_line, below=below)
    return compile_typst(TEMPLATES, "situation_report", data, created_at=report.built_at)


def decision_log_pdf(organisation, entries: list[Decision], *, problems, now: dt.datetime):
    with translation.override("fr"):
        integrity = (
            "Journal vérifié : chaque décision correspond à l’événement scellé du journal d’audit."
            if not problems
            else "Anomalies : " + " ".join(str(p) for p in problems)
        )
        data = {
            "landlord": organisation.name,
            "exported": fr_datetime(now),
            "integrity": integrity,
            "entries": [
                {
                    "when": fr_datetime(e.decided_at),
                    "kind": str(e.get_kind_display()),
                    "who": person(e.decided_by) if e.decided_by else "",
                    "version": str(e.plan_version or ""),
                    "text": e.text,
                    "reason": e.reason,
                }
                for e in entries
            ],
        }
    return compile_typst(TEMPLATES, "decision_log", data, created_at=now)
