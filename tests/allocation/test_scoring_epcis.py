"""One score per application per EPCI it wishes, each on that EPCI's grid (DOMAIN.md §2), and
the ranking of a vacancy on the scores of the vacancy's EPCI."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from relais.allocation.applications.services import application_create, application_update
from relais.allocation.commissions import agenda
from relais.allocation.models import Application, ApplicationScore, ScoringGrid, SessionStatus
from relais.allocation.scoring import services as scoring
from relais.allocation.vacancies.candidates import search_candidates
from relais.core.models import AuditEvent

from ..factories import CommuneFactory, DwellingFactory, EpciFactory
from .factories import ApplicationFactory, SessionFactory, VacancyFactory
from .factories_vacancies import YEAR, ceilings, scores_in_epcis

pytestmark = pytest.mark.django_db
MONTHS_AGO_40 = dt.date(2022, 11, 10)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def places(db):
    scoring.ensure_default_grid()  # 1 a month, +20 beyond 36 months, DALO +50
    tours = CommuneFactory()  # Tours Métropole Val de Loire (243700754)
    amboise = CommuneFactory(
        code="37003", name="Amboise", epci=EpciFactory(code="200043081", name="CC Amboise")
    )
    ScoringGrid.objects.create(
        name="Cotation Tours Métropole",
        epci=tours.epci,
        valid_from=dt.date(2024, 1, 1),
        criteria={"waiting": {"points_per_month": 1}, "priority_criteria": {"dalo": 200}},
    )
    return tours, amboise


def make(organisation, communes, **fields):
    fields.setdefault("first_applied_on", MONTHS_AGO_40)
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=communes
    )


def scores(application) -> dict[str, int]:
    return dict(application.epci_scores.values_list("epci__name", "score"))


def test_an_application_wishing_two_epcis_has_one_score_in_each(organisation, places):
    tours, amboise = places
    application = make(
        organisation,
        [amboise, tours],
        priority_criteria=["dalo"],
        housing_situation="owner",  # no points for the housing situation
        is_couple=True,
        dependants=0,  # nor for a single parent
    )
    months = scoring.waiting_months(MONTHS_AGO_40, timezone.localdate())
    # Tours Métropole's grid: 1 a month, DALO 200; Amboise (no grid of its own): the default,
    # 1 a month, +20 beyond 36 months, DALO 50.
    assert scores(application) == {
        "Tours Métropole Val de Loire": months + 200,
        "CC Amboise": months + 20 + 50,
    }
    # The main score is the first wished commune's EPCI's.
    assert application.score == months + 20 + 50
    row = application.epci_scores.get(epci=tours.epci)
    assert ["priority:dalo", 200] in row.explanation and row.first_applied_on == MONTHS_AGO_40


def test_a_wish_removed_removes_its_score(organisation, places):
    tours, amboise = places
    application = make(organisation, [tours, amboise])
    application_update(
        actor=None,
        application=application,
        wished_communes=[tours],
        wished_epcis=[],
    )
    assert list(scores(application)) == ["Tours Métropole Val de Loire"]


def test_rescoring_is_set_based_and_audited_only_when_it_changes(
    organisation, places, django_assert_max_num_queries
):
    tours, amboise = places
    for _ in range(300):
        application = ApplicationFactory(organisation=organisation, first_applied_on=MONTHS_AGO_40)
        application.wished_communes.add(tours, amboise)
    # Does not grow with the applications (the ranking rewrite: 2 a batch, ADR 0051).
    with django_assert_max_num_queries(22):
        changed = scoring.scores_recompute(organisation=organisation)
    assert changed == 300 and ApplicationScore.objects.count() == 600
    assert AuditEvent.objects.filter(action="application.scores_recomputed").count() == 1
    assert scoring.scores_recompute(organisation=organisation) == 0
    assert AuditEvent.objects.filter(action="application.scores_recomputed").count() == 1


def test_a_vacancy_ranks_on_the_scores_of_its_epci(organisation, places):
    """Two applicants wishing Tours and Amboise: the Tours grid favours the DALO household,
    the default grid (Amboise) the one who waited longer."""
    tours, amboise = places
    ceilings()
    dalo = make(
        organisation,
        [tours, amboise],
        priority_criteria=["dalo"],
        first_applied_on=dt.date(2025, 1, 1),
    )
    waited = make(organisation, [tours, amboise], first_applied_on=dt.date(2021, 1, 1))
    main = dict(Application.objects.values_list("pk", "score"))
    assert main[dalo.pk] > main[waited.pk]  # main scores: Tours' grid (the first wish)

    def ranked(commune):
        home = DwellingFactory(
            building__residence__organisation=organisation, building__residence__commune=commune
        )
        vacancy = VacancyFactory(dwelling=home)
        rows = search_candidates(vacancy, year=YEAR)
        return [(row.application.pk, row.application.score) for row in rows]

    in_tours, in_amboise = ranked(tours), ranked(amboise)
    tours_scores = dict(
        ApplicationScore.objects.filter(epci=tours.epci).values_list("application_id", "score")
    )
    amboise_scores = dict(
        ApplicationScore.objects.filter(epci=amboise.epci).values_list("application_id", "score")
    )
    # Amboise, default grid: waited 20 + months since 2021, DALO 50 + months since 2025.
    assert in_amboise == [(pk, amboise_scores[pk]) for pk in (waited.pk, dalo.pk)]
    assert amboise_scores[waited.pk] > amboise_scores[dalo.pk]
    assert in_tours == [(pk, tours_scores[pk]) for pk in (dalo.pk, waited.pk)]


@pytest.mark.usefixtures("ceilings_loaded")
def test_the_score_at_proposal_is_the_one_in_the_dwelling_s_epci(organisation, places):
    _tours, amboise = places
    session = SessionFactory(commission__organisation=organisation, status=SessionStatus.DRAFT)
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        dwelling__building__residence__commune=amboise,
    )
    scored_there = [ApplicationFactory(organisation=organisation, score=90) for _ in range(2)]
    for application, score in zip(scored_there, (31, 12), strict=True):
        scores_in_epcis(application, [amboise.epci], score=score)
    elsewhere = ApplicationFactory(organisation=organisation, score=7)  # no Amboise score
    ids = [scored_there[0].pk, scored_there[1].pk, elsewhere.pk]
    item = agenda.agenda_item_add(session=session, vacancy=vacancy, actor=None, application_ids=ids)
    ranked = item.candidates.order_by("proposed_rank")
    assert [c.score_at_proposal for c in ranked] == [31, 12, 7]
