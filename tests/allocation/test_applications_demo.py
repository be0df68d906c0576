"""Demo applications: volume per dwelling, plausible content, set-based writes, scores."""

import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.allocation.applications.demo import PLUS_CEILINGS, seed_applications
from relais.allocation.applications.services import Document
from relais.allocation.models import Application
from relais.allocation.scoring.services import waiting_months
from relais.housing.models import Dwelling

from ..factories import BuildingFactory, CommuneFactory, DwellingFactory, OrganisationFactory
from .test_ranking import in_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def landlords():
    tours, amboise = CommuneFactory(), CommuneFactory(code="37003", name="Amboise")
    first, second = OrganisationFactory(), OrganisationFactory()
    for organisation, counts in ((first, {tours: 900, amboise: 300}), (second, {amboise: 400})):
        for commune, count in counts.items():
            building = BuildingFactory(residence__organisation=organisation, commune=commune)
            Dwelling.objects.bulk_create(DwellingFactory.build_batch(count, building=building))
    return first, second


def test_seed_writes_scored_applications_per_dwelling(landlords):
    first, second = landlords
    with CaptureQueriesContext(connection) as queries:
        counts = seed_applications(landlords, per_dwelling_ratio=1.5, rng=random.Random(7))
    assert counts == {first.pk: 1_800, second.pk: 600}
    assert len(queries) < 60  # set-based: no query per application
    applications = Application.objects.all()
    assert applications.count() == 2_400
    assert len(in_step()) >= 2_400  # the candidate ranking filled with them (ADR 0051)
    assert set(applications.values_list("status", flat=True)) == {"active"}
    assert not applications.filter(scored_with__isnull=True).exists()
    assert applications.values("score").distinct().count() > 20
    wished = Application.wished_communes.through.objects
    assert set(
        wished.filter(application__organisation=second).values_list("commune", flat=True)
    ) == {"37003"}
    assert not applications.filter(wished_communes__isnull=True).exists()


def test_seeded_content_is_plausible(landlords):
    seed_applications(landlords, per_dwelling_ratio=1.5, rng=random.Random(7))
    rows = list(Application.objects.all())
    today = timezone.localdate()
    share = lambda test: sum(map(test, rows)) / len(rows)  # noqa: E731
    assert 0.05 <= share(lambda a: bool(a.priority_criteria)) <= 0.10
    assert 0.02 <= share(lambda a: "dalo" in a.priority_criteria) <= 0.06
    assert 0.08 <= share(lambda a: a.applicant_birth_date.year <= today.year - 66) <= 0.2
    assert max(waiting_months(a.first_applied_on, today) for a in rows) <= 60
    ceiling = lambda a: PLUS_CEILINGS[a.household_category - 1] + 6_710 * a.extra_persons  # noqa: E731
    assert 0.8 <= share(lambda a: a.reference_income <= ceiling(a)) < 1
    sizes = Counter(min(a.persons, 5) for a in rows)
    assert sizes[1] > sizes[5] > 0
    assert all(Document.IDENTITY in a.documents_received for a in rows)
    assert all(a.dependants < a.persons and a.typology_mask for a in rows)
    assert len({a.registration_number for a in rows}) == len(rows)
    # The disability criterion only where a member has a disability.
    assert all(a.has_disabled_member for a in rows if "disability" in a.priority_criteria)


def test_dalo_households_have_their_decision_date_and_incomes_their_tax_year(landlords):
    seed_applications(landlords, per_dwelling_ratio=1.5, rng=random.Random(7))
    rows = list(Application.objects.all())
    today = timezone.localdate()
    dalo = [a for a in rows if "dalo" in a.priority_criteria]
    assert dalo and all(a.first_applied_on <= a.dalo_decided_on <= today for a in dalo)
    assert all((today - a.dalo_decided_on).days <= 183 for a in dalo)
    assert not any(a.dalo_decided_on for a in rows if "dalo" not in a.priority_criteria)
    assert sum(Document.DALO_DECISION in a.documents_received for a in dalo) > len(dalo) / 2
    years = Counter(a.income_n2_year for a in rows)
    assert set(years) == {today.year - 2, today.year - 3}
    assert 0.02 <= years[today.year - 3] / len(rows) <= 0.1  # "income to update"
    recent = [a for a in rows if (today - a.first_applied_on).days <= 365]
    assert recent and all(a.income_n2_year == today.year - 2 for a in recent)


def test_same_seed_same_applications(landlords):
    seed_applications(landlords[:1], per_dwelling_ratio=0.1, rng=random.Random(3))
    first = list(Application.objects.order_by("pk").values_list("applicant_last_name", "score"))
    Application.objects.all().delete()
    seed_applications(landlords[:1], per_dwelling_ratio=0.1, rng=random.Random(3))
    again = list(Application.objects.order_by("pk").values_list("applicant_last_name", "score"))
    assert first == again and len(first) == 120
