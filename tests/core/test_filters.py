"""Issue 19 §7: integer query parameters out of range are a 400 with a message, never a 500."""

import django_filters
import pytest
from django.urls import reverse

from relais.allocation.applications.filters import ApplicationFilter
from relais.allocation.vacancies.forms import VacancyFilter
from relais.core.filters import MAX_DB_INTEGER, IntegerFilter
from relais.housing import filters as housing_filters
from relais.housing.models import Residence

from ..factories import DwellingFactory

pytestmark = pytest.mark.django_db

TOO_BIG = "9223372036854775808"  # the case: one more than a 64-bit integer
FILTERSETS = [
    housing_filters.ResidenceFilter,
    housing_filters.BuildingFilter,
    housing_filters.DwellingFilter,
    housing_filters.HouseholdFilter,
    ApplicationFilter,
    VacancyFilter,
]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("housing:dwelling_list", {"residence": TOO_BIG}),
        ("housing:dwelling_list", {"building": TOO_BIG}),
        ("housing:dwelling_list", {"residence": "-1"}),
        ("housing:dwelling_list", {"residence": "1e400"}),
        ("allocation:application_list", {"waited": TOO_BIG}),
    ],
)
def test_an_out_of_range_integer_is_a_400_naming_the_field(owner_client, organisation, url, params):
    DwellingFactory(building__residence__organisation=organisation)

    response = owner_client.get(reverse(url), params)

    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="alert alert-danger"' in body
    (name,) = params
    labels = {
        "residence": "Résidence",
        "building": "Bâtiment",
        "waited": "Ancienneté minimale (mois)",
    }
    assert f"{labels[name]} : " in body


def test_the_largest_id_is_accepted_and_matches_nothing(owner_client, organisation):
    DwellingFactory(building__residence__organisation=organisation)

    response = owner_client.get(
        reverse("housing:dwelling_list"), {"residence": str(MAX_DB_INTEGER)}
    )

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_a_valid_residence_filters_the_dwellings(owner_client, organisation):
    dwelling = DwellingFactory(building__residence__organisation=organisation)
    DwellingFactory(building__residence__organisation=organisation)
    residence = Residence.objects.get(pk=dwelling.building.residence_id)

    response = owner_client.get(reverse("housing:dwelling_list"), {"residence": residence.pk})

    assert [d.pk for d in response.context["page"].object_list] == [dwelling.pk]


@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda f: f.__name__)
def test_every_number_filter_is_a_bounded_integer(filterset):
    """The kind of fault: no list filter reads an unbounded number."""
    for name, field in filterset.base_filters.items():
        if isinstance(field, django_filters.NumberFilter):
            assert isinstance(field, IntegerFilter), f"{filterset.__name__}.{name}"
            form_field = field.field
            assert form_field.max_value is not None and form_field.max_value <= MAX_DB_INTEGER
