"""Open data: the week's aggregates as CSV and JSON, described by a Table Schema
(``docs/federation/datapackage.json``, built by ``datapackage()``).

One row per member and indicator with a figure; suppressed figures (small counts) are empty
with ``suppressed`` true. No person appears: members are landlords, figures are numbers.
"""

import csv
import io

from ..indicators import registry, selectors
from ..indicators.suppression import is_suppressed

FIELDS = (
    ("week", "string", "ISO week, e.g. 2026-W48 (Monday to Sunday, Europe/Paris)."),
    ("week_start", "date", "The Monday of the week."),
    ("member", "string", "The member landlord's name."),
    ("siren", "string", "The member's SIREN number (empty when unknown)."),
    ("departement", "string", "Code of the département holding most of its buildings."),
    ("indicator", "string", "The indicator's key (see the indicators list)."),
    ("unit", "string", "count, percent (0-100), days or cents (euro cents)."),
    ("value", "number", "The figure in its unit; empty when suppressed."),
    ("suppressed", "boolean", "True when the figure counts 1 to 4 people or homes."),
    ("source", "string", "computed (from the member's data in Relais) or submitted."),
)
REGIONAL_FIELDS = (
    ("week", "string", "ISO week."),
    ("indicator", "string", "The indicator's key."),
    ("unit", "string", "count, percent, days or cents."),
    ("value", "number", "The region's figure from the members' disclosed figures."),
    ("members", "integer", "Members whose figure is included."),
    ("suppressed_members", "integer", "Members whose figure is suppressed (not included)."),
    ("median", "number", "Median of the members' figures (at least 3 members)."),
)


def _number(unit: str, value):
    """Cents and counts are whole numbers: written ``1008738``, never ``1008738.0``."""
    if value is None or unit not in ("cents", "count"):
        return value
    return int(round(value))


def member_rows(federation, week) -> list[dict]:
    found = selectors.members(federation)
    names = {m.pk: m for m in found}
    rows = []
    values = selectors.values_for(list(names), [week.start])
    order = {indicator.key: i for i, indicator in enumerate(registry.indicators())}
    values.sort(key=lambda v: (names[v.organisation_id].name, order.get(v.key, 99)))
    for value in values:
        indicator = registry.get(value.key)
        if indicator is None:
            continue
        member = names[value.organisation_id]
        hidden = is_suppressed(indicator, value.value, value.base)
        rows.append(
            {
                "week": week.code,
                "week_start": week.start.isoformat(),
                "member": member.name,
                "siren": member.siren or "",
                "departement": member.departement,
                "indicator": indicator.key,
                "unit": indicator.unit,
                "value": None if hidden else _number(indicator.unit, value.value),
                "suppressed": hidden,
                "source": value.source,
            }
        )
    return rows


def regional_rows(federation, week) -> list[dict]:
    values = selectors.values_for(selectors.members_ids(federation), [week.start])
    return [
        {
            "week": week.code,
            "indicator": r.indicator.key,
            "unit": r.indicator.unit,
            "value": _number(r.indicator.unit, r.value),
            "members": r.members,
            "suppressed_members": r.hidden,
            "median": _number(r.indicator.unit, r.median),
        }
        for r in selectors.regional(values)
    ]


def to_csv(rows: list[dict], fields=FIELDS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _type, _doc in fields])
    for row in rows:
        writer.writerow(
            [
                ("true" if row[name] else "false")
                if kind == "boolean"
                else ("" if row[name] is None else row[name])
                for name, kind, _doc in fields
            ]
        )
    return out.getvalue()


def to_json(federation, week) -> dict:
    return {
        "federation": federation.name,
        "week": week.code,
        "week_start": week.start.isoformat(),
        "regional": regional_rows(federation, week),
        "members": member_rows(federation, week),
    }


def _schema(fields):
    return {
        "fields": [{"name": name, "type": kind, "description": doc} for name, kind, doc in fields],
        "missingValues": [""],
    }


def datapackage() -> dict:
    """The frictionless data package describing the exports (Table Schema per resource)."""
    return {
        "name": "relais-federation-indicators",
        "title": "Weekly indicators of the federation's members",
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence 2.0"}],
        "resources": [
            {
                "name": "members",
                "path": "/federation/donnees/{week}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _schema(FIELDS),
            },
            {
                "name": "regional",
                "path": "/federation/donnees/{week}-region.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _schema(REGIONAL_FIELDS),
            },
        ],
        "indicators": [
            {
                "key": i.key,
                "label": str(i.label),
                "unit": i.unit,
                "capability": i.capability,
                "aggregate": i.aggregate,
                "small_counts_suppressed": i.personal,
            }
            for i in registry.indicators()
        ],
    }
