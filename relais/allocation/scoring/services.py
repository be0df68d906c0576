"""Cotation: score applications with a versioned grid of criteria (DOMAIN.md §2).

A grid's ``criteria`` is data (the format is described in docs/scoring.md)::

    {"waiting": {"points_per_month": 1, "max_points": null},
     "waiting_bonuses": [{"beyond_months": 36, "points": 20}],
     "priority_criteria": {"dalo": 50, "eviction": 20},
     "housing_situations": {"hosted": 10},
     "household": {"single_parent": 5, "disabled_member": 0},
     "effort_rate_bands": [{"from_percent": 30, "points": 10}]}

Scores are stored on the application with their explanation, a list of ``[code, points]``
pairs (``labelled`` turns the codes into sentences in the reader's language), so ranking is
``order_by("-score")``. They are recomputed set-based: when an application is saved, when a
grid is saved, and every day (waiting time grows) by the ``recompute_scores`` task.
"""

import calendar
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from relais.core import audit
from relais.core.bulk import update_rows
from relais.core.models import Organisation

from ..models import (
    Application,
    ApplicationScore,
    ApplicationStatus,
    HousingSituation,
    PriorityCriterion,
    ScoringGrid,
)
from .ranking import ranking_write

DEFAULT_GRID_FILE = Path(__file__).resolve().parent.parent / "data" / "default_scoring_grid.json"
BATCH_SIZE = 2000
# Applications still waiting are scored; the score of a closed one stays as it was.
SCORED_STATUSES = (ApplicationStatus.ACTIVE, ApplicationStatus.PROPOSED)
# What the score depends on (besides the wishes, which choose the grid).
FACT_FIELDS = (
    "first_applied_on",
    "persons",
    "dependants",
    "is_couple",
    "has_disabled_member",
    "priority_criteria",
    "housing_situation",
    "monthly_resources_cents",
    "current_housing_cost_cents",
)
SCORE_FIELDS = ("score", "score_explanation", "scored_with", "scored_at")
EPCI_SCORE_FIELDS = ("score", "explanation", "scored_with", "scored_at", "first_applied_on")
HOUSEHOLD_CRITERIA = ("single_parent", "disabled_member")

# Waiting time ---------------------------------------------------------------------------------


def waiting_months(first_applied_on: dt.date, on: dt.date) -> int:
    """Whole months elapsed from the first application to ``on`` (0 if in the future)."""
    months = (on.year - first_applied_on.year) * 12 + on.month - first_applied_on.month
    if on.day < first_applied_on.day:
        months -= 1
    return max(months, 0)


