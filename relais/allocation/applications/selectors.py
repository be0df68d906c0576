"""Reads for the application and scoring pages: scoped, one query per table shown."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from relais.core.search import compact, filter_terms
from relais.housing.models import Commune, Epci

from ..models import Application, ApplicationStatus, ScoringGrid
from ..scoring.services import months_before, waiting_months
from .pool import pool_applications

LIST_FIELDS = (
    "pk",
    "organisation_id",  # the list says "registered by X" for another landlord's file
    "registration_number",
    "first_applied_on",
    "applicant_first_name",
    "applicant_last_name",
    "persons",
    "household_category",
    "extra_persons",
    "priority_criteria",
    "status",
    "score",
)


def applications(organisation):
    """The organisation's applications with the columns of the list, best score first."""
    return (
        Application.objects.for_organisation(organisation)
        .only(*LIST_FIELDS)
        .order_by("-score", "first_applied_on", "pk")
    )


def pool_list(organisation):
    """Other landlords' applications the organisation may read (the shared pool, ADR 0046),
    with the columns of the list and the registering landlord's name, best score first."""
    return (
        pool_applications(organisation)
        .select_related("organisation")
        .only(*LIST_FIELDS, "organisation__name")
        .order_by("-score", "first_applied_on", "pk")
    )


def ranking(organisation):
    """Active applications, best score first: the ranking is a query on the stored score."""
    return applications(organisation).active()


def search(queryset, text: str):
    """Applications whose registration number, applicant's names, phone or e-mail contain
    every word of ``text`` (accents, case, spaces and phone spelling ignored)."""
    return filter_terms(queryset, text)


def wishing_commune(queryset, value: str):
    """Applications wishing a commune given by INSEE code or name (folded as the pickers
    fold it: "joue les tours" is Joué-lès-Tours)."""
    through = Application.wished_communes.through.objects.filter(application_id=OuterRef("pk"))
    commune = Q(commune_id=value.upper()) | Q(commune__search_name=compact(value) or "-")
    return queryset.filter(Exists(through.filter(commune)))


def with_priority(queryset, code: str):
    """Applications with a priority criterion: the JSON list holds the quoted code (the
    textual match works on SQLite and PostgreSQL alike; codes are not substrings of others
    once quoted)."""
    return queryset.filter(priority_criteria__icontains=f'"{code}"')


def waited_at_least(queryset, months: int, on: dt.date):
    return queryset.filter(first_applied_on__lte=months_before(on, months))


def with_waiting_months(rows, on: dt.date) -> list:
    """Set ``waiting_months`` on each row of a page (computed in Python: 50 rows)."""
    rows = list(rows)
    for row in rows:
        row.waiting_months = waiting_months(row.first_applied_on, on)
    return rows


def wishes(application) -> tuple[list[Commune], list[Epci]]:
    """The wished communes and EPCIs, in the order given (the first one chooses the grid)."""
    communes = (
        Application.wished_communes.through.objects.filter(application_id=application.pk)
        .select_related("commune__epci")
        .order_by("pk")
    )
    epcis = (
        Application.wished_epcis.through.objects.filter(application_id=application.pk)
        .select_related("epci")
        .order_by("pk")
    )
    return [row.commune for row in communes], [row.epci for row in epcis]


def grids():
    return ScoringGrid.objects.select_related("epci").order_by(
        "epci__name", "epci_id", "-valid_from"
    )


def grid_usage(organisation, grid: ScoringGrid) -> list[tuple[str, int]]:
    """(status label, count) of the organisation's applications scored with ``grid``."""
    rows = (
        Application.objects.for_organisation(organisation)
        .filter(scored_with=grid)
        .values("status")
        .annotate(count=Count("pk"))
    )
    counts = {row["status"]: row["count"] for row in rows}
    return [(label, counts[code]) for code, label in ApplicationStatus.choices if code in counts]


def history(application):
    """The application's events, oldest first, with who recorded each (the status history)."""
    return application.events.select_related("actor").order_by("on", "created_at", "pk")


def accepted_vacancy(application):
    """The vacancy whose offer ``application`` accepted (its lease to sign), or None."""
    from ..models import Letter, LetterKind, OfferAnswer

    letter = (
        Letter.objects.filter(
            candidate__application=application, kind=LetterKind.OFFER, answer=OfferAnswer.ACCEPTED
        )
        .select_related("candidate__item__vacancy__dwelling")
        .order_by("-answered_at")
        .first()
    )
    return letter.candidate.item.vacancy if letter else None
