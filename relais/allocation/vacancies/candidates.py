"""Candidate search for a vacancy: eligible applications that fit the dwelling, ranked by score.

Every filter and the ranking run in ONE SQL query (docs/decisions/0009): eligibility (reference
income ≤ the ceiling of the application's category for the dwelling's financing and zone), fit
(household size vs typology, wished commune or EPCI, wished typology, maximum rent,
accessibility) and the order (stored score, then seniority of the application). The reasons
shown to the officer are built afterwards, in Python, for the ``limit`` rows returned only.
"""

from dataclasses import dataclass, field, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.lookups import GreaterThan, IsNull, LessThanOrEqual
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.housing.models import Typology

from ..eligibility.benefits import EffortRate, effort_rate
from ..eligibility.ceilings import ceiling_subquery, ceiling_zone
from ..models import TYPOLOGY_BITS, Application, ApplicationStatus, FewCandidatesReason
from ..scoring.services import labelled

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
RANKING = ("-score", "first_applied_on", "pk")
# Above this many applications wishing the commune (or its EPCI), walking the organisation's
# applications in score order beats starting from the wishers (measured: docs/decisions/0009).
MANY_WISHERS = 2_000

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
    ceiling: int  # € a year, for the application's category
    wishes_commune: bool
    wishes_epci: bool


APPLICANT_FIELDS = tuple(applicant_field.name for applicant_field in fields(Applicant))


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
    ceiling: object  # SQL expression: each application's ceiling
    rent_and_charges_cents: int
    occupancy: tuple[int, int]


def search_context(vacancy, year: int | None = None) -> SearchContext:
    """Raises ``EligibilityError`` when the dwelling's financing or the year has no table."""
    dwelling = vacancy.dwelling
    year = year or timezone.localdate().year
    return SearchContext(
        vacancy=vacancy,
        year=year,
        ceiling=ceiling_subquery(
            year, dwelling.financing, ceiling_zone(dwelling.financing, dwelling.building.commune)
        ),
        rent_and_charges_cents=dwelling.rent_cents + vacancy.charges_cents,
        occupancy=OCCUPANCY[dwelling.typology],
    )


def _many_wishers(commune) -> bool:
    """Do ``MANY_WISHERS`` applications (of any organisation) wish the commune or its EPCI?

    Answered from the wish tables' indexes with ``LIMIT 1 OFFSET MANY_WISHERS - 1``: at most
    that many index entries are read, however big the tables are. Plain SQL: this runs on every
    search and the ORM would spend longer building it than the database answering it.
    """
    quote = connection.ops.quote_name
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {quote(WishedCommune._meta.db_table)}"
        " WHERE commune_id = %s LIMIT 1 OFFSET %s)"
        f" OR EXISTS (SELECT 1 FROM {quote(WishedEpci._meta.db_table)}"
        " WHERE epci_id = %s LIMIT 1 OFFSET %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [commune.code, MANY_WISHERS - 1, commune.epci_id, MANY_WISHERS - 1])
        return bool(cursor.fetchone()[0])


def _wishes(commune):
    """(wishes the commune, wishes its EPCI), as ``Exists`` on the wish tables."""
    commune_wish = Exists(
        WishedCommune.objects.filter(application_id=OuterRef("pk"), commune_id=commune.code)
    )
    if not commune.epci_id:
        return commune_wish, Value(False)
    epci_wish = Exists(
        WishedEpci.objects.filter(application_id=OuterRef("pk"), epci_id=commune.epci_id)
    )
    return commune_wish, epci_wish


def _wish_filter(commune) -> Q:
    """Wished commune OR wished EPCI, in the shape that suits how many wish them.

    Few wishers: start from them (``id IN (wishers of the commune UNION ALL of the EPCI)``),
    whatever the size of the organisation. Many: walk the organisation's applications in score
    order and look each one's wishes up; enough fit soon and the LIMIT stops the walk. The
    look-ups are scalar subqueries, ``(SELECT … LIMIT 1) IS NOT NULL``: PostgreSQL would turn
    an ``EXISTS`` into a hash of every wisher of the commune, built before the first row.
    Neither database tells the two cases apart from its statistics (docs/decisions/0009).
    """
    if _many_wishers(commune):
        communes = WishedCommune.objects.filter(
            application_id=OuterRef("pk"), commune_id=commune.code
        )
        wish = IsNull(Subquery(communes.values("application_id")[:1]), False)
        if commune.epci_id:
            epcis = WishedEpci.objects.filter(
                application_id=OuterRef("pk"), epci_id=commune.epci_id
            )
            wish = Q(wish) | IsNull(Subquery(epcis.values("application_id")[:1]), False)
        return Q(wish)
    wishers = WishedCommune.objects.filter(commune_id=commune.code).values("application_id")
    if commune.epci_id:
        epci_wishers = WishedEpci.objects.filter(epci_id=commune.epci_id)
        wishers = wishers.union(epci_wishers.values("application_id"), all=True)
    return Q(pk__in=wishers)


def candidates_queryset(ctx: SearchContext):
    """Eligible, fitting, active applications of the vacancy's organisation, best first.

    Built with a single ``filter`` call: each clone of a query costs, and this runs per page.
    """
    dwelling = ctx.vacancy.dwelling
    smallest, largest = ctx.occupancy
    typology_bit = TYPOLOGY_BITS[dwelling.typology]
    conditions = [
        Q(typology_mask=0) | GreaterThan(F("typology_mask").bitand(typology_bit), 0),
        Q(max_rent_cents__isnull=True) | Q(max_rent_cents__gte=ctx.rent_and_charges_cents),
        LessThanOrEqual(F("reference_income"), ctx.ceiling),
        _wish_filter(dwelling.building.commune),
    ]
    if not dwelling.accessible:
        conditions.append(Q(needs_accessible=False))
    return Application.objects.filter(
        *conditions,
        organisation_id=ctx.vacancy.organisation_id,
        status=ApplicationStatus.ACTIVE,
        persons__gte=smallest,
        persons__lte=largest,
    ).order_by(*RANKING)


def search_candidates(vacancy, *, year: int | None = None, limit: int = 50) -> list[CandidateRow]:
    """The ``limit`` best candidates for ``vacancy``, with the reasons they fit.

    ``vacancy`` needs ``dwelling__building__commune__epci`` selected. One statement: the inner
    query filters, ranks and keeps ``limit`` ids (index-only where the database can); the outer
    one reads those rows whole, with the wish flags the reasons need. Raises
    ``EligibilityError`` when the dwelling's financing or the year has no ceiling table.
    """
    ctx = search_context(vacancy, year)
    commune_wish, epci_wish = _wishes(vacancy.dwelling.building.commune)
    top = candidates_queryset(ctx).values("pk")[:limit]
    applicants = (
        Application.objects.filter(pk__in=top)
        .annotate(ceiling=ctx.ceiling, wishes_commune=commune_wish, wishes_epci=epci_wish)
        .order_by(*RANKING)
        .values(*APPLICANT_FIELDS)
    )
    reasons = _Reasons(ctx)
    rows = [
        CandidateRow(
            rank=rank,
            application=application,
            reasons=reasons.of(application),
            score_lines=labelled(application.score_explanation or []),
        )
        for rank, application in enumerate((Applicant(**values) for values in applicants), start=1)
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
