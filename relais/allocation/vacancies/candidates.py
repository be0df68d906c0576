"""Candidate search for a vacancy: eligible applications that fit the dwelling, ranked by score.

Every filter and the ranking run in ONE SQL query (docs/decisions/0009): eligibility (reference
income ≤ the ceiling of the application's category for the dwelling's financing and zone), fit
(household size vs typology, wished commune or EPCI, wished typology, maximum rent,
accessibility) and the order (the score stored for the dwelling's EPCI, on that EPCI's grid,
then seniority of the application: docs/decisions/0033), as walks of the candidate ranking of
the commune and of its EPCI that stop at the LIMIT (``RankedWish``: docs/decisions/0051). The
reasons shown to the officer are built afterwards, in Python, for the ``limit`` rows returned
only.
"""

import json
from dataclasses import dataclass, field, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.housing.models import Typology

from ..eligibility.benefits import EffortRate, effort_rate
from ..eligibility.ceilings import ceiling_sql, ceiling_zone
from ..models import (
    TYPOLOGY_BITS,
    Application,
    ApplicationScore,
    FewCandidatesReason,
    RankedWish,
)
from ..scoring.services import criterion_label

MIN_CANDIDATES = 3  # CCH L441-2: at least three applications examined per dwelling
# Household size (persons) that fits each typology: T1 one person; T2 one or two; T3 two to
# four; T4 three to five; T5 four to seven; T6 five or more (docs/decisions/0009).
OCCUPANCY = {
    Typology.T1: (1, 1),
    Typology.T2: (1, 2),
    Typology.T3: (2, 4),
    Typology.T4: (3, 5),
    Typology.T5: (4, 7),
    Typology.T6: (5, 20),
}
# The walk of each wished place's ranking (``RankedWish``, docs/decisions/0051), then the merge.
RANKED = "a.score DESC, a.first_applied_on, a.application_id"
MERGED = "r.score DESC, r.first_applied_on, r.application_id"

WishedCommune = Application.wished_communes.through
WishedEpci = Application.wished_epcis.through


@dataclass(frozen=True)
class Applicant:
    """What the candidate list shows of an application (read as values: no model instances
    on the hot path)."""

    pk: int
    registration_number: str
    applicant_first_name: str
    applicant_last_name: str
    persons: int
    dependants: int
    is_couple: bool
    household_category: int
    extra_persons: int
    reference_income: int
    income_n2_year: int
    monthly_resources_cents: int
    max_rent_cents: int | None
    typology_mask: int
    needs_accessible: bool
    score: int
    score_explanation: list
    first_applied_on: date
    applicant_birth_date: date
    co_applicant_birth_date: date | None
    organisation_id: int  # the landlord that registered it (the pool is shared, ADR 0046)
    ceiling: int  # € a year, for the application's category
    wishes_commune: bool
    wishes_epci: bool


APPLICANT_FIELDS = tuple(applicant_field.name for applicant_field in fields(Applicant))
# The columns of ``ranked_sql``, in APPLICANT_FIELDS order up to the landlord (then the
# ceiling and the two wish flags follow).
SELECTED = (
    "a.id, a.registration_number, a.applicant_first_name, a.applicant_last_name, a.persons,"
    " a.dependants, a.is_couple, a.household_category, a.extra_persons, a.reference_income,"
    " a.income_n2_year, a.monthly_resources_cents, a.max_rent_cents, a.typology_mask,"
    " a.needs_accessible, {score}, a.applicant_birth_date, a.co_applicant_birth_date,"
    " a.organisation_id"
)


@dataclass
class CandidateRow:
    """One ranked application, with what the officer needs to judge the proposal."""

    rank: int
    application: Applicant
    reasons: list[str] = field(default_factory=list)
    score_lines: list[tuple[str, int]] = field(default_factory=list)
    effort: EffortRate | None = None


@dataclass(frozen=True)
class SearchContext:
    """What the query and the reasons need to know about the vacancy."""

    vacancy: object
    year: int
    ceiling: tuple[str, list]  # SQL expression of each application's ceiling, its parameters
    rent_and_charges_cents: int
    occupancy: tuple[int, int]


