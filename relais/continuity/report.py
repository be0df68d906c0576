"""The daily situation report's figures: a registry every capability fills.

A capability registers each of its figures from its ``AppConfig.ready()``::

    from relais.continuity.report import register_figure
    register_figure("supplies.mask_days", _("Masks: days of cover"),
                    lambda organisation, day: ..., capability="supplies", unit="days",
                    order=60)

``compute(organisation, day) -> int | float | None`` reads live figures (a few aggregate
queries, never personal data); ``None`` means "not in use" in this organisation (e.g. nothing
recorded yet), never zero.

``unit``: "count" (people, requests…), "percent" (a 0–1 rate), "days".
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

UNITS = ("count", "percent", "days")


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise | str
    capability: str
    compute: Callable
    unit: str
    order: int


_FIGURES: dict[str, Figure] = {}


def register_figure(
    key: str,
    label,
    compute: Callable,
    *,
    capability: str,
    unit: str = "count",
    order: int = 100,
) -> None:
    """Add (or replace) the figure ``key``, computed by ``compute(organisation, day)``."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} for figure {key}")
    _FIGURES[key] = Figure(key, label, capability, compute, unit, order)


def figures() -> list[Figure]:
    """Every registered figure in report order."""
    return sorted(_FIGURES.values(), key=lambda f: (f.order, f.key))


def compute_all(organisation, day: dt.date) -> list[dict]:
    """``[{"key", "label", "capability", "unit", "value"}]`` for ``day`` (value None: not in
    use), labels in the active language, values as computed (JSON-ready)."""
    rows = []
    for figure in figures():
        value = figure.compute(organisation, day)
        rows.append(
            {
                "key": figure.key,
                "label": str(figure.label),
                "capability": figure.capability,
                "unit": figure.unit,
                "value": value,
            }
        )
    return rows
