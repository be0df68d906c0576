"""Demo applications (demandes de logement social) for the demo landlords.

``seed_applications`` writes about ``per_dwelling_ratio`` active applications per dwelling of
each landlord, set-based: rows are generated as tuples with the caller's seeded
``random.Random``, ids are assigned in bulk, applications, their wished communes and their
scores (the main one and one per wished EPCI, computed as they are generated) are inserted
with ``executemany`` (``relais.housing.demo.writer``). Households, incomes and situations are
invented but plausible: incomes mostly under the PLUS ceilings, 5–10 % priority publics (about
half of them DALO), waiting times from 0 to 60 months, about one applicant in eight aged 65
or more, wishes among the communes where the landlord has stock. DALO households carry their
decision date (within the last six months); the N-2 income is of the tax year a decision needs
today, except for one older application in twelve not updated since the last tax notice (N-3:
"income to update").
"""

import datetime as dt
from collections import defaultdict
from itertools import accumulate

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from relais.housing.demo.names import LAST_NAMES, STREETS
from relais.housing.demo.people import NAMES_BY_YEAR, ascii_name, mobile
from relais.housing.demo.rand import below, between, draw, pick
from relais.housing.demo.writer import BulkWriter
from relais.housing.models import Commune, Dwelling

from ..eligibility import household
from ..models import (
    TYPOLOGY_BITS,
    Application,
    ApplicationScore,
    ApplicationStatus,
    HousingSituation,
)
from ..scoring import services as scoring
from ..scoring.ranking import ranking_fill
from . import lifecycle
from .pool import territory_fill
from .services import Document, search_text

# PLUS ceilings 2026, "autres régions", categories 1–6 (../shared/data/income_ceilings.csv).
PLUS_CEILINGS = (23_403, 31_254, 37_584, 45_374, 53_376, 60_156)
MAX_WAITING_DAYS = 60 * 365 // 12
KINDS = ("single", "single_parent", "couple", "family", "elderly_alone", "elderly_couple")
KIND_CUM = tuple(accumulate((30, 25, 8, 22, 10, 5)))
SITUATIONS = (
    HousingSituation.PRIVATE_TENANT,
    HousingSituation.SOCIAL_TENANT,
    HousingSituation.HOSTED,
    HousingSituation.SHELTER,
    HousingSituation.HOMELESS,
    HousingSituation.UNFIT,
    HousingSituation.OWNER,
    HousingSituation.OTHER,
)
SITUATION_CUM = tuple(accumulate((30, 20, 25, 7, 3, 5, 2, 8)))
TENANTS = {HousingSituation.PRIVATE_TENANT, HousingSituation.SOCIAL_TENANT}
PRIORITY_SHARE = 0.075
STALE_INCOME_SHARE = 1 / 12
DALO_RECENT_DAYS = 183
OTHER_PRIORITIES = (
    "badly_housed",
    "eviction",
    "domestic_violence",
    "disability",
    "no_housing",
    "unfit_housing",
    "overcrowding_child",
    "leaving_transitional",
    "return_to_work",
)
# Wished typologies by household size (persons, capped at 6).
TYPOLOGIES = {1: "T1 T2", 2: "T2 T3", 3: "T3 T4", 4: "T3 T4", 5: "T4 T5", 6: "T5 T6"}
MASKS = {
    size: sum(TYPOLOGY_BITS[code] for code in codes.split()) for size, codes in TYPOLOGIES.items()
}

APPLICATION_FIELDS = (
    "id",
    "organisation",
    "registration_number",
    "first_applied_on",
    "applicant_first_name",
    "applicant_last_name",
    "applicant_birth_date",
    "co_applicant_birth_date",
    "phone",
    "email",
    "postal_address",
    "persons",
    "dependants",
    "is_couple",
    "has_disabled_member",
    "needs_accessible",
    "income_n2",
    "income_n1",
    "income_last_12_months",
    "reference_income",
    "reference_income_basis",
    "monthly_resources_cents",
    "current_housing_cost_cents",
    "housing_situation",
    "priority_criteria",
    "typology_mask",
    "max_rent_cents",
    "documents_received",
    "status",
    "household_category",
    "extra_persons",
    "created_at",
    "updated_at",
    "search",
    "income_n2_year",
    "dalo_decided_on",
    *("renewed_on", "expires_on", "preferred_channel"),
    "members_under_14",
    "urban_renewal_rehousing",
    "score",
    "score_explanation",
    "scored_with",
    "scored_at",
)
SCORE_FIELDS = (
    "id",
    "organisation",
    "application",
    "epci",
    "score",
    "explanation",
    "scored_with",
    "scored_at",
    "first_applied_on",
)
WISH_FIELDS = ("id", "application", "commune")


