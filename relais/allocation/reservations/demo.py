"""Reservations in ``seed_demo``: the préfecture of Indre-et-Loire, Action Logement and the
city of Tours as holders (one account each), agreements with the landlords that have stock in
Tours Métropole, this year's ready vacancies assigned by the flow rule, and a few designations
in flight. Set-based: a handful of queries and bulk inserts whatever the scale.

Registered after allocation's extension (it reads the vacancies and applications it writes);
its reset runs first (it deletes what points at them).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from relais.core.models import Membership, Organisation
from relais.core.roles import Role
from relais.housing.demo.accounts import DEMO_PASSWORD, EMAIL_DOMAIN
from relais.housing.models import Commune, Dwelling

from ..models import (
    TYPOLOGY_BITS,
    Application,
    ApplicationStatus,
    Designation,
    HolderKind,
    ReservationAgreement,
    ReservationHolder,
    Vacancy,
    VacancyAssignment,
    VacancyStatus,
)
from . import rules

TOURS = "37261"
# name, kind, share of the flow (%), scope ("37": the département, "tours": the city only),
# demo username, first and last name.
HOLDERS = (
    (
        "Préfecture d'Indre-et-Loire (DDETS)",
        HolderKind.STATE,
        25,
        "37",
        "prefecture",
        "Anne",
        "Delorme",
    ),
    (
        "Action Logement Services",
        HolderKind.ACTION_LOGEMENT,
        20,
        "37",
        "actionlogement",
        "Yves",
        "Caron",
    ),
    ("Ville de Tours", HolderKind.COMMUNE, 10, "tours", "villetours", "Chloé", "Bernard"),
)
USERNAMES = tuple(h[4] for h in HOLDERS)
# Designations in flight: this many reserved vacancies get one or two candidates.
IN_FLIGHT = 6


def _holders() -> list[ReservationHolder]:
    """The holder organisations and their accounts (kept across resets, refreshed)."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    found = []
    for name, kind, _share, _scope, username, first, last in HOLDERS:
        organisation = Organisation.objects.filter(slug=slugify(name)).first()
        if organisation is None:
            organisation = Organisation.objects.create(name=name, slug=slugify(name))
        email = f"{username}@{EMAIL_DOMAIN}"
        holder, _created = ReservationHolder.objects.update_or_create(
            organisation=organisation,
            defaults={
                "kind": kind,
                "email": email,
                "dalo_deadline_months": 6 if kind == HolderKind.STATE else 3,
            },
        )
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "password": password},
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            defaults={"role": Role.RESERVATION_HOLDER, "is_active": True},
        )
        found.append(holder)
    return found


def _agreements(landlord_ids, holders) -> list[ReservationAgreement]:
    year = timezone.localdate().year
    made = []
    for landlord_id in landlord_ids:
        for holder, (_n, _k, share, _scope, username, *_rest) in zip(holders, HOLDERS, strict=True):
            made.append(
                ReservationAgreement(
                    organisation_id=landlord_id,
                    holder=holder,
                    reference=f"CONV-{year}-{username.upper()}",
                    share_percent=share,
                    departement_id="37",
                    starts_on=dt.date(year, 1, 1),
                    ends_on=dt.date(year, 12, 31),
                )
            )
    ReservationAgreement.objects.bulk_create(made)
    through = ReservationAgreement.communes.through
    through.objects.bulk_create(
        through(reservationagreement_id=a.pk, commune_id=TOURS)
        for a in made
        if a.reference.endswith("VILLETOURS")
    )
    return made


