"""Reads of the federation's indicators for pages, exports and the API.

Everything that leaves the member goes through ``suppression.disclose``: per-member cells
counting 1 to 4 people are hidden, and regional figures are made from the disclosed cells only
(a total with a hidden cell left in would give it away by subtraction).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count

from relais.core.models import Organisation

from . import board, registry
from .models import IndicatorValue, Source, WeeklyReport
from .registry import Indicator, Week
from .suppression import disclose, is_suppressed

DEPARTEMENTS_CACHE_SECONDS = 3600
MEDIAN_MIN_MEMBERS = 3  # a median of fewer members would be one member's figure


def _departements_cached(organisation_ids) -> tuple[dict[int, str], list[tuple[str, str]]]:
    """({organisation id: code of the département holding most of its buildings}, [(code,
    « Loiret (45) »)] of those départements by code): two queries, kept an hour in the cache
    (members do not move) — one cache read after."""
    from relais.housing.models import Building, Departement

    ids = sorted(organisation_ids)
    key = "federation:departements:v2:" + ",".join(map(str, ids))
    found = cache.get(key)
    if found is None:
        counts = (
            Building.objects.filter(organisation_id__in=ids)
            .order_by()
            .values_list("organisation_id", "commune__departement_id")
            .annotate(n=Count("pk"))
        )
        best: dict[int, tuple[int, str]] = {}
        for organisation_id, code, n in counts:
            if code and (organisation_id not in best or n > best[organisation_id][0]):
                best[organisation_id] = (n, code)
        codes = {org: code for org, (_n, code) in best.items()}
        labels = [
            (d.code, str(d))
            for d in Departement.objects.filter(code__in=set(codes.values())).order_by("code")
        ]
        found = (codes, labels)
        cache.set(key, found, DEPARTEMENTS_CACHE_SECONDS)
    return found


def member_departements(organisation_ids) -> dict[int, str]:
    """{organisation id: code of the département holding most of its buildings} (cached)."""
    return _departements_cached(organisation_ids)[0]


def _members(federation, departement: str | None):
    """(members by name, each with ``departement``; the départements of every member)."""
    found = list(
        Organisation.objects.filter(federation=federation)
        .only("pk", "name", "slug", "siren", "federation_id")
        .order_by("name")
    )
    codes, labels = _departements_cached([m.pk for m in found])
    for member in found:
        member.departement = codes.get(member.pk, "")
    if departement:
        found = [m for m in found if m.departement == departement]
    return found, labels


def members(federation, departement: str | None = None) -> list[Organisation]:
    """The federation's members (by name), each with ``departement`` (code or "")."""
    return _members(federation, departement)[0]


def departements(federation) -> list[tuple[str, str]]:
    """(code, « Loiret (45) ») of the départements of the federation's members."""
    return _members(federation, None)[1]


def members_ids(federation) -> list[int]:
    return list(Organisation.objects.filter(federation=federation).values_list("pk", flat=True))


def values_for(organisation_ids, week_starts, keys=None) -> list:
    """Rows (named tuples: organisation_id, week_start, key, value, base, source) of these
    members and weeks (one query)."""
    rows = IndicatorValue.objects.filter(
        organisation_id__in=organisation_ids, week_start__in=week_starts
    )
    if keys is not None:
        rows = rows.filter(key__in=keys)
    fields = ("organisation_id", "week_start", "key", "value", "base", "source")
    return list(rows.order_by().values_list(*fields, named=True))


def week_values(organisation_ids, week: Week) -> list:
    """The week's rows of these members (named tuples: organisation_id, key, value, base,
    source — the week is known) in one query on the unique index (organisation, week, key)."""
    rows = IndicatorValue.objects.filter(
        organisation_id__in=organisation_ids, week_start=week.start
    )
    fields = ("organisation_id", "key", "value", "base", "source")
    return list(rows.order_by().values_list(*fields, named=True))


# Completeness -------------------------------------------------------------------------------

SUBMITTED, COMPUTED, MISSING = "submitted", "computed", "missing"


@dataclass
class MemberStatus:
    organisation: Organisation
    status: str  # SUBMITTED, COMPUTED or MISSING
    figures: int = 0
    report: WeeklyReport | None = None

    @property
    def reported(self) -> bool:
        return self.status != MISSING


