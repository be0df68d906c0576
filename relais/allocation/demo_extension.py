"""Allocation's part of ``seed_demo``: reference data, applications and a commission.

Registered with ``relais.housing.demo.extensions`` from ``AllocationConfig.ready``.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from relais.housing.models import Commune, Dwelling

from .applications.demo import seed_applications
from .eligibility import ceilings as eligibility
from .eligibility.zoning import load_abc_zones
from .models import (
    AgendaItem,
    Application,
    ApplicationEvent,
    ApplicationScore,
    Candidate,
    Commission,
    CommissionMember,
    CommissionRules,
    ItemDeclaration,
    ItemRemark,
    Letter,
    LetterReason,
    Position,
    RankedWish,
    RenewalReminder,
    Seat,
    Session,
    Vacancy,
    VacancyStatus,
)
from .scoring import services as scoring

# Active applications per dwelling: ~3,000 at `small` (10,000 dwellings), ~30,000 at
# `region` (196,000 dwellings).
APPLICATIONS_PER_DWELLING = {"tiny": 0.3, "small": 0.3, "region": 0.15}
DEMO_COMMISSION = "CALEOL Tours Habitat"
# username → seat on the demo commission (accounts created by the housing demo).
DEMO_SEATS = {
    "directrice": Seat.PRESIDENT,
    "attribution": Seat.LANDLORD,
    "manager": Seat.LANDLORD,
    "commission": Seat.MAYOR,
}
TOURS = "37261"
VACANCIES_PER_LANDLORD = 20
VACANCY_STATUSES = (
    VacancyStatus.NOTICE,
    VacancyStatus.REFURBISHMENT,
    VacancyStatus.READY,
    VacancyStatus.READY,
    VacancyStatus.READY,
)
# Children first; many-to-many tables are emptied before (see ``reset``).
RESET_ORDER = (
    Letter,
    Position,
    ItemRemark,
    ItemDeclaration,
    Candidate,
    AgendaItem,
    Session,
    CommissionMember,
    CommissionRules,
    Commission,
    Vacancy,
    ApplicationEvent,
    RenewalReminder,
)


class AllocationDemo:
    name = "allocation"

    def seed(self, *, organisation_ids, scale, seed, writer):
        eligibility.load_income_ceilings()
        load_abc_zones()  # PLI dwellings need their commune's A/B/C zone
        scoring.ensure_default_grid()
        counts = seed_applications(
            organisation_ids,
            per_dwelling_ratio=APPLICATIONS_PER_DWELLING[scale],
            rng=random.Random(f"{seed}:applications"),
            writer=writer,
        )
        commissions = _demo_commission(organisation_ids)
        vacancies = _demo_vacancies(organisation_ids, random.Random(f"{seed}:vacancies"))
        return {
            pk: {
                "applications": count,
                "commissions": commissions.get(pk, 0),
                "vacancies": vacancies.get(pk, 0),
            }
            for pk, count in counts.items()
        }

    def reset(self, organisation_ids):
        quote = connection.ops.quote_name
        many_to_many = [
            (Application.wished_communes.through, "application_id", Application),
            (Application.wished_epcis.through, "application_id", Application),
            (RankedWish, "application_id", Application),
            (Commission.communes.through, "commission_id", Commission),
            (Letter.reasons.through, "letter_id", Letter),
        ]
        with connection.cursor() as cursor:
            for through, column, parent in many_to_many:
                cursor.execute(
                    f"DELETE FROM {quote(through._meta.db_table)} WHERE {column} IN "
                    f"(SELECT id FROM {quote(parent._meta.db_table)} "
                    f"WHERE organisation_id {_in(organisation_ids)})",
                    organisation_ids,
                )
            for model in (*RESET_ORDER, ApplicationScore, Application, LetterReason):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} "
                    f"WHERE organisation_id {_in(organisation_ids)}",
                    organisation_ids,
                )


def _demo_vacancies(organisation_ids, rng) -> dict[int, int]:
    """Up to VACANCIES_PER_LANDLORD vacant dwellings of each landlord being re-let, at
    every step of the pipeline (most of them ready, so candidates can be searched)."""
    today = timezone.localdate()
    vacant = (
        Dwelling.objects.filter(organisation_id__in=organisation_ids)
        .with_current_lease()
        .filter(occupied=False)
        .order_by("organisation_id", "reference")
        .values_list("pk", "organisation_id", "financing", "building__commune_id")
    )
    searchable = _searchable(today.year)
    per_organisation: dict[int, list[int]] = {}
    for pk, organisation_id, financing, commune_id in vacant:
        if searchable(financing, commune_id):
            per_organisation.setdefault(organisation_id, []).append(pk)
    rows = []
    for organisation_id, dwellings in per_organisation.items():
        for pk in dwellings[:VACANCIES_PER_LANDLORD]:
            status = rng.choice(VACANCY_STATUSES)
            notice = today - dt.timedelta(days=rng.randint(20, 90))
            rows.append(
                Vacancy(
                    organisation_id=organisation_id,
                    dwelling_id=pk,
                    status=status,
                    notice_received_on=notice,
                    vacated_on=notice + dt.timedelta(days=30),
                    contractor="Entreprise Martin Rénovation" if status != "notice" else "",
                    ready_on=today - dt.timedelta(days=rng.randint(0, 10))
                    if status == VacancyStatus.READY
                    else None,
                    charges_cents=rng.randint(60, 140) * 100,
                )
            )
    Vacancy.objects.bulk_create(rows, batch_size=500)
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.organisation_id] = counts.get(row.organisation_id, 0) + 1
    return counts


def _searchable(year: int):
    """A test ``(financing, commune id) -> bool``: the demo loads a ceiling table for that
    dwelling this year, so its candidates can be searched (the data has no PLAI table for
    every year). Cached per financing and commune: one query per commune met."""
    cache: dict[tuple[str, int], bool] = {}

    def check(financing: str, commune_id: int) -> bool:
        key = (financing, commune_id)
        if key not in cache:
            try:
                commune = Commune.objects.get(pk=commune_id)
                eligibility.ceiling_table(
                    year, financing, eligibility.ceiling_zone(financing, commune)
                )
            except eligibility.EligibilityError:
                cache[key] = False
            else:
                cache[key] = True
        return cache[key]

    return check


def _in(ids) -> str:
    return f"IN ({', '.join(['%s'] * len(ids))})"


def _demo_commission(organisation_ids) -> dict[int, int]:
    """One commission for Tours Habitat, with the demo accounts in their seats."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_SEATS)}
    director = users.get("directrice")
    if director is None:
        return {}
    organisation = director.memberships.get().organisation
    if organisation.pk not in organisation_ids:
        return {}
    commission = Commission.objects.create(
        organisation=organisation, name=DEMO_COMMISSION, territory="Tours Métropole"
    )
    # Two plain lookups rather than a commune → EPCI → commune self-join: on a freshly loaded,
    # never analysed PostgreSQL table the planner nested-looped that join for minutes.
    tours_epci = Commune.objects.filter(code=TOURS).values_list("epci_id", flat=True).get()
    commission.communes.set(Commune.objects.filter(epci_id=tours_epci))
    # The demo landlord's internal rules provide for remote sessions (the crisis demo uses them).
    CommissionRules.objects.create(
        organisation=organisation, commission=commission, remote_sessions_allowed=True
    )
    CommissionMember.objects.bulk_create(
        CommissionMember(
            organisation=organisation,
            commission=commission,
            user=users[username],
            seat=seat,
            commune_id=TOURS if seat == Seat.MAYOR else None,
        )
        for username, seat in DEMO_SEATS.items()
        if username in users
    )
    return {organisation.pk: 1}