def search_context(vacancy, year: int | None = None) -> SearchContext:
    """Raises ``EligibilityError`` when the dwelling's financing or the year has no table."""
    dwelling = vacancy.dwelling
    year = year or timezone.localdate().year
    return SearchContext(
        vacancy=vacancy,
        year=year,
        ceiling=ceiling_sql(
            year, dwelling.financing, ceiling_zone(dwelling.financing, dwelling.building.commune)
        ),
        rent_and_charges_cents=dwelling.rent_cents + vacancy.charges_cents,
        occupancy=OCCUPANCY[dwelling.typology],
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _wish_flags(commune) -> tuple[str, list]:
    """The two flags ``wishes_commune, wishes_epci`` of the application ``a`` (the reasons need
    them): scalar look-ups on the wish tables' unique (application, place) indexes, for the
    rows returned only."""
    sql = (
        f"(SELECT w.application_id FROM {_table(WishedCommune)} w"
        " WHERE w.application_id = a.id AND w.commune_id = %s LIMIT 1) IS NOT NULL"
    )
    if not commune.epci_id:
        return f"{sql}, 1 = 0", [commune.code]
    sql += (
        f", (SELECT e.application_id FROM {_table(WishedEpci)} e"
        " WHERE e.application_id = a.id AND e.epci_id = %s LIMIT 1) IS NOT NULL"
    )
    return sql, [commune.code, commune.epci_id]


def _walks(ctx: SearchContext, *, limit: int, income_year: int | None) -> tuple[str, list]:
    """The best ``limit`` eligible, fitting applications wishing the commune, and those wishing
    its EPCI as a whole: one walk each on ``RankedWish``'s index of that place, in ranking
    order, every filtered column in the index (it stops at its LIMIT without reading the
    table); merged without duplicates (a file wishing both has the same score in both)."""
    dwelling = ctx.vacancy.dwelling
    commune = dwelling.building.commune
    ceiling, ceiling_params = ctx.ceiling  # on ``a``: the ranking row carries the columns
    smallest, largest = ctx.occupancy
    conditions = [
        "a.persons BETWEEN %s AND %s",
        "(a.typology_mask = 0 OR (a.typology_mask & %s) <> 0)",
        "(a.max_rent_cents IS NULL OR a.max_rent_cents >= %s)",
        f"a.reference_income <= {ceiling}",
    ]
    params = [
        smallest,
        largest,
        TYPOLOGY_BITS[dwelling.typology],
        ctx.rent_and_charges_cents,
        *ceiling_params,
    ]
    if not dwelling.accessible:
        conditions.append("NOT a.needs_accessible")
    if income_year is not None:
        conditions.append("a.income_n2_year = %s")
        params.append(income_year)
    places = [("commune", commune.code)]
    if commune.epci_id:
        places.append(("epci", commune.epci_id))
    walks, walk_params = [], []
    for place, key in places:
        walks.append(
            "SELECT * FROM (SELECT a.application_id, a.score, a.first_applied_on"
            f" FROM {_table(RankedWish)} a WHERE a.{place}_id = %s AND {' AND '.join(conditions)}"
            f" ORDER BY {RANKED} LIMIT %s) {place}"
        )
        walk_params += [key, *params, limit]
    return " UNION ".join(walks), walk_params


def ranked_sql(ctx: SearchContext, *, limit: int, income_year: int | None = None):
    """The search as ONE parameterised statement: (sql, params), rows in ``APPLICANT_FIELDS``
    order, best first.

    The pool is shared (docs/decisions/0046): every active application wishing the commune or
    its EPCI, whichever landlord registered it, ranked on its score in the EPCI (its grid, ADR
    0033) or, in a commune without an EPCI, on its main score. The walks (``_walks``) find the
    ``limit`` best on the ranking's indexes; only those rows are joined to their application
    (the columns shown) and, in an EPCI, to their score there (the explanation).
    ``income_year`` keeps only the files whose N-2 income is of that year. Plain SQL: the ORM
    would spend longer compiling it than the database answering (ADR 0033).
    """
    commune = ctx.vacancy.dwelling.building.commune
    ceiling, ceiling_params = ctx.ceiling
    flags, flag_params = _wish_flags(commune)
    walks, walk_params = _walks(ctx, limit=limit, income_year=income_year)
    source = f"({walks}) r JOIN {_table(Application)} a ON a.id = r.application_id"
    explanation, join_params = "a.score_explanation", []
    if commune.epci_id:
        source += (
            f" JOIN {_table(ApplicationScore)} s"
            " ON s.application_id = r.application_id AND s.epci_id = %s"
        )
        explanation, join_params = "s.explanation", [commune.epci_id]
    score = f"r.score, {explanation}, r.first_applied_on"
    sql = (
        f"SELECT {SELECTED.format(score=score)}, {ceiling}, {flags} FROM {source}"
        f" ORDER BY {MERGED} LIMIT %s"
    )
    return sql, [*ceiling_params, *flag_params, *walk_params, *join_params, limit]


def _applicants(ctx: SearchContext, *, limit: int, income_year: int | None = None):
    sql, params = ranked_sql(ctx, limit=limit, income_year=income_year)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_applicant(row) for row in cursor.fetchall()]