def completeness(
    federation, week: Week, departement=None, found=None, rows=None
) -> list[MemberStatus]:
    """Per member: submitted (it sent figures), computed (Relais computed some from its live
    data) or missing — four queries (two with ``found``, the members; one more with ``rows``,
    the week's values of those members as ``values_for`` reads them), missing members first."""
    found = members(federation, departement) if found is None else found
    ids = [m.pk for m in found]
    counts = defaultdict(lambda: defaultdict(int))
    if rows is not None:
        for row in rows:
            counts[row.organisation_id][row.source] += 1
    else:
        for row in (
            IndicatorValue.objects.filter(organisation_id__in=ids, week_start=week.start)
            .order_by()
            .values("organisation_id", "source")
            .annotate(n=Count("pk"))
        ):
            counts[row["organisation_id"]][row["source"]] = row["n"]
    reports = {
        r.organisation_id: r
        for r in WeeklyReport.objects.filter(organisation_id__in=ids, week_start=week.start)
    }
    result = []
    for member in found:
        by_source = counts.get(member.pk, {})
        report = reports.get(member.pk)
        status = _status(
            by_source.get(Source.SUBMITTED, 0),
            by_source.get(Source.COMPUTED, 0),
            bool(report and report.submitted_at),
        )
        result.append(MemberStatus(member, status, sum(by_source.values()), report))
    return _missing_first(result)


def _status(submitted: int, computed: int, report_sent: bool) -> str:
    """SUBMITTED when the member sent figures (or its report), COMPUTED when Relais computed
    some, else MISSING."""
    if submitted or report_sent:
        return SUBMITTED
    return COMPUTED if computed else MISSING


def _missing_first(statuses: list[MemberStatus]) -> list[MemberStatus]:
    order = {MISSING: 0, SUBMITTED: 1, COMPUTED: 1}
    return sorted(statuses, key=lambda s: (order[s.status], s.organisation.name))


# Regional figures ---------------------------------------------------------------------------


@dataclass
class Regional:
    indicator: Indicator
    value: float | None
    members: int  # members whose figure is included
    hidden: int  # members whose figure is suppressed
    median: float | None = None


def aggregate(indicator: Indicator, cells: list[tuple[float, int | None]]) -> float | None:
    """The region's figure from the disclosed (value, base) cells of its members."""
    if not cells:
        return None
    values = [value for value, _base in cells]
    if indicator.aggregate == "median":
        return round(statistics.median(values), 1)
    if indicator.aggregate == "weighted":
        weighted = [(v, b) for v, b in cells if b]
        if not weighted:
            return round(statistics.fmean(values), 1)
        return round(sum(v * b for v, b in weighted) / sum(b for _v, b in weighted), 1)
    return sum(values)


def _median(values) -> float | None:
    return round(statistics.median(values), 1) if len(values) >= MEDIAN_MIN_MEMBERS else None


def regional(rows) -> list[Regional]:
    """One ``Regional`` per indicator, from the week's values of the members shown."""
    cells = defaultdict(list)
    hidden = defaultdict(int)
    for row in rows:
        indicator = registry.get(row.key)
        if indicator is None:
            continue
        if is_suppressed(indicator, row.value, row.base):
            hidden[row.key] += 1
        else:
            cells[row.key].append((row.value, row.base))
    return [
        Regional(
            indicator,
            aggregate(indicator, cells[indicator.key]),
            len(cells[indicator.key]),
            hidden[indicator.key],
            _median([v for v, _b in cells[indicator.key]]),
        )
        for indicator in registry.indicators()
    ]


def series(federation, key: str, week: Week, count=12, departement=None, found=None) -> list:
    """[(Week, regional value or None)] of indicator ``key`` over the ``count`` weeks ending with
    ``week`` (one query with ``found``, the members)."""
    indicator = registry.get(key)
    weeks = [week.previous(n) for n in range(count - 1, -1, -1)]
    found = members(federation, departement) if found is None else found
    ids = [m.pk for m in found]
    cells = defaultdict(list)
    for row in values_for(ids, [w.start for w in weeks], [key]):
        shown = disclose(indicator, row.value, row.base)
        if shown is not None:
            cells[row.week_start].append((shown, row.base))
    return [(w, aggregate(indicator, cells.get(w.start, []))) for w in weeks]