def seed_applications(
    organisations, *, per_dwelling_ratio: float, rng, on=None, writer: BulkWriter | None = None
) -> dict:
    """Write ``per_dwelling_ratio`` active applications per dwelling of each organisation
    (Organisation instances or ids) through ``writer`` (a new one by default) and score them.
    Returns organisation id → count."""
    on = on or timezone.localdate()
    ids = [getattr(organisation, "pk", organisation) for organisation in organisations]
    stock = _stock(ids)
    writer = writer or BulkWriter()
    scoring.ensure_default_grid()
    generator = ApplicationGenerator(writer, rng, on, _places(stock))
    counts = {}
    for organisation_id in ids:
        communes = stock.get(organisation_id, {})
        wanted = round(sum(communes.values()) * per_dwelling_ratio)
        generator.write(organisation_id, communes, wanted)
        counts[organisation_id] = wanted
    writer.finish()
    territory_fill(ids)  # the shared pool's territories (ADR 0046), set-based
    ranking_fill(ids)  # the candidate ranking (ADR 0051), set-based
    return counts


def _stock(ids) -> dict[int, dict[str, int]]:
    """Organisation id → {commune code: dwellings}."""
    stock: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Dwelling.objects.filter(organisation_id__in=ids)
        .values_list("organisation_id", "building__commune_id")
        .annotate(dwellings=Count("pk"))
        .order_by("organisation_id", "building__commune_id")
    )
    for organisation_id, commune, dwellings in rows:
        stock[organisation_id][commune] = dwellings
    return stock


def _places(stock) -> dict[str, tuple[str, str, str | None]]:
    """Commune code → (name, first postcode, EPCI), for the applicants' current addresses and
    the EPCIs their wishes score in."""
    codes = {code for communes in stock.values() for code in communes}
    rows = Commune.objects.filter(pk__in=codes).values_list("pk", "name", "postcodes", "epci_id")
    return {
        code: (name, (postcodes.split() or ["00000"])[0], epci)
        for code, name, postcodes, epci in rows
    }