def _assign(vacancies, agreements) -> list[VacancyAssignment]:
    """The flow rule over the year's ready vacancies of each landlord, oldest first."""
    today = timezone.localdate()
    by_landlord: dict[int, list] = {}
    for agreement in agreements:
        by_landlord.setdefault(agreement.organisation_id, []).append(agreement)
    counts = {a.pk: [0, 0] for a in agreements}  # flow, assigned
    rows = []
    for vacancy_id, landlord_id, commune, departement, typology, ready_on in vacancies:
        bit = TYPOLOGY_BITS.get(typology, 0)
        standings = []
        for agreement in by_landlord.get(landlord_id, []):
            scope = rules.Scope(
                departement="37",
                communes=frozenset({TOURS})
                if agreement.reference.endswith("VILLETOURS")
                else frozenset(),
            )
            if rules.covers(scope, commune=commune, departement=departement, typology_bit=bit):
                counts[agreement.pk][0] += 1
                flow, assigned = counts[agreement.pk]
                standings.append(
                    rules.Standing(agreement.pk, agreement.share_percent, flow, assigned)
                )
        chosen = rules.choose_flow(standings)
        if chosen:
            counts[chosen.agreement_id][1] += 1
        on = ready_on or today
        rows.append(
            VacancyAssignment(
                organisation_id=landlord_id,
                vacancy_id=vacancy_id,
                agreement_id=chosen.agreement_id if chosen else None,
                year=on.year,
                commune_id=commune,
                typology=typology,
                assigned_on=on,
                rule_note="",
                designation_due_on=on + dt.timedelta(days=30) if chosen else None,
                notified_at=timezone.now() if chosen else None,
            )
        )
    return VacancyAssignment.objects.bulk_create(rows, batch_size=500)


def _designations(assignments, prefecture_agreements) -> int:
    """One or two active applicants wishing the commune on a few reserved vacancies; the
    préfecture's first designation of each carries a DALO decision four months old."""
    today = timezone.localdate()
    reserved = [a for a in assignments if a.agreement_id][:IN_FLIGHT]
    rows, used = [], set()
    for index, assignment in enumerate(reserved):
        wanted = 1 + index % 2
        numbers = list(
            Application.objects.filter(
                status=ApplicationStatus.ACTIVE, wished_communes=assignment.commune_id
            )
            .exclude(pk__in=used)
            .order_by("-score", "pk")
            .values_list("pk", flat=True)[:wanted]
        )
        for rank, application_id in enumerate(numbers, start=1):
            used.add(application_id)
            dalo = assignment.agreement_id in prefecture_agreements and rank == 1
            decided = today - dt.timedelta(days=120) if dalo else None
            rows.append(
                Designation(
                    organisation_id=assignment.organisation_id,
                    assignment=assignment,
                    application_id=application_id,
                    rank=rank,
                    dalo_decided_on=decided,
                    dalo_deadline=rules.dalo_deadline(decided, 3) if decided else None,
                )
            )
    Designation.objects.bulk_create(rows)
    return len(rows)


def seed_reservations(organisation_ids) -> dict[int, dict[str, int]]:
    """Holders, agreements, assignments and designations; counts per landlord."""
    tours_epci = Commune.objects.filter(code=TOURS).values_list("epci_id", flat=True).first()
    if tours_epci is None:
        return {}
    landlords = sorted(
        set(
            Dwelling.objects.filter(
                organisation_id__in=organisation_ids, building__commune__epci_id=tours_epci
            ).values_list("organisation_id", flat=True)
        )
    )
    if not landlords:
        return {}
    holders = _holders()
    agreements = _agreements(landlords, holders)
    year_start = dt.date(timezone.localdate().year, 1, 1)
    vacancies = (
        Vacancy.objects.filter(organisation_id__in=landlords, status=VacancyStatus.READY)
        .filter(ready_on__gte=year_start)
        .order_by("ready_on", "pk")
        .values_list(
            "pk",
            "organisation_id",
            "dwelling__building__commune_id",
            "dwelling__building__commune__departement_id",
            "dwelling__typology",
            "ready_on",
        )
    )
    assignments = _assign(list(vacancies), agreements)
    prefecture = {a.pk for a in agreements if a.holder_id == holders[0].pk}
    _designations(assignments, prefecture)
    counts: dict[int, dict[str, int]] = {}
    for assignment in assignments:
        row = counts.setdefault(assignment.organisation_id, {"reserved_vacancies": 0})
        row["reserved_vacancies"] += assignment.agreement_id is not None
    return counts


def reset_reservations(organisation_ids) -> None:
    Designation.objects.filter(organisation_id__in=organisation_ids).delete()
    VacancyAssignment.objects.filter(organisation_id__in=organisation_ids).delete()
    agreements = ReservationAgreement.objects.filter(organisation_id__in=organisation_ids)
    ReservationAgreement.communes.through.objects.filter(
        reservationagreement__in=agreements
    ).delete()
    agreements.delete()


class ReservationsDemo:
    name = "allocation.reservations"

    def seed(self, *, organisation_ids, scale, seed, writer):
        return seed_reservations(organisation_ids)

    def reset(self, organisation_ids):
        reset_reservations(organisation_ids)
