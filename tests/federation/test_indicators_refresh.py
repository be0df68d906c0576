"""Federation indicators, refresh and dashboard: the regional figures are kept in the compact
``RegionalFigure`` table (same figures as aggregating the members' values), and the
incremental refresh takes the past weeks late data touched (a payment dated last week, a
back-dated stock movement, a work site stopped on an earlier day)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from relais.core.models import Federation
from relais.federation.indicators import registry, selectors, services
from relais.federation.indicators.models import IndicatorValue, RegionalFigure, Source
from relais.federation.indicators.registry import Week
from relais.worksites.models import SiteStatus

from ..factories import MembershipFactory, OrganisationFactory
from ..worksites.factories import WorkSiteFactory

# The dashboard page's queries: five of the app's shell (session, user, membership,
# federation, crisis state) and the dashboard's (ADR 0052): its two reads and, since the
# chart's twelve weeks are not all kept here, the series from the values (the tests' cache
# is in memory: the départements cost no query).
PAGE_QUERIES = 8
WEEK = Week.parse("2026-W10")  # 2 to 8 March 2026
NOW = dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC)  # a Wednesday of week 11


@pytest.fixture
def region(db):
    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    members = [
        OrganisationFactory(name=name, federation=federation)
        for name in ("Tours Habitat", "Orléans Métropole Habitat", "Val de Berry")
    ]
    return federation, members


def _urgent(member, week, n, source=Source.COMPUTED):
    IndicatorValue.objects.create(
        organisation=member, week_start=week.start, key="interventions.urgent", value=n, base=n,
        source=source,
    )  # fmt: skip


def test_the_dashboard_reads_the_regional_figures_built_at_refresh(
    region, django_assert_max_num_queries
):
    federation, (tours, omh, vdb) = region
    for week in (WEEK.previous(), WEEK):
        for member, n in ((tours, 12), (omh, 3), (vdb, 20)):
            _urgent(member, week, n + (week == WEEK))
    services.regional_rebuild([WEEK.previous().start, WEEK.start])
    stored = RegionalFigure.objects.get(
        federation=federation, area="", week_start=WEEK.start, key="interventions.urgent"
    )
    assert (stored.value, stored.members, stored.hidden) == (34, 2, 1)  # 3 is hidden
    cache.clear()
    selectors.members(federation)  # the départements in the cache, as after a first view
    with django_assert_max_num_queries(4):
        data = selectors.dashboard(federation, WEEK, "interventions.urgent", count=2)
    rows = selectors.values_for([tours.pk, omh.pk, vdb.pk], [WEEK.start])
    assert data.regional == selectors.regional(rows)  # same figures as aggregating the values
    indicator = registry.get("interventions.urgent")
    # the cells grouped in SQL are the ones read figure by figure
    assert data.cells == selectors.member_table(data.members, rows, indicator)
    assert [(c.value, c.suppressed) for c in data.cells] == [(None, True), (13, False), (21, False)]
    assert data.points == [(WEEK.previous(), 32), (WEEK, 34)]
    assert data.points == selectors.series(federation, "interventions.urgent", WEEK, count=2)
    assert {s.status for s in data.statuses} == {selectors.COMPUTED}


def test_a_submission_updates_the_regional_figures_and_a_week_not_built_is_computed(region):
    federation, (tours, omh, vdb) = region
    for member, n in ((tours, 12), (omh, 8), (vdb, 20)):
        _urgent(member, WEEK, n)
    data = selectors.dashboard(federation, WEEK, "interventions.urgent", count=1)
    assert data.points == [(WEEK, 40)]  # nothing built yet: computed from the values
    services.figures_submit(
        organisation=omh,
        actor=None,
        figures={(WEEK.start, "interventions.urgent"): (18, 18)},
        origin="form",
    )
    stored = RegionalFigure.objects.get(
        federation=federation, area="", week_start=WEEK.start, key="interventions.urgent"
    )
    assert stored.value == 50
    data = selectors.dashboard(federation, WEEK, "interventions.urgent", count=1)
    assert data.points == [(WEEK, 50)]
    omh_status = next(s for s in data.statuses if s.organisation.pk == omh.pk)
    assert omh_status.status == selectors.SUBMITTED


def test_the_dashboard_page_reads_as_many_queries_whatever_the_members_and_weeks(
    region, client, django_assert_max_num_queries
):
    """The page's queries do not grow with the members nor the weeks of the chart: the
    members with their week grouped per member, the cached départements, the kept regional
    figures (plus the app's shell)."""
    from relais.core.roles import Role

    federation, (tours, omh, vdb) = region
    client.force_login(MembershipFactory(organisation=tours, role=Role.FEDERATION_ANALYST).user)
    url = reverse("federation:dashboard")

    def page():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"semaine": WEEK.code}).status_code == 200
        return len(queries)

    for week in (WEEK.previous(), WEEK):
        for member, n in ((tours, 12), (omh, 3), (vdb, 20)):
            _urgent(member, week, n)
    services.regional_rebuild([WEEK.previous().start, WEEK.start])
    page()  # the départements into the cache
    few = page()
    for n in range(4):
        member = OrganisationFactory(name=f"Membre {n}", federation=federation)
        for week in (WEEK.previous(2), WEEK.previous(), WEEK):
            _urgent(member, week, 7 + n)
    services.regional_rebuild([WEEK.previous(2).start, WEEK.previous().start, WEEK.start])
    page()
    assert page() == few
    with django_assert_max_num_queries(PAGE_QUERIES):
        page()