class ApplicationGenerator:
    """Appends application, wish and score rows to the writer's tables.

    Scores are computed here, with the grids in force on ``on`` (``scoring.scores_for``, the
    code the services use), and written with the rows: no second pass reads them back.
    """

    def __init__(self, writer: BulkWriter, rng, on: dt.date, places):
        self.writer, self.rng, self.on, self.places = writer, rng, on, places
        self.applications = writer.table(Application, APPLICATION_FIELDS)
        self.wishes = writer.table(Application.wished_communes.through, WISH_FIELDS)
        self.scores = writer.table(ApplicationScore, SCORE_FIELDS)
        self.grids = scoring.Grids.valid_on(on)
        self.now = writer.datetime(timezone.now())
        json_field = Application._meta.get_field("priority_criteria")
        self._json = lambda value: json_field.get_db_prep_value(value, connection)
        self._date = lambda day: writer.date(day.toordinal())

    def write(self, organisation_id: int, communes: dict[str, int], count: int) -> None:
        if not communes or not count:
            return
        codes = tuple(communes)
        cumulative = tuple(accumulate(communes.values()))
        first_id = self.applications.take_ids(count)
        for index in range(count):
            wished = self._wished(codes, cumulative)
            pk = first_id + index
            row, facts = self._application(pk, organisation_id, index, wished[0])
            epcis = list(dict.fromkeys(e for c in wished if (e := self.places[c][2])))
            main, per_epci = scoring.scores_for(facts, epcis, self.grids, self.on)
            self.applications.rows.append((*row, *self._score(main)))
            score_pk = self.scores.take_ids(len(per_epci))
            self.scores.rows.extend(
                (score_pk + n, organisation_id, pk, epci, *self._score(scored), row[3])
                for n, (epci, scored) in enumerate(per_epci.items())
            )
            wish_pk = self.wishes.take_ids(len(wished))
            self.wishes.rows.extend((wish_pk + n, pk, code) for n, code in enumerate(wished))
            if index % 1000 == 999:
                self.applications.flush_if_full()
                self.wishes.flush_if_full()
                self.scores.flush_if_full()

    def _wished(self, codes, cumulative) -> list[str]:
        """One to three communes of the landlord's stock, weighted by its dwellings."""
        wanted = 1 + draw(self.rng, (55, 85, 100))
        wished = [codes[draw(self.rng, cumulative)] for _ in range(wanted)]
        return list(dict.fromkeys(wished))

    def _application(self, pk, organisation_id, index, home_code) -> tuple[tuple, dict]:
        """The application's row (APPLICATION_FIELDS up to the score) and its scoring facts."""
        rng, on = self.rng, self.on
        ages, dependants = _composition(rng, KINDS[draw(rng, KIND_CUM)])
        persons, couple = len(ages) + dependants, len(ages) == 2
        applied = on - dt.timedelta(days=int(rng.random() ** 1.3 * MAX_WAITING_DAYS))
        disabled = rng.random() < (0.15 if ages[0] >= 65 else 0.05)
        category = _category(ages, dependants, disabled)
        incomes = _incomes(rng, category.category, category.extra_persons)
        retained, basis = household.retained_income(*incomes)
        resources = int(max(retained, 6_000) * (0.9 + rng.random() * 0.35) / 12 * 100)
        situation = SITUATIONS[draw(rng, SITUATION_CUM)]
        cost = int(resources * (0.22 + rng.random() * 0.3)) if situation in TENANTS else None
        first, last = self._names(ages[0])
        priorities = _priorities(rng, situation, dependants, disabled)
        births = [self._date(self._birth(age)) for age in ages]
        dalo_on = _dalo_decision(rng, applied, on) if "dalo" in priorities else None
        number = f"{home_code[:2]:0>3}{applied.year % 100:02d}{organisation_id:04d}{index + 1:06d}"
        phone = mobile(rng) if rng.random() < 0.85 else ""
        email = (
            f"{ascii_name(first)}.{ascii_name(last)}{below(rng, 100)}@example.org"
            if rng.random() < 0.6
            else ""
        )
        return (
            pk,
            organisation_id,
            number,
            self._date(applied),
            first,
            last,
            births[0],
            births[1] if couple else None,
            phone,
            email,
            self._address(home_code),
            persons,
            dependants,
            couple,
            disabled,
            disabled and rng.random() < 0.4,
            *incomes,
            retained,
            basis,
            resources,
            cost,
            situation.value,
            self._json(priorities),
            MASKS[min(persons, 6)],
            between(rng, 35, 75) * 1000 if rng.random() < 0.4 else None,
            self._json(_documents(rng, situation, disabled, dalo=dalo_on is not None)),
            ApplicationStatus.ACTIVE.value,
            category.category,
            category.extra_persons,
            self.now,
            self.now,
            search_text(number, first, last, phone, email),
            _income_year(rng, applied, on),
            self._date(dalo_on) if dalo_on else None,
            *self._validity(applied),
            "email" if email else "letter",
            sum(rng.random() < 0.6 for _child in range(dependants)),  # under 14
            rng.random() < 0.01,  # rehoused by an urban-renewal operation
        ), {
            "first_applied_on": applied,
            "persons": persons,
            "dependants": dependants,
            "is_couple": couple,
            "has_disabled_member": disabled,
            "priority_criteria": priorities,
            "housing_situation": situation.value,
            "monthly_resources_cents": resources,
            "current_housing_cost_cents": cost,
        }

    def _score(self, scored) -> tuple:
        """The stored columns of a (points, explanation, grid id) score."""
        points, explanation, grid_id = scored
        return points, self._json(explanation), grid_id, self.now

    def _validity(self, applied: dt.date) -> tuple:
        """Renewed on each anniversary (as the national register does), so validities end
        evenly over the coming year: (renewed_on, expires_on) as written."""
        years = (
            self.on.year
            - applied.year
            - ((self.on.month, self.on.day) < (applied.month, applied.day))
        )
        renewed = lifecycle.plus_years(applied, years) if years >= 1 else None
        expires = lifecycle.validity_end(applied, renewed)
        return (self._date(renewed) if renewed else None, self._date(expires))

    def _names(self, age: int) -> tuple[str, str]:
        female = self.rng.random() < 0.55
        names = NAMES_BY_YEAR[max(min(self.on.year - age, max(NAMES_BY_YEAR)), min(NAMES_BY_YEAR))]
        return pick(self.rng, names[0 if female else 1]), pick(self.rng, LAST_NAMES)

    def _birth(self, age: int) -> dt.date:
        return self.on - dt.timedelta(days=age * 365 + age // 4 + below(self.rng, 365))

    def _address(self, code: str) -> str:
        name, postcode, _epci = self.places.get(code, ("", "", None))
        return f"{between(self.rng, 1, 120)} {pick(self.rng, STREETS)}, {postcode} {name}".strip()


def _composition(rng, kind: str) -> tuple[list[int], int]:
    """(ages of the adults, number of dependants)."""
    if kind == "single":
        return [19 + int(rng.random() ** 1.4 * 45)], 0
    if kind == "elderly_alone":
        return [65 + int(rng.random() ** 1.5 * 28)], 0
    if kind == "elderly_couple":
        age = between(rng, 65, 88)
        return [age, max(60, age + between(rng, -5, 5))], 0
    age = between(rng, 20, 55)
    adults = [age] if kind == "single_parent" else [age, max(19, age + between(rng, -5, 5))]
    dependants = 0 if kind == "couple" else 1 + draw(rng, (40, 75, 92, 100))
    return adults, dependants


def _category(ages: list[int], dependants: int, disabled: bool) -> household.Category:
    couple = len(ages) == 2
    return household.household_category(
        persons=len(ages) + dependants,
        dependants=dependants,
        is_couple=couple,
        combined_age=sum(ages) if couple else None,
        has_disabled_member=disabled,
    )


def _incomes(rng, category: int, extra: int) -> tuple[int, int | None, int | None]:
    """(N-2, N-1, last 12 months): mostly under the PLUS ceiling, one in ten above it."""
    ceiling = PLUS_CEILINGS[category - 1] + extra * 6_710
    share = 0.95 + rng.random() * 0.3 if rng.random() < 0.1 else 0.15 + rng.random() * 0.8
    n2 = int(ceiling * share)
    n1 = int(n2 * (0.8 + rng.random() * 0.4)) if rng.random() < 0.7 else None
    last_12 = int(n2 * (0.55 + rng.random() * 0.4)) if rng.random() < 0.15 else None
    return n2, n1, last_12


def _priorities(rng, situation: str, dependants: int, disabled: bool) -> list[str]:
    """The priority criteria (L441-1 CCH) of an application: consistent with the household
    (the disability criterion only where a member has a disability, overcrowding with a child
    only with dependants)."""
    if rng.random() >= PRIORITY_SHARE:
        return []
    criteria = ["dalo"] if rng.random() < 0.5 else []
    extra = pick(rng, OTHER_PRIORITIES)
    if (extra == "overcrowding_child" and not dependants) or (
        extra == "disability" and not disabled
    ):
        extra = "badly_housed"
    if situation in (HousingSituation.HOMELESS, HousingSituation.HOSTED):
        extra = "no_housing"
    return [*criteria, extra]


def _income_year(rng, applied: dt.date, on: dt.date) -> int:
    """The tax year of the N-2 income held: this year's N-2 (the year a decision taken ``on``
    needs) for most; one application in twelve among those older than a year was not updated
    since the last tax notice and still holds N-3 ("income to update")."""
    stale = (on - applied).days > 365 and rng.random() < STALE_INCOME_SHARE
    return on.year - (3 if stale else 2)


def _dalo_decision(rng, applied: dt.date, on: dt.date) -> dt.date:
    """The mediation commission's decision (L441-2-3 CCH): after the application was filed
    (the commission asks for the numéro unique), within the six months before ``on`` at most
    and never in the future (the prefect then has months to have the household housed)."""
    earliest = max(applied, on - dt.timedelta(days=DALO_RECENT_DAYS))
    return earliest + dt.timedelta(days=below(rng, max((on - earliest).days, 1)))


def _documents(rng, situation: str, disabled: bool, *, dalo: bool) -> list[str]:
    documents = [Document.IDENTITY.value]
    for code, share in (
        (Document.TAX_NOTICE_N2, 0.9),
        (Document.TAX_NOTICE_N1, 0.5),
        (Document.PAYSLIPS, 0.55),
        (Document.CAF_CERTIFICATE, 0.5),
    ):
        if rng.random() < share:
            documents.append(code.value)
    if situation in TENANTS and rng.random() < 0.7:
        documents.append(Document.CURRENT_LEASE.value)
    if situation == HousingSituation.HOSTED and rng.random() < 0.6:
        documents.append(Document.HOSTING_CERTIFICATE.value)
    if disabled and rng.random() < 0.7:
        documents.append(Document.DISABILITY.value)
    if dalo and rng.random() < 0.85:
        documents.append(Document.DALO_DECISION.value)
    return documents