@dataclass
class MemberCell:
    organisation: Organisation
    value: float | None  # None: suppressed or not in use
    suppressed: bool = False
    source: str = ""
    values: dict = field(default_factory=dict)


@dataclass
class Dashboard:
    members: list  # the members shown, by name, each with ``departement``
    departements: list  # [(code, « Loiret (45) »)] of every member's département (the filter)
    cells: list  # [MemberCell] of the chosen indicator, one per member shown
    regional: list  # [Regional] of the week, in the registry's order
    points: list  # [(Week, regional value or None)] of the chosen indicator, oldest first
    statuses: list  # [MemberStatus], missing first


def dashboard(federation, week: Week, key: str, departement="", count=12) -> Dashboard:
    """Everything the dashboard page shows, in three queries: the members with their week
    grouped in SQL (``board.MEMBERS_WEEK``), their départements (one cache read), the kept
    regional figures of the week and of the chart (``board.REGIONAL``). Weeks that table does
    not hold yet are computed from the members' values (one or two more queries)."""
    indicator = registry.get(key)
    bound = board.params(federation.pk, week.start, key, departement or "", count)
    weeks_of = board.members_week(bound)
    codes, labels = _departements_cached([w.member.pk for w in weeks_of])
    cells, statuses, found = [], [], []
    for row in weeks_of:
        member = row.member
        member.departement = codes.get(member.pk, "")
        if departement and member.departement != departement:
            continue
        found.append(member)
        suppressed = is_suppressed(indicator, row.value, row.base)
        cells.append(MemberCell(member, None if suppressed else row.value, suppressed, row.source))
        status = _status(row.submitted, row.figures - row.submitted, row.report_sent)
        statuses.append(MemberStatus(member, status, row.figures))
    weeks = [week.previous(n) for n in range(count - 1, -1, -1)]
    current, stored = {}, {}
    rows = board.regional_rows(bound, [w.start for w in weeks])
    for week_start, row_key, value, included, hidden, median in rows:
        if row_key == key:
            stored[week_start] = value
        figure = registry.get(row_key)
        if week_start == week.start and figure is not None:
            current[row_key] = Regional(figure, value, included, hidden, median)
    if len(current) == len(registry.INDICATORS):
        figures = [current[i.key] for i in registry.indicators()]
    else:
        figures = regional(week_values([m.pk for m in found], week))
    if all(w.start in stored for w in weeks):
        points = [(w, stored[w.start]) for w in weeks]
    else:
        points = series(federation, key, week, count, departement, found=found)
    return Dashboard(found, labels, cells, figures, points, _missing_first(statuses))


def member_table(found: list[Organisation], rows, indicator: Indicator) -> list[MemberCell]:
    """Each member's disclosed figure of ``indicator`` (``rows``: the week's values)."""
    by_member = {row.organisation_id: row for row in rows if row.key == indicator.key}
    cells = []
    for member in found:
        row = by_member.get(member.pk)
        if row is None:
            cells.append(MemberCell(member, None))
            continue
        suppressed = is_suppressed(indicator, row.value, row.base)
        cells.append(MemberCell(member, None if suppressed else row.value, suppressed, row.source))
    return cells


@dataclass
class OwnRow:
    indicator: Indicator
    value: float | None  # the member's own figure (not suppressed: it is its own)
    source: str
    median: float | None  # the region's median of the disclosed figures
    in_use: bool = True  # the member has rows of the indicator's capability (any week)


def own_against_median(organisation, week: Week) -> list[OwnRow]:
    """The member's figures of ``week`` beside the region's median — no other member named
    (two queries, plus one EXISTS per capability: a capability without a figure this week is
    "not in use" only if the member has no row of it at all)."""
    ids = members_ids(organisation.federation) if organisation.federation_id else []
    rows = values_for(ids or [organisation.pk], [week.start])
    regional_rows = {r.indicator.key: r for r in regional(rows)}
    own = {row.key: row for row in rows if row.organisation_id == organisation.pk}
    used = {
        key
        for key, capability in registry.CAPABILITIES.items()
        if organisation.pk in capability.in_use([organisation.pk])
    }
    return [
        OwnRow(
            indicator,
            own[indicator.key].value if indicator.key in own else None,
            own[indicator.key].source if indicator.key in own else "",
            regional_rows[indicator.key].median,
            indicator.capability in used,
        )
        for indicator in registry.indicators()
    ]