def _weeks(plan, member):
    return {week.code for week, members in plan.items() if member.pk in members}


def test_a_payment_dated_last_week_refreshes_that_week(region):
    from relais.rent.models import Payment

    _federation, (tours, omh, _vdb) = region
    services.refresh(now=NOW)
    Payment.objects.create(
        organisation=tours,
        amount_cents=45_000,
        received_on=WEEK.start + dt.timedelta(days=2),
        method="transfer",
    )
    plan = services.incremental_plan([tours.pk, omh.pk], NOW + dt.timedelta(hours=1))
    assert _weeks(plan, tours) == {"2026-W10", "2026-W11"}
    assert _weeks(plan, omh) == {"2026-W11"}  # only the member the payment touched


def test_a_back_dated_stock_movement_refreshes_every_week_since(region):
    from relais.supplies.models import Item, Movement, MovementKind
    from relais.supplies.stock.services import items_ensure_defaults

    from ..supplies.fixtures import make_location

    _federation, (tours, omh, _vdb) = region
    items_ensure_defaults(tours)
    location = make_location(tours, name="Magasin")
    item = Item.objects.filter(organisation=tours).first()

    def movement(day):
        Movement.objects.create(
            organisation=tours,
            item=item,
            location=location,
            kind=MovementKind.ISSUE,
            quantity=-5,
            occurred_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
        )

    movement(WEEK.start - dt.timedelta(days=20))
    services.refresh(now=NOW)
    plan = services.incremental_plan([tours.pk, omh.pk], NOW + dt.timedelta(hours=1))
    assert _weeks(plan, tours) == {"2026-W11"}  # the movement before the run: nothing more
    movement(WEEK.start - dt.timedelta(days=3))  # recorded now, dated in week 9
    plan = services.incremental_plan([tours.pk, omh.pk], NOW + dt.timedelta(hours=1))
    assert _weeks(plan, tours) == {"2026-W09", "2026-W10", "2026-W11"}
    assert _weeks(plan, omh) == {"2026-W11"}


def test_a_work_site_stopped_on_an_earlier_day_refreshes_that_week(region):
    from relais.worksites.services import site_stop

    _federation, (tours, _omh, _vdb) = region
    site = WorkSiteFactory(organisation=tours, status=SiteStatus.RUNNING)
    services.refresh(now=NOW)
    actor = MembershipFactory(organisation=tours, role="director").user
    site_stop(actor=actor, site=site, on=WEEK.start + dt.timedelta(days=1))
    plan = services.incremental_plan([tours.pk], NOW + dt.timedelta(hours=1))
    assert _weeks(plan, tours) == {"2026-W10", "2026-W11"}
    services.refresh(now=NOW + dt.timedelta(hours=1))
    stopped = IndicatorValue.objects.filter(organisation=tours, key="worksites.stopped")
    # the week it was stopped in counts it; the other week counts 0 (in use, nothing then)
    assert {(s.week_start, s.value) for s in stopped if s.value} == {(WEEK.start, 1)}