def _applicant(row) -> Applicant:
    """A row of ``ranked_sql`` as an ``Applicant`` (SQLite gives JSON as text, dates as text
    when computed, booleans as 0/1)."""
    values = dict(zip(APPLICANT_FIELDS, row, strict=True))
    if isinstance(values["score_explanation"], str):
        values["score_explanation"] = json.loads(values["score_explanation"])
    for name in ("first_applied_on", "applicant_birth_date", "co_applicant_birth_date"):
        if isinstance(values[name], str):
            values[name] = date.fromisoformat(values[name])
    for name in ("is_couple", "needs_accessible", "wishes_commune", "wishes_epci"):
        values[name] = bool(values[name])
    return Applicant(**values)


def proposable_count(vacancy, year: int, income_year: int, *, up_to: int) -> int:
    """How many eligible, fitting applications whose income is of ``income_year`` the search
    finds (counting stops at ``up_to``). Raises ``EligibilityError`` like the search."""
    return len(_applicants(search_context(vacancy, year), limit=up_to, income_year=income_year))


def search_candidates(vacancy, *, year: int | None = None, limit: int = 50) -> list[CandidateRow]:
    """The ``limit`` best candidates for ``vacancy``, with the reasons they fit.

    ``vacancy`` needs ``dwelling__building__commune__epci`` selected. Two queries: the
    ceiling table, the search (``ranked_sql``). Python then writes the
    reasons and effort rates of the rows returned only. Raises ``EligibilityError`` when the
    dwelling's financing or the year has no ceiling table.
    """
    ctx = search_context(vacancy, year)
    reasons = _Reasons(ctx)
    labels: dict[str, str] = {}  # explanation code → its sentence, translated once per search

    def label(code: str) -> str:
        if code not in labels:
            labels[code] = criterion_label(code)
        return labels[code]

    rows = [
        CandidateRow(
            rank=rank,
            application=application,
            reasons=reasons.of(application),
            score_lines=[(label(code), points) for code, points in application.score_explanation],
        )
        for rank, application in enumerate(_applicants(ctx, limit=limit), start=1)
    ]
    _add_effort_rates(rows, vacancy)
    return rows


def _add_effort_rates(rows: list[CandidateRow], vacancy) -> None:
    """Effort rate of the shown candidates before housing benefit: the benefit is estimated
    (openfisca) once per session's candidates, when they are put on the agenda, not on
    every search."""
    dwelling = vacancy.dwelling
    for row in rows:
        row.effort = effort_rate(
            monthly_resources_cents=row.application.monthly_resources_cents,
            rent_cents=dwelling.rent_cents,
            charges_cents=vacancy.charges_cents,
            benefit_cents=None,
        )


