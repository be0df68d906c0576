"""ListPaginator: the page's ids and the count in one query, then the rows by id."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.core.pagination import ListPaginator
from relais.housing import selectors
from relais.housing.models import Household

from ..factories import HouseholdFactory, OccupantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(organisation):
    rows = [HouseholdFactory(organisation=organisation, name=f"Foyer {n:02d}") for n in range(12)]
    OccupantFactory(household=rows[0])
    return rows


def _page(organisation, number, per_page=5, **filters):
    rows = selectors.households(organisation).filter(**filters).order_by("name", "pk")
    with CaptureQueriesContext(connection) as captured:
        page = ListPaginator(rows, per_page).get_page(number)
        names = [household.name for household in page.object_list]
        count = page.paginator.count
    return page, names, count, [query["sql"] for query in captured.captured_queries]


def test_a_page_and_its_count_come_from_one_query(households, organisation):
    page, names, count, queries = _page(organisation, 1, name__in=["Foyer 03", "Foyer 00"])
    assert names == ["Foyer 00", "Foyer 03"] and count == 2 and page.paginator.num_pages == 1
    assert page.object_list[0].occupant_count == 1  # annotations come with the rows
    ids, rows = queries
    assert "OVER ()" in ids and "housing_occupant" not in ids  # no annotation in the ids query
    assert "OVER" not in rows and "housing_occupant" in rows


def test_pages_keep_the_order_and_never_count_apart(households, organisation):
    page, names, count, queries = _page(organisation, 2)
    assert names == [f"Foyer {n:02d}" for n in range(5, 10)]
    assert count == 12 and page.has_next() and page.has_previous()
    assert len(queries) == 2 and not any("COUNT(*) AS" in sql for sql in queries)


@pytest.mark.parametrize(
    "number, first, queries",
    [(3, "Foyer 10", 2), (99, "Foyer 10", 4), ("x", "Foyer 00", 2), (0, "Foyer 10", 3)],
)
def test_out_of_range_and_invalid_pages(households, organisation, number, first, queries):
    page, names, _count, sql = _page(organisation, number)
    assert names[0] == first and len(sql) == queries


def test_an_empty_list(organisation):
    page, names, count, queries = _page(organisation, 1)
    assert names == [] and count == 0 and len(queries) == 1
    assert Household.objects.count() == 0