def test_a_restart_still_counts_in_its_week_after_the_site_stops_again(region):
    """ADR 0054: the week of a site's first restart, recomputed after a second stop, still
    counts it; the second stop marks the weeks of the whole history for the refresh."""
    from relais.worksites.services import restart_sign, site_stop

    _federation, (tours, _omh, _vdb) = region
    director = MembershipFactory(organisation=tours, role="director").user
    site = WorkSiteFactory(organisation=tours, status=SiteStatus.RUNNING)
    site_stop(actor=director, site=site, on=WEEK.previous().start)  # week 9
    site.checklist.update(done_on=WEEK.start)
    restart_sign(actor=director, site=site, on=WEEK.start + dt.timedelta(days=1))  # week 10
    services.refresh(now=NOW)
    site_stop(actor=director, site=site, on=WEEK.end)  # week 11, a Monday
    plan = services.incremental_plan([tours.pk], NOW + dt.timedelta(hours=1))
    assert _weeks(plan, tours) == {"2026-W09", "2026-W10", "2026-W11"}
    services.refresh(weeks=[WEEK.previous(), WEEK, Week(WEEK.end)])
    values = {
        (v.key, v.week_start): v.value
        for v in IndicatorValue.objects.filter(organisation=tours, key__startswith="worksites.")
    }
    assert values[("worksites.restarted", WEEK.start)] == 1
    assert values[("worksites.stopped", WEEK.previous().start)] == 1
    assert values[("worksites.stopped", WEEK.end)] == 1
    assert values[("worksites.stopped", WEEK.start)] == 0


def test_a_site_stopped_twice_in_a_week_counts_once(region):
    from relais.worksites.services import restart_sign, site_stop

    _federation, (tours, _omh, _vdb) = region
    director = MembershipFactory(organisation=tours, role="director").user
    site = WorkSiteFactory(organisation=tours, status=SiteStatus.RUNNING)
    site_stop(actor=director, site=site, on=WEEK.start)
    site.checklist.update(done_on=WEEK.start)
    restart_sign(actor=director, site=site, on=WEEK.start + dt.timedelta(days=1))
    site_stop(actor=director, site=site, on=WEEK.start + dt.timedelta(days=2))
    WorkSiteFactory(organisation=tours, status=SiteStatus.STOPPED, stopped_on=WEEK.start)
    services.refresh(weeks=[WEEK])
    stopped = IndicatorValue.objects.get(
        organisation=tours, key="worksites.stopped", week_start=WEEK.start
    )
    assert stopped.value == 2  # two sites, three stops


def test_a_rent_run_for_a_past_month_refreshes_that_months_weeks(
    region, django_capture_on_commit_callbacks
):
    from relais.rent.models import RentCall
    from relais.rent.run import rent_run_start

    from ..factories import BuildingFactory, LeaseFactory

    _federation, (tours, omh, _vdb) = region
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)  # two months back
    week = Week.of(month + dt.timedelta(days=(7 - month.weekday()) % 7))  # its first Monday
    building = BuildingFactory(residence__organisation=tours)
    for reference in ("BAIL-1", "BAIL-2"):
        LeaseFactory(
            dwelling__building=building,
            reference=reference,
            start_date=dt.date(2020, 1, 1),
            rent_cents=45_000,
            charges_cents=8_000,
            housing_benefit_cents=0,
        )
    services.refresh()
    assert not IndicatorValue.objects.filter(key="rent.collection").exists()  # no call yet
    accountant = MembershipFactory(organisation=tours, role="accountant").user
    with django_capture_on_commit_callbacks(execute=True):
        rent_run_start(organisation=tours, actor=accountant, month=month)  # late: a past month
    plan = services.incremental_plan([tours.pk, omh.pk], timezone.now())
    assert week.code in _weeks(plan, tours)
    assert _weeks(plan, omh) == {Week.of(today).code} | (
        {Week.of(today).previous().code} if today.weekday() < services.LATE_DAYS else set()
    )
    services.refresh()
    collected = IndicatorValue.objects.get(
        organisation=tours, week_start=week.start, key="rent.collection"
    )
    assert (collected.value, collected.base) == (0, 2)  # two calls, nothing paid yet
    arrears = IndicatorValue.objects.get(
        organisation=tours, week_start=week.start, key="rent.arrears"
    )
    called = RentCall.objects.filter(organisation=tours, month=month)
    assert called.count() == 2 and arrears.value == sum(c.amount_cents for c in called) > 0


def test_a_lease_signed_on_an_earlier_day_refreshes_that_week(region):
    from relais.allocation.vacancies.services import vacancy_transition

    from ..allocation.factories import VacancyFactory

    _federation, (tours, omh, _vdb) = region
    vacancy = VacancyFactory(status="allocated", dwelling__building__residence__organisation=tours)
    services.refresh()
    signed = Week.of(timezone.localdate()).previous(3)
    actor = MembershipFactory(organisation=tours, role="director").user
    vacancy_transition(vacancy=vacancy, actor=actor, to="let", on=signed.start)
    plan = services.incremental_plan([tours.pk, omh.pk], timezone.now())
    assert signed.code in _weeks(plan, tours)
    assert signed.code not in _weeks(plan, omh)
