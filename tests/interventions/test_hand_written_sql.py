"""The dashboard's open urgent count and the triage list are hand-written SQL (ADR 0037): on
the same data they give exactly what the ORM queries they replaced gave, and never another
organisation's requests."""

import datetime as dt
import itertools

import pytest
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from relais.interventions.dashboard import selectors as dashboard
from relais.interventions.models import InterventionRequest, Priority, RequestStatus
from relais.interventions.requests.selectors import TriageFilter, triage_count, triage_page

from ..factories import AgencyFactory, LeaseFactory, OrganisationFactory


def _orm_open_urgent(scope):
    """The ORM query ``open_urgent`` replaced."""
    rows = (
        scope.requests()
        .filter(status__in=dashboard.ACTIVE, priority__in=["safety", "urgent"])
        .values("priority")
        .annotate(n=Count("pk"))
    )
    found = {r["priority"]: r["n"] for r in rows}
    return {p: found.get(p, 0) for p in (Priority.SAFETY, Priority.URGENT)}


def _orm_triage(organisation, **filters):
    """The ORM queryset ``triage_page`` replaced (the former ``selectors.triage_list``)."""
    return list(
        InterventionRequest.objects.for_organisation(organisation)
        .filter(**filters)
        .annotate(
            household_name=F("household__name"),
            household_reference=F("household__reference"),
            category_name=F("category__name"),
            dwelling_reference=F("dwelling__reference"),
        )
        .order_by("priority_rank", "reported_at", "pk")
    )


FIELDS = (
    "pk",
    "tracking_number",
    "status",
    "priority",
    "source",
    "reported_at",
    "deferred_at",
    "callback_requested",
    "called_back_at",
    "household_name",
    "household_reference",
    "category_name",
    "dwelling_reference",
)


def _shape(rows):
    return [tuple(getattr(row, name) for name in FIELDS) for row in rows]


@pytest.fixture
def many(organisation, categories):
    """Requests of every status, priority and source over two residences of two agencies,
    some without a dwelling; and an outsider's requests that must never show."""
    agencies = [AgencyFactory(organisation=organisation) for _ in range(2)]
    leases = [
        LeaseFactory(dwelling__building__residence__organisation=organisation,
                     dwelling__building__residence__agency=agency)
        for agency in agencies
    ]  # fmt: skip
    now = timezone.now().replace(microsecond=123456)
    combos = itertools.product(RequestStatus.values, Priority.values, ("web", "phone"))
    cats = list(categories.values())
    rows = []
    for n, (status, priority, source) in enumerate(combos):
        lease = leases[n % 2]
        rows.append(
            InterventionRequest(
                organisation=organisation,
                tracking_number=f"DI-{n:04d}",
                status_token=f"token-{n}",
                household=lease.household,
                dwelling=lease.dwelling if n % 3 else None,
                category=cats[n % len(cats)],
                description="Fuite",
                source=source,
                status=status,
                priority=priority,
                reported_at=now - dt.timedelta(hours=n % 7, minutes=n),
                deferred_at=now if status == "deferred" else None,
                callback_requested=n % 4 == 0,
                called_back_at=now if n % 8 == 0 else None,
            )
        )
    outsider = LeaseFactory()
    other_org = outsider.dwelling.building.residence.organisation
    other_cat = cats[0].__class__.objects.create(organisation=other_org, code="x", name="Autre")
    for n in range(6):
        rows.append(
            InterventionRequest(
                organisation=other_org,
                tracking_number=f"DI-X{n}",
                status_token=f"outsider-{n}",
                household=outsider.household,
                category=other_cat,
                description="Fuite",
                source="web",
                status="new",
                priority="safety",
                reported_at=now - dt.timedelta(days=400),
            )
        )
    InterventionRequest.objects.bulk_create(rows)
    return agencies, leases, cats


def test_open_urgent_counts_as_the_orm_did_in_every_scope(organisation, many):
    agencies, leases, _cats = many
    residence = leases[0].dwelling.building.residence
    scopes = [
        dashboard.Scope(organisation),
        dashboard.Scope(organisation, agency=agencies[1]),
        dashboard.Scope(organisation, residence=residence),
        dashboard.Scope(organisation, agency=agencies[0], residence=residence),
        dashboard.Scope(organisation, agency=agencies[1], residence=residence),
        dashboard.Scope(OrganisationFactory()),
    ]
    for scope in scopes:
        assert dashboard.open_urgent(scope) == _orm_open_urgent(scope)
    assert sum(dashboard.open_urgent(scopes[0]).values()) > 0
    assert dashboard.open_urgent(scopes[4]) == {"safety": 0, "urgent": 0}


def test_the_triage_page_reads_what_the_orm_read(organisation, many):
    _agencies, _leases, cats = many
    cases = [
        {"status": "new"},
        {"status": "done", "priority": "urgent"},
        {"status": "deferred", "source": "phone"},
        {"status": "new", "category": cats[1]},
        {"status": "triaged", "priority": "safety", "source": "web", "category": cats[2]},
    ]
    for filters in cases:
        expected = _orm_triage(organisation, **filters)
        rows, total = triage_page(TriageFilter(organisation, **filters), limit=100)
        assert _shape(rows) == _shape(expected), filters
        assert total == len(expected) == triage_count(TriageFilter(organisation, **filters))
        assert all(row.reported_at.tzinfo is not None for row in rows)
    every, total = triage_page(TriageFilter(organisation, status=""), limit=500)
    assert _shape(every) == _shape(_orm_triage(organisation)) and total == len(every)
    expected = _orm_triage(organisation, status="new")
    assert len(expected) > 3
    second, total = triage_page(TriageFilter(organisation), limit=3, offset=3)
    assert _shape(second) == _shape(expected[3:6]) and total == len(expected)
    assert triage_page(TriageFilter(organisation), limit=3, offset=500) == ([], 0)
    assert not any(r.tracking_number.startswith("DI-X") for r in triage_page(
        TriageFilter(organisation), limit=500)[0])  # fmt: skip


def test_the_list_page_shows_the_rows_and_goes_to_the_last_page_past_the_end(
    organisation, many, technician
):
    _user, client = technician
    url = reverse("interventions:request_list")
    response = client.get(url, {"status": "new"})
    expected = _orm_triage(organisation, status="new")
    page = response.context["page"]
    assert [r.pk for r in page.object_list] == [r.pk for r in expected][: len(page.object_list)]
    assert page.paginator.count == len(expected)
    text = response.content.decode()
    assert expected[0].tracking_number in text and "DI-X0" not in text
    assert "Sécurité" in text or "Safety" in text
    past = client.get(url, {"status": "new", "page": 99})
    assert past.status_code == 200
    assert past.context["page"].number == past.context["page"].paginator.num_pages
