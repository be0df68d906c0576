"""Reads of requests for the staff pages, the tenant's status page and the home cards."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import EmptyPage
from django.db import connection

from relais.core.pagination import ListPaginator
from relais.housing.models import Building, Commune, Dwelling, Household

from ..models import (
    BacklogRelease,
    Category,
    InterventionRequest,
    Priority,
    RequestSource,
    RequestStatus,
)

# Safety first, then urgent, normal, planned (``priority_rank``, stored and indexed): the
# triage order, oldest first within a priority.
TRIAGE_ORDER = ("priority_rank", "reported_at", "pk")
_PRIORITIES, _STATUSES = dict(Priority.choices), dict(RequestStatus.choices)
_SOURCES = dict(RequestSource.choices)


@dataclass(frozen=True, slots=True)
class TriageRow:
    """One line of the triage list, read by ``triage_page``. ``household_name`` is empty and
    ``place`` gives the building's address ("12 rue Nationale, 37000 Tours") for a request
    without a household (a common area); ``place`` is empty otherwise. Datetimes are aware (UTC)."""

    pk: int
    tracking_number: str
    status: str
    priority: str
    source: str
    reported_at: dt.datetime
    deferred_at: dt.datetime | None
    callback_requested: bool
    called_back_at: dt.datetime | None
    household_name: str
    household_reference: str
    category_name: str
    dwelling_reference: str | None
    place: str

    def get_priority_display(self):
        return _PRIORITIES.get(self.priority, self.priority)

    def get_status_display(self):
        return _STATUSES.get(self.status, self.status)

    def get_source_display(self):
        return _SOURCES.get(self.source, self.source)


@dataclass(frozen=True)
class TriageFilter:
    """The triage list's filters (``forms.RequestFilter``): a status (the requests to triage
    unless told; None or "" for every status), a priority, a source, a category."""

    organisation: object
    status: str | None = RequestStatus.NEW
    priority: str = ""
    source: str = ""
    category: Category | None = None

    def where(self) -> tuple[str, list]:
        """The WHERE clause on the requests (alias ``r``) and its parameters: the tenancy
        filter first, always."""
        clauses, params = ["r.organisation_id = %s"], [self.organisation.pk]
        wanted = (("status", self.status), ("priority", self.priority), ("source", self.source))
        for column, value in wanted:
            if value:
                clauses.append(f"r.{column} = %s")
                params.append(str(value))
        if self.category is not None:
            clauses.append("r.category_id = %s")
            params.append(self.category.pk)
        return " AND ".join(clauses), params


def _aware(value):
    """A datetime as the cursor returns it (SQLite: naive, in UTC) → aware UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def triage_page(filters: TriageFilter, *, limit: int, offset: int = 0):
    """(rows, total): the ``limit`` requests from ``offset`` in the triage order (the most
    pressing, then the oldest: index ``request_triage_order``) as ``TriageRow``, and how many
    match (0 when the page is past the end). One hand-written query (ADR 0037): the ORM's
    fixed cost was five times the SQL. A request without a household still shows (LEFT JOIN),
    with its building's address when it has one."""
    where, params = filters.where()
    building = (
        f" LEFT JOIN {Building._meta.db_table} b ON b.id = r.building_id AND r.household_id IS NULL"
        f" LEFT JOIN {Commune._meta.db_table} bc ON bc.{Commune._meta.pk.column} = b.commune_id"
    )
    sql = (
        "SELECT r.id, r.tracking_number, r.status, r.priority, r.source, r.reported_at, "
        "r.deferred_at, r.callback_requested, r.called_back_at, h.name, h.reference, "
        "c.name, d.reference, b.address, b.postcode, bc.name, COUNT(*) OVER () "
        f"FROM {InterventionRequest._meta.db_table} r "
        f"LEFT JOIN {Household._meta.db_table} h ON h.id = r.household_id "
        f"JOIN {Category._meta.db_table} c ON c.id = r.category_id "
        f"LEFT JOIN {Dwelling._meta.db_table} d ON d.id = r.dwelling_id{building} "
        f"WHERE {where} ORDER BY r.priority_rank, r.reported_at, r.id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        found = cursor.fetchall()
    rows = [
        TriageRow(
            r[0], r[1], r[2], r[3], r[4], _aware(r[5]), _aware(r[6]), bool(r[7]),
            _aware(r[8]), r[9] or "", r[10] or "", r[11], r[12],
            f"{r[13]}, {r[14]} {r[15]}" if r[13] else "",
        )
        for r in found
    ]  # fmt: skip
    return rows, (found[0][16] if found else 0)


def triage_count(filters: TriageFilter) -> int:
    where, params = filters.where()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {InterventionRequest._meta.db_table} r WHERE {where}", params
        )
        return cursor.fetchone()[0]


class TriageRows:
    """The triage list as ``TriagePaginator`` pages it: its filters, and ``count()`` (one
    ``COUNT(*)``, only needed for a page number past the end)."""

    def __init__(self, filters: TriageFilter):
        self.filters = filters

    def count(self) -> int:
        return triage_count(self.filters)


class TriagePaginator(ListPaginator):
    """Pages of ``TriageRows``: one query a page (rows and total together), two for a page
    number past the end (then the last page: three)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows, total = triage_page(self.object_list.filters, limit=self.per_page, offset=bottom)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        self.__dict__["count"] = total  # ``count`` is a cached_property
        return self._get_page(rows, number, self)


def request_detail(organisation):
    return InterventionRequest.objects.for_organisation(organisation).select_related(
        "household", "lease", "dwelling__building__commune", "category__parent", "created_by"
    )


def history(request: InterventionRequest):
    return request.events.select_related("actor").order_by("at", "pk")


def latest_release(organisation) -> BacklogRelease | None:
    return BacklogRelease.objects.for_organisation(organisation).first()


def to_triage(organisation):
    return InterventionRequest.objects.for_organisation(organisation).filter(
        status=RequestStatus.NEW
    )


def deferred_backlog(organisation):
    return InterventionRequest.objects.for_organisation(organisation).filter(
        status=RequestStatus.DEFERRED
    )


def calls_to_return(organisation):
    """Open requests whose tenant asked to be called back and has not been yet."""
    return (
        InterventionRequest.objects.for_organisation(organisation)
        .open()
        .filter(callback_requested=True, called_back_at__isnull=True)
    )


def open_safety(organisation):
    return (
        InterventionRequest.objects.for_organisation(organisation).open().filter(priority="safety")
    )