def months_before(on: dt.date, months: int) -> dt.date:
    """The date ``months`` months before ``on`` (day clamped to the month's length): an
    application first made on or before it has waited at least ``months`` months."""
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    day = min(on.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


# The criteria format ------------------------------------------------------------------------


def _is_points(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_points_map(criteria, key, allowed, problems) -> None:
    section = criteria.get(key, {})
    if not isinstance(section, dict):
        problems.append(_("“%(key)s” must map codes to points.") % {"key": key})
        return
    for code, points in section.items():
        if code not in allowed:
            problems.append(
                _("“%(key)s”: unknown code “%(code)s” (known: %(known)s).")
                % {"key": key, "code": code, "known": ", ".join(allowed)}
            )
        elif not _is_points(points):
            problems.append(
                _("“%(key)s”: the points of “%(code)s” must be a whole number.")
                % {"key": key, "code": code}
            )


def _check_list(criteria, key, threshold, limit, problems) -> None:
    """A list of {threshold: number in [0, limit], "points": int} with distinct thresholds."""
    items = criteria.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        problems.append(_("“%(key)s” must be a list of objects.") % {"key": key})
        return
    for item in items:
        value = item.get(threshold)
        if set(item) != {threshold, "points"} or not _is_points(item["points"]):
            problems.append(
                _("“%(key)s”: each item has “%(threshold)s” and whole “points”, nothing else.")
                % {"key": key, "threshold": threshold}
            )
        elif (
            not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= limit
        ):
            problems.append(
                _("“%(key)s”: “%(threshold)s” must be a number from 0 to %(limit)s.")
                % {"key": key, "threshold": threshold, "limit": limit}
            )
    thresholds = [item.get(threshold) for item in items]
    if len(set(map(str, thresholds))) != len(thresholds):
        problems.append(_("“%(key)s”: a threshold is given twice.") % {"key": key})


def _check_waiting(criteria, problems) -> None:
    waiting = criteria.get("waiting", {})
    if not isinstance(waiting, dict) or set(waiting) - {"points_per_month", "max_points"}:
        problems.append(_("“waiting” has “points_per_month” and “max_points” only."))
        return
    if not _is_points(waiting.get("points_per_month", 0)):
        problems.append(_("“waiting”: “points_per_month” must be a whole number."))
    max_points = waiting.get("max_points")
    if max_points is not None and not _is_points(max_points):
        problems.append(_("“waiting”: “max_points” must be a whole number or null."))


CRITERIA_KEYS = (
    "waiting",
    "waiting_bonuses",
    "priority_criteria",
    "housing_situations",
    "household",
    "effort_rate_bands",
)


def validate_criteria(criteria) -> None:
    """Raise ValidationError listing every problem of a grid's ``criteria``."""
    if not isinstance(criteria, dict):
        raise ValidationError(_("The criteria must be a JSON object."))
    problems = []
    unknown = sorted(set(criteria) - set(CRITERIA_KEYS))
    if unknown:
        problems.append(
            _("Unknown keys: %(keys)s (known: %(known)s).")
            % {"keys": ", ".join(unknown), "known": ", ".join(CRITERIA_KEYS)}
        )
    _check_waiting(criteria, problems)
    _check_list(criteria, "waiting_bonuses", "beyond_months", 600, problems)
    _check_points_map(criteria, "priority_criteria", PriorityCriterion.values, problems)
    _check_points_map(criteria, "housing_situations", HousingSituation.values, problems)
    _check_points_map(criteria, "household", HOUSEHOLD_CRITERIA, problems)
    _check_list(criteria, "effort_rate_bands", "from_percent", 100, problems)
    if problems:
        raise ValidationError(problems)


# Scoring one application --------------------------------------------------------------------


def score(criteria: dict, facts: Mapping, on: dt.date) -> tuple[int, list[list]]:
    """(points, explanation) of one application's ``facts`` (the FACT_FIELDS) on ``on``.

    The explanation lists each criterion that gave points, as ``[code, points]``.
    """
    explanation: list[list] = []
    months = waiting_months(facts["first_applied_on"], on)
    waiting = criteria.get("waiting", {})
    points = months * waiting.get("points_per_month", 0)
    if waiting.get("max_points") is not None:
        points = min(points, waiting["max_points"])
    explanation.append([f"waiting:{months}", points])
    for bonus in sorted(criteria.get("waiting_bonuses", []), key=lambda b: b["beyond_months"]):
        if months > bonus["beyond_months"] and bonus["points"]:
            explanation.append([f"waiting_bonus:{bonus['beyond_months']}", bonus["points"]])
    priorities = criteria.get("priority_criteria", {})
    for code in PriorityCriterion.values:  # the grid's order would depend on the JSON
        if code in facts["priority_criteria"] and priorities.get(code):
            explanation.append([f"priority:{code}", priorities[code]])
    situation = facts["housing_situation"]
    if criteria.get("housing_situations", {}).get(situation):
        explanation.append([f"situation:{situation}", criteria["housing_situations"][situation]])
    household = criteria.get("household", {})
    adults = facts["persons"] - facts["dependants"]
    single_parent = not facts["is_couple"] and facts["dependants"] and adults == 1
    if household.get("single_parent") and single_parent:
        explanation.append(["single_parent", household["single_parent"]])
    if household.get("disabled_member") and facts["has_disabled_member"]:
        explanation.append(["disabled_member", household["disabled_member"]])
    band = _effort_band(criteria.get("effort_rate_bands", []), facts)
    if band is not None and band["points"]:
        explanation.append([f"effort_rate:{band['from_percent']}", band["points"]])
    return sum(points for _code, points in explanation), explanation


def _effort_band(bands: list[dict], facts: Mapping) -> dict | None:
    """The highest band reached by the current housing cost / resources; None when unknown."""
    cost, resources = facts["current_housing_cost_cents"], facts["monthly_resources_cents"]
    if cost is None or not resources:
        return None
    rate = cost * 100 / resources
    reached = [band for band in bands if rate >= band["from_percent"]]
    return max(reached, key=lambda band: band["from_percent"], default=None)


def criterion_label(code: str) -> str:
    """The sentence shown for an explanation code, in the current language."""
    kind, _sep, argument = code.partition(":")
    if kind == "waiting":
        months = int(argument)
        return ngettext("%(months)s month of waiting", "%(months)s months of waiting", months) % {
            "months": months
        }
    if kind == "waiting_bonus":
        return _("Waiting longer than %(months)s months") % {"months": argument}
    if kind == "priority" and argument in PriorityCriterion.values:
        return str(PriorityCriterion(argument).label)
    if kind == "situation" and argument in HousingSituation.values:
        return _("Current housing: %(situation)s") % {"situation": HousingSituation(argument).label}
    if kind == "effort_rate":
        return _("Housing cost of %(percent)s %% of resources or more") % {"percent": argument}
    labels = {
        "single_parent": _("Single parent"),
        "disabled_member": _("Household with a disabled member"),
    }
    return labels.get(code, code)


def labelled(explanation: list) -> list[tuple[str, int]]:
    """A stored explanation as (sentence, points) pairs."""
    return [(criterion_label(code), points) for code, points in explanation]


def described(criteria: dict) -> list[tuple[str, int]]:
    """A grid's criteria as (sentence, points) rows, for reading the grid."""
    waiting = criteria.get("waiting", {})
    rows = [(_("Each month of waiting"), waiting.get("points_per_month", 0))]
    if waiting.get("max_points") is not None:
        rows.append((_("Waiting points, at most"), waiting["max_points"]))
    codes = [f"waiting_bonus:{b['beyond_months']}" for b in criteria.get("waiting_bonuses", [])]
    points = [b["points"] for b in criteria.get("waiting_bonuses", [])]
    for key, prefix in (("priority_criteria", "priority"), ("housing_situations", "situation")):
        for code, value in criteria.get(key, {}).items():
            codes.append(f"{prefix}:{code}")
            points.append(value)
    for code, value in criteria.get("household", {}).items():
        codes.append(code)
        points.append(value)
    for band in criteria.get("effort_rate_bands", []):
        codes.append(f"effort_rate:{band['from_percent']}")
        points.append(band["points"])
    return rows + labelled(list(zip(codes, points, strict=True)))


# Grids ---------------------------------------------------------------------------------------


@dataclass
class Grids:
    """The grids valid on a date: the default one and one per EPCI."""

    default: ScoringGrid | None
    by_epci: dict[str, ScoringGrid]

    @classmethod
    def valid_on(cls, on: dt.date) -> "Grids":
        candidates = ScoringGrid.objects.filter(valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
        by_epci = in_force(candidates, on)
        default = by_epci.pop(None, None)
        if default is None:
            created = ensure_default_grid()
            if in_force([created], on):
                default = created
        return cls(default, by_epci)

    def for_epci(self, epci_id: str | None) -> ScoringGrid | None:
        return self.by_epci.get(epci_id, self.default) if epci_id else self.default


def in_force(grids: Iterable[ScoringGrid], on: dt.date) -> dict[str | None, ScoringGrid]:
    """EPCI id (None: the default grid) → the grid valid on ``on`` (the latest started)."""
    found: dict[str | None, ScoringGrid] = {}
    for grid in grids:
        if grid.valid_from > on or (grid.valid_until is not None and grid.valid_until < on):
            continue
        current = found.get(grid.epci_id)
        if current is None or (grid.valid_from, grid.pk) > (current.valid_from, current.pk):
            found[grid.epci_id] = grid
    return found


def load_default_grid_file() -> dict:
    with DEFAULT_GRID_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def ensure_default_grid() -> ScoringGrid:
    """The default grid (``epci`` empty); the shipped one is created if there is none.

    Idempotent: once any default grid exists (possibly edited by an administrator), the
    file is not read again.
    """
    existing = ScoringGrid.objects.filter(epci__isnull=True).order_by("-valid_from").first()
    if existing is not None:
        return existing
    data = load_default_grid_file()
    validate_criteria(data["criteria"])
    with transaction.atomic():
        grid = ScoringGrid.objects.create(
            name=data["name"],
            valid_from=dt.date.fromisoformat(data["valid_from"]),
            criteria=data["criteria"],
        )
        audit.record(
            action="scoring_grid.created", obj=grid, changes={"source": DEFAULT_GRID_FILE.name}
        )
    return grid


# Scoring in bulk ---------------------------------------------------------------------------


def wished_epcis(application_ids: list[int]) -> dict[int, list[str]]:
    """Application id → the EPCIs it wishes, each once: the EPCIs of its wished communes (in
    the order the wishes were given), then its wished EPCIs. The first chooses the grid of
    ``Application.score``; each has its own score (``ApplicationScore``).

    The ids are given as a list (``= ANY`` on an index), not as a subquery: right after a bulk
    insert PostgreSQL's statistics are stale and a join plan can go quadratic.
    """
    size = connection.features.max_query_params or len(application_ids) or 1
    chunks = [application_ids[i : i + size] for i in range(0, len(application_ids), size)]
    communes = Application.wished_communes.through.objects.filter(commune__epci__isnull=False)
    epcis = Application.wished_epcis.through.objects
    found: dict[int, list[str]] = {}
    for wishes, path in ((communes, "commune__epci_id"), (epcis, "epci_id")):
        for chunk in chunks:
            rows = wishes.filter(application_id__in=chunk).order_by("pk")
            for application_id, epci_id in rows.values_list("application_id", path):
                listed = found.setdefault(application_id, [])
                if epci_id not in listed:
                    listed.append(epci_id)
    return found


@dataclass
class _Batch:
    """What one batch of ``score_applications`` writes."""

    applications: list = field(default_factory=list)  # (pk, score, explanation, grid id)
    new_scores: list = field(default_factory=list)  # ApplicationScore instances
    changed_scores: list = field(default_factory=list)  # (score, explanation, grid, now, …, pk)
    gone_scores: list = field(default_factory=list)  # ApplicationScore pks
    changed: set = field(default_factory=set)  # ids of the applications with a change


def _stored_scores(application_ids: list[int]) -> dict[tuple[int, str], tuple]:
    """(application id, EPCI) → (pk, score, explanation, grid id, first applied on)."""
    size = connection.features.max_query_params or len(application_ids) or 1
    stored = {}
    for i in range(0, len(application_ids), size):
        rows = ApplicationScore.objects.filter(application_id__in=application_ids[i : i + size])
        for pk, application_id, epci_id, *values in rows.values_list(
            "pk",
            "application_id",
            "epci_id",
            "score",
            "explanation",
            "scored_with_id",
            "first_applied_on",
        ):
            stored[(application_id, epci_id)] = (pk, *values)
    return stored


Scored = tuple[int, list, int | None]  # points, explanation, grid id


def scores_for(facts: Mapping, wished: list[str], grids: "Grids", on: dt.date):
    """(main score, {EPCI: score}) of one application's ``facts`` (the FACT_FIELDS) wishing
    the EPCIs ``wished`` (in order, ``wished_epcis``): each EPCI on its grid in force, the
    main score on the first one's (the default grid when it wishes no EPCI). EPCIs sharing a
    grid are scored once. Each score is (points, explanation, grid id)."""
    by_grid: dict[int | None, Scored] = {}
    for epci_id in wished or [None]:
        grid = grids.for_epci(epci_id)
        grid_id = grid.pk if grid else None
        if grid_id not in by_grid:
            by_grid[grid_id] = (*(score(grid.criteria, facts, on) if grid else (0, [])), grid_id)
    first = grids.for_epci(wished[0] if wished else None)
    per_epci = {}
    for epci_id in wished:
        grid = grids.for_epci(epci_id)
        per_epci[epci_id] = by_grid[grid.pk if grid else None]
    return by_grid[first.pk if first else None], per_epci


def _score_batch(batch: list[dict], grids: "Grids", on: dt.date, now) -> _Batch:
    """Score one batch in memory: the main score and one score per wished EPCI."""
    epcis = wished_epcis([row["pk"] for row in batch])
    stored = _stored_scores([row["pk"] for row in batch])
    out = _Batch()
    for row in batch:
        main, per_epci = scores_for(row, epcis.get(row["pk"], []), grids, on)
        for epci_id, (points, explanation, grid_id) in per_epci.items():
            previous = stored.pop((row["pk"], epci_id), None)
            values = (points, explanation, grid_id, row["first_applied_on"])
            if previous is None:
                out.changed.add(row["pk"])
                out.new_scores.append(
                    ApplicationScore(
                        organisation_id=row["organisation_id"],
                        application_id=row["pk"],
                        epci_id=epci_id,
                        score=points,
                        explanation=explanation,
                        scored_with_id=grid_id,
                        scored_at=now,
                        first_applied_on=row["first_applied_on"],
                    )
                )
            elif tuple(previous[1:]) != values:
                out.changed.add(row["pk"])
                out.changed_scores.append((*values[:3], now, values[3], previous[0]))
        if (row["score"], row["score_explanation"], row["scored_with_id"]) != main:
            out.changed.add(row["pk"])
            out.applications.append((row["pk"], *main))
    for (application_id, _epci_id), values in stored.items():  # EPCIs no longer wished
        out.changed.add(application_id)
        out.gone_scores.append(values[0])
    return out


def score_applications(queryset, *, on: dt.date | None = None, grids: "Grids | None" = None) -> int:
    """Recompute the stored scores of every application of ``queryset`` (set-based): the main
    score (``Application.score``, the grid of the first wished EPCI) and one score per wished
    EPCI (``ApplicationScore``).

    Applications are read in batches of BATCH_SIZE (one query for their facts, two for their
    wishes, one for their stored EPCI scores), scored in memory (once per distinct grid), and
    only what changed is written: one ``executemany`` per table and batch, one insert of the
    new EPCI scores, one delete of those no longer wished; then the batch's candidate ranking
    is rewritten (``ranking.ranking_write``, ADR 0051). ``scored_at`` is when a stored score
    last changed. ``grids``: those valid ``on``, for a caller that scores in several calls.
    Returns the number of applications whose scores changed.
    """
    on = on or timezone.localdate()
    grids = grids or Grids.valid_on(on)
    now = timezone.now()
    rows = queryset.order_by("pk").values(
        "pk", "organisation_id", "score", "score_explanation", "scored_with_id", *FACT_FIELDS
    )
    last, changed = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH_SIZE]):
        last = batch[-1]["pk"]
        out = _score_batch(batch, grids, on, now)
        write_scores(out.applications, now)
        ApplicationScore.objects.bulk_create(out.new_scores, batch_size=500)
        update_rows(ApplicationScore, EPCI_SCORE_FIELDS, out.changed_scores)
        if out.gone_scores:
            ApplicationScore.objects.filter(pk__in=out.gone_scores).delete()
        ranking_write([row["pk"] for row in batch])
        changed += len(out.changed)
    return changed


def write_scores(updates: list[tuple[int, int, list, int | None]], now) -> None:
    """Store (pk, score, explanation, grid id) rows of ``Application``."""
    update_rows(
        Application,
        SCORE_FIELDS,
        [(points, explanation, grid_id, now, pk) for pk, points, explanation, grid_id in updates],
    )


def scored(queryset):
    return queryset.filter(status__in=SCORED_STATUSES)


def applications_using(grid: ScoringGrid):
    """Applications whose score may depend on ``grid`` (a superset is fine: rescoring is
    idempotent). The default grid may apply to any application."""
    applications = scored(Application.objects.all())
    if grid.epci_id is None:
        return applications
    communes = Application.wished_communes.through.objects.filter(
        application_id=OuterRef("pk"), commune__epci_id=grid.epci_id
    )
    epcis = Application.wished_epcis.through.objects.filter(
        application_id=OuterRef("pk"), epci_id=grid.epci_id
    )
    return applications.filter(
        Q(scored_with_id=grid.pk) | Q(scored_with__isnull=True) | Exists(communes) | Exists(epcis)
    )


GRID_AUDITED = ("name", "epci_id", "valid_from", "valid_until", "criteria")


def grid_save(*, actor, grid: ScoringGrid) -> int:
    """Create or change a grid, then rescore the applications it may apply to (all
    organisations: grids are shared). Returns the number of scores that changed."""
    validate_criteria(grid.criteria)
    grid.full_clean()
    if grid.valid_until is not None and grid.valid_until < grid.valid_from:
        raise ValidationError(_("A grid cannot end before it starts."))
    with transaction.atomic():
        created = grid.pk is None
        before = (
            {}
            if created
            else ScoringGrid.objects.select_for_update().values(*GRID_AUDITED).get(pk=grid.pk)
        )
        previous = ScoringGrid(epci_id=before.get("epci_id"), pk=grid.pk)
        grid.save()
        after = {name: getattr(grid, name) for name in GRID_AUDITED}
        audit.record(
            action="scoring_grid.created" if created else "scoring_grid.updated",
            actor=actor,
            obj=grid,
            changes={
                name: [before.get(name), value]
                for name, value in after.items()
                if before.get(name) != value
            },
        )
        changed = score_applications(applications_using(grid))
        if not created and previous.epci_id != grid.epci_id:
            changed += score_applications(applications_using(previous))
    return changed


def grid_delete(*, actor, grid: ScoringGrid) -> int:
    """Delete a grid and rescore the applications it applied to."""
    with transaction.atomic():
        audit.record(action="scoring_grid.deleted", actor=actor, obj=grid)
        epci_grid = ScoringGrid(epci_id=grid.epci_id)  # unsaved: matches SET_NULL'd rows
        grid.delete()
        return score_applications(applications_using(epci_grid))


def scores_recompute(*, organisation: Organisation, actor=None) -> int:
    """Rescore every waiting application of ``organisation`` (waiting time grows daily).

    One audit event per run, and only when scores changed: a run that changes nothing (the
    second run of a day) leaves the trail as it was.
    """
    with transaction.atomic():
        changed = score_applications(scored(Application.objects.for_organisation(organisation)))
        if changed:
            audit.record(
                action="application.scores_recomputed",
                organisation=organisation,
                actor=actor,
                changes={"changed": changed},
            )
    return changed


@task()
def recompute_scores(organisation_id: int) -> int:
    """Daily: rescore an organisation's waiting applications (thin; see scores_recompute)."""
    return scores_recompute(organisation=Organisation.objects.get(pk=organisation_id))


@task()
def recompute_all_scores() -> int:
    """Daily: queue one rescoring per organisation with waiting applications."""
    # ``order_by()`` drops the model's ordering (score, date), which DISTINCT would otherwise
    # select too, queuing one task per application instead of one per organisation.
    organisation_ids = list(
        scored(Application.objects.all())
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    for organisation_id in organisation_ids:
        recompute_scores.enqueue(organisation_id)
    return len(organisation_ids)
