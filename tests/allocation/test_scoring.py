"""Cotation: the default grid, the points and their explanation, grid choice, recomputation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from relais.allocation.applications.selectors import ranking
from relais.allocation.applications.services import application_create
from relais.allocation.models import Application, ApplicationStatus, ScoringGrid
from relais.allocation.scoring import services as scoring
from relais.core.models import AuditEvent

from ..factories import CommuneFactory, EpciFactory, OrganisationFactory
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def facts(**overrides):
    values = {
        "first_applied_on": dt.date(2022, 11, 10),  # 40 months before ON
        "persons": 2,
        "dependants": 0,
        "is_couple": True,
        "has_disabled_member": False,
        "priority_criteria": ["dalo"],
        "housing_situation": "hosted",
        "monthly_resources_cents": 150_000,
        "current_housing_cost_cents": None,
    }
    return {**values, **overrides}


@pytest.fixture
def default_grid(db):
    return scoring.ensure_default_grid()


@pytest.fixture
def tours():
    return CommuneFactory()  # Tours, in Tours Métropole (243700754)


@pytest.fixture
def amboise():
    epci = EpciFactory(code="200072999", name="CC du Val d'Amboise", nature="CC")
    return CommuneFactory(code="37003", name="Amboise", epci=epci)


def make(organisation, *communes, **fields):
    """An application saved through the service (so its score is computed)."""
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=communes
    )


# The points -----------------------------------------------------------------------------------


def test_waiting_months():
    assert scoring.waiting_months(dt.date(2022, 11, 10), ON) == 40
    assert scoring.waiting_months(dt.date(2022, 11, 16), ON) == 39
    assert scoring.waiting_months(dt.date(2026, 4, 1), ON) == 0
    assert scoring.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert scoring.waiting_months(scoring.months_before(ON, 40), ON) == 40


def test_dalo_hosted_applicant_waiting_40_months_with_the_default_grid(default_grid):
    points, explanation = scoring.score(default_grid.criteria, facts(), ON)
    assert explanation == [
        ["waiting:40", 40],
        ["waiting_bonus:36", 20],
        ["priority:dalo", 50],
        ["situation:hosted", 10],
    ]
    assert points == 120
    assert scoring.labelled(explanation) == [
        ("40 months of waiting", 40),
        ("Waiting longer than 36 months", 20),
        ("DALO designation", 50),
        ("Current housing: Hosted by family or friends", 10),
    ]


def test_no_bonus_until_the_threshold_is_passed(default_grid):
    _points, explanation = scoring.score(
        default_grid.criteria, facts(first_applied_on=dt.date(2023, 3, 15)), ON
    )
    assert ["waiting:36", 36] in explanation
    assert not [code for code, _p in explanation if code.startswith("waiting_bonus")]


def test_single_parent_and_effort_rate(default_grid):
    points, explanation = scoring.score(
        default_grid.criteria,
        facts(
            first_applied_on=ON,
            is_couple=False,
            dependants=1,
            priority_criteria=[],
            housing_situation="private_tenant",
            current_housing_cost_cents=60_000,  # 40 % of 1 500 €
        ),
        ON,
    )
    assert explanation == [["waiting:0", 0], ["single_parent", 5], ["effort_rate:30", 10]]
    assert points == 15


def test_effort_rate_without_the_data_gives_no_points(default_grid):
    for missing in ({"current_housing_cost_cents": None}, {"monthly_resources_cents": 0}):
        _points, explanation = scoring.score(
            default_grid.criteria, facts(**{"current_housing_cost_cents": 90_000, **missing}), ON
        )
        assert not [code for code, _p in explanation if code.startswith("effort_rate")]


def test_highest_band_reached_and_waiting_cap():
    criteria = {
        "waiting": {"points_per_month": 2, "max_points": 50},
        "effort_rate_bands": [
            {"from_percent": 30, "points": 5},
            {"from_percent": 40, "points": 12},
        ],
    }
    row = facts(current_housing_cost_cents=70_000, priority_criteria=[])  # 46.7 %
    assert scoring.score(criteria, row, ON) == (62, [["waiting:40", 50], ["effort_rate:40", 12]])


def test_shipped_grid_is_valid_and_loaded_once(default_grid):
    scoring.validate_criteria(scoring.load_default_grid_file()["criteria"])
    assert scoring.ensure_default_grid() == default_grid
    default_grid.criteria["household"]["single_parent"] = 8
    default_grid.save()
    assert scoring.ensure_default_grid().criteria["household"]["single_parent"] == 8
    assert ScoringGrid.objects.count() == 1
    assert AuditEvent.objects.filter(action="scoring_grid.created").count() == 1


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"bonus": 3}, "Unknown keys: bonus"),
        ({"priority_criteria": {"vip": 10}}, "unknown code “vip”"),
        ({"housing_situations": {"hosted": "10"}}, "must be a whole number"),
        ({"waiting": {"points_per_month": 1.5}}, "must be a whole number"),
        ({"effort_rate_bands": [{"from_percent": 130, "points": 3}]}, "from 0 to 100"),
        ({"waiting_bonuses": [{"beyond_months": 36}]}, "each item has"),
        ([], "must be a JSON object"),
    ],
)
def test_invalid_criteria_are_refused(criteria, message):
    with pytest.raises(ValidationError) as error:
        scoring.validate_criteria(criteria)
    assert any(message in text for text in error.value.messages)


def test_grid_page_explains_the_criteria(default_grid):
    rows = dict(scoring.described(default_grid.criteria))
    assert rows["Each month of waiting"] == 1
    assert rows["DALO designation"] == 50
    assert rows["Housing cost of 30 % of resources or more"] == 10


# Grid choice ---------------------------------------------------------------------------------


def test_epci_grid_overrides_the_default(organisation, default_grid, tours, amboise):
    metropole = ScoringGrid.objects.create(
        name="Cotation Tours Métropole",
        epci=tours.epci,
        valid_from=dt.date(2024, 1, 1),
        criteria={"waiting": {"points_per_month": 3}, "priority_criteria": {"dalo": 100}},
    )
    in_tours = make(organisation, tours, amboise, priority_criteria=["dalo"])
    in_amboise = make(organisation, amboise, tours, priority_criteria=["dalo"])
    assert in_tours.scored_with == metropole
    assert ["priority:dalo", 100] in in_tours.score_explanation
    assert in_amboise.scored_with == default_grid  # the first wished commune decides
    assert ["priority:dalo", 50] in in_amboise.score_explanation


def test_grid_not_in_force_is_ignored(organisation, default_grid, tours):
    today = timezone.localdate()
    ScoringGrid.objects.create(
        name="Next year",
        epci=tours.epci,
        valid_from=today + dt.timedelta(days=30),
        criteria={},
    )
    ScoringGrid.objects.create(
        name="Expired",
        epci=tours.epci,
        valid_from=dt.date(2020, 1, 1),
        valid_until=today - dt.timedelta(days=1),
        criteria={},
    )
    assert make(organisation, tours).scored_with == default_grid


def test_wished_epci_chooses_the_grid_without_communes(organisation, default_grid, tours):
    grid = ScoringGrid.objects.create(
        name="EPCI", epci=tours.epci, valid_from=dt.date(2024, 1, 1), criteria={}
    )
    application = ApplicationFactory.build(organisation=organisation)
    application = application_create(
        organisation=organisation, actor=None, application=application, wished_epcis=[tours.epci]
    )
    assert application.scored_with == grid


# Recomputation -------------------------------------------------------------------------------


def test_grid_change_rescores_500_applications_set_based(
    organisation, default_grid, tours, django_assert_max_num_queries
):
    ApplicationFactory.create_batch(
        500, organisation=organisation, priority_criteria=["dalo"], first_applied_on=ON
    )
    scoring.score_applications(Application.objects.all())
    explanations = Application.objects.values_list("score_explanation", flat=True)
    assert all(["priority:dalo", 50] in explanation for explanation in explanations)
    default_grid.criteria["priority_criteria"]["dalo"] = 70
    # Constant: does not grow with the applications (+2: the ranking rewrite, ADR 0051).
    with django_assert_max_num_queries(18):
        changed = scoring.grid_save(actor=None, grid=default_grid)
    assert changed == 500
    assert all(["priority:dalo", 70] in explanation for explanation in explanations.all())
    event = AuditEvent.objects.get(action="scoring_grid.updated")
    assert list(event.changes) == ["criteria"]


def test_epci_grid_saved_rescores_only_its_applications(organisation, default_grid, tours, amboise):
    in_tours, in_amboise = make(organisation, tours), make(organisation, amboise)
    untouched_at = in_amboise.scored_at
    grid = ScoringGrid(
        name="Tours", epci=tours.epci, valid_from=dt.date(2024, 1, 1), criteria={"household": {}}
    )
    assert scoring.grid_save(actor=None, grid=grid) == 1
    in_tours.refresh_from_db()
    in_amboise.refresh_from_db()
    assert (in_tours.scored_with, in_tours.score) == (grid, 0)
    assert (in_amboise.scored_with, in_amboise.scored_at) == (default_grid, untouched_at)
    scoring.grid_delete(actor=None, grid=grid)
    in_tours.refresh_from_db()
    assert in_tours.scored_with == default_grid


def test_grid_ending_before_it_starts_is_refused(default_grid):
    default_grid.valid_until = default_grid.valid_from - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        scoring.grid_save(actor=None, grid=default_grid)


def test_daily_task_adds_the_month_waited(organisation, default_grid, tours):
    application = make(
        organisation,
        tours,
        persons=1,
        dependants=0,
        priority_criteria=[],
        housing_situation="owner",
    )
    closed = make(organisation, tours, status=ApplicationStatus.CANCELLED)
    earlier = timezone.localdate() - dt.timedelta(days=400)
    Application.objects.update(first_applied_on=earlier)
    scoring.recompute_scores.enqueue(organisation.pk)
    application.refresh_from_db()
    closed.refresh_from_db()
    assert application.score == 13 and application.score_explanation == [["waiting:13", 13]]
    assert closed.score == 0  # closed applications keep their last score
    assert AuditEvent.objects.filter(action="application.scores_recomputed").exists()


def test_ranking_is_a_query_on_the_stored_score(organisation, default_grid, tours):
    low = make(organisation, tours, priority_criteria=[])
    high = make(organisation, tours, priority_criteria=["dalo"])
    make(organisation, tours, priority_criteria=["dalo", "eviction"], status="allocated")
    assert list(ranking(organisation)) == [high, low]


def test_daily_rescoring_queues_one_task_per_organisation(default_grid, tours, monkeypatch):
    """The small demo's figures: 2,900 waiting applications of 6 landlords gave 2,900 tasks
    (DISTINCT over the model's ordering) and one audit event per task, changed or not."""
    organisations = [OrganisationFactory() for _ in range(6)]
    rows = [
        ApplicationFactory.build(
            organisation=organisations[index % 6],
            first_applied_on=dt.date(2020, 1, 1) + dt.timedelta(days=index),
            score=index,
        )
        for index in range(2_900)
    ]
    Application.objects.bulk_create(rows)
    queued = []
    real = scoring.recompute_scores

    class Counted:
        def enqueue(self, pk):
            queued.append(pk)
            return real.enqueue(pk)

    monkeypatch.setattr(scoring, "recompute_scores", Counted())
    result = scoring.recompute_all_scores.enqueue()
    assert result.return_value == 6
    assert sorted(queued) == sorted(organisation.pk for organisation in organisations)
    recomputed = AuditEvent.objects.filter(action="application.scores_recomputed")
    assert recomputed.count() == 6  # every score changed: one event per organisation
    assert sum(event.changes["changed"] for event in recomputed) == 2_900
    scoring.recompute_all_scores.enqueue()
    assert len(queued) == 12
    assert recomputed.count() == 6  # nothing changed the second time: no new event