class _Reasons:
    """Why each shown application fits the dwelling, in the current language.

    The sentences are translated once per search and filled in per row.
    """

    def __init__(self, ctx: SearchContext):
        dwelling = ctx.vacancy.dwelling
        commune = dwelling.building.commune
        smallest, largest = ctx.occupancy
        self.ctx = ctx
        self.separator = get_format("THOUSAND_SEPARATOR")
        self.income = _(
            "Category %(category)s: income %(income)s ≤ %(financing)s %(year)s ceiling %(ceiling)s"
        )
        self.commune = _("Wishes the commune %(name)s") % {"name": commune.name}
        self.epci = (
            _("Wishes the EPCI %(name)s") % {"name": commune.epci.name} if commune.epci_id else ""
        )
        self.size = {
            persons: ngettext(
                "%(persons)d person fits a %(typology)s (%(smallest)d–%(largest)d)",
                "%(persons)d persons fit a %(typology)s (%(smallest)d–%(largest)d)",
                persons,
            )
            % {
                "persons": persons,
                "typology": dwelling.typology,
                "smallest": smallest,
                "largest": largest,
            }
            for persons in range(smallest, min(largest, 9) + 1)
        }
        self.typology = _("Wishes a %(typology)s") % {"typology": dwelling.typology}
        self.no_typology = _("No typology stated")
        self.no_max_rent = _("No maximum rent stated")
        self.rent = _("Rent and charges %(cost)s ≤ maximum %(max)s")
        self.accessible = _("Needs a wheelchair-accessible dwelling: this one is")
        self.income_year = ctx.year - 2
        self.income_to_update = _(
            "Income to update: the income of %(year)s is needed before proposing"
        ) % {"year": self.income_year}

    def eur(self, amount: int) -> str:
        return f"{amount:,}".replace(",", self.separator) + "\u00a0€"

    def of(self, application: Applicant) -> list[str]:
        dwelling = self.ctx.vacancy.dwelling
        category = str(application.household_category)
        if application.extra_persons:
            category += f" + {application.extra_persons}"
        reasons = [
            self.income
            % {
                "category": category,
                "income": self.eur(application.reference_income),
                "financing": dwelling.financing,
                "year": self.ctx.year,
                "ceiling": self.eur(application.ceiling),
            }
        ]
        if application.wishes_commune:
            reasons.append(self.commune)
        if application.wishes_epci:
            reasons.append(self.epci)
        reasons.append(self.size.get(application.persons) or self.size[max(self.size)])
        reasons.append(self.typology if application.typology_mask else self.no_typology)
        if application.max_rent_cents is None:
            reasons.append(self.no_max_rent)
        else:
            cost = self.eur(round(self.ctx.rent_and_charges_cents / 100))
            reasons.append(
                self.rent % {"cost": cost, "max": self.eur(round(application.max_rent_cents / 100))}
            )
        if application.needs_accessible:
            reasons.append(self.accessible)
        if application.income_n2_year != self.income_year:
            reasons.append(self.income_to_update)
        return reasons


def validate_proposal(candidate_application_ids, few_candidates_reason: str = "") -> str:
    """Check a proposed list of candidates (application ids in rank order) for one vacancy.

    At least three candidates must be examined for each dwelling (CCH L441-2) unless an
    exception is recorded: too few candidates, or a candidate designated by the préfet (DALO).
    Returns the exception reason to store ("" when three or more). Raises ``ValidationError``.
    """
    ids = list(candidate_application_ids)
    if not ids:
        raise ValidationError(_("Choose at least one candidate."), code="empty")
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A candidate appears twice in the ranking."), code="duplicate")
    reason = few_candidates_reason or ""
    if reason and reason not in FewCandidatesReason.values:
        raise ValidationError(_("Unknown exception reason."), code="invalid_reason")
    if len(ids) >= MIN_CANDIDATES:
        if reason:
            raise ValidationError(
                _("An exception is only recorded when fewer than three candidates are proposed."),
                code="reason_not_needed",
            )
        return ""
    if not reason:
        raise ValidationError(
            _(
                "At least three candidates must be examined for a dwelling: add candidates or "
                "record the exception (too few candidates, DALO designation)."
            ),
            code="too_few",
        )
    return reason
