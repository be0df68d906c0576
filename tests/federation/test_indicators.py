"""Federation indicators: computed set-based from members' data ("not in use" when a member
does not use the capability), small counts suppressed outside the member, submissions by form
and CSV (bad rows named, nothing stored), completeness, reminders, exports, no personal data."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from relais.core.models import AuditEvent, Federation, Organisation
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role
from relais.federation.indicators import registry, selectors, services
from relais.federation.indicators.forms import FiguresForm, parse_csv
from relais.federation.indicators.models import IndicatorValue, Source
from relais.federation.indicators.registry import Week
from relais.federation.indicators.suppression import disclose, is_suppressed
from relais.federation.opendata import bulletin, exports
from relais.worksites.models import SiteStatus

from ..factories import LeaseFactory, MembershipFactory, OccupantFactory, OrganisationFactory
from ..worksites.factories import WorkSiteFactory

WEEK = Week.parse("2026-W10")  # 2 to 8 March 2026


@pytest.fixture
def region(db):
    federation = Federation.objects.create(name="USH Centre-Val de Loire", slug="ush-cvl")
    members = [
        OrganisationFactory(name=name, federation=federation, contact_email=f"contact@{slug}.fr")
        for name, slug in (
            ("Tours Habitat", "tours"),
            ("Orléans Métropole Habitat", "omh"),
            ("Val de Berry", "vdb"),
            ("Chartres Habitat", "chartres"),
        )
    ]
    return federation, members


def _client(organisation, role):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


def _stop_sites(organisation, count, day=WEEK.start):
    for _ in range(count):
        WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED, stopped_on=day)


def test_week_codes_round_trip():
    assert WEEK.start == dt.date(2026, 3, 2)
    assert WEEK.code == "2026-W10"
    assert Week.parse("2026-03-05") == WEEK
    with pytest.raises(ValueError):
        Week.parse("semaine 10")


def test_refresh_computes_every_member_at_once_and_not_in_use_is_no_row(region):
    _federation, (tours, omh, vdb, _chartres) = region
    _stop_sites(tours, 3)
    _stop_sites(omh, 1, day=WEEK.start - dt.timedelta(days=10))  # uses work sites, none this week
    result = services.refresh(weeks=[WEEK])
    values = {
        (v.organisation_id, v.key): v.value
        for v in IndicatorValue.objects.filter(week_start=WEEK.start)
    }
    assert values[(tours.pk, "worksites.stopped")] == 3
    # in use (a row of an earlier week), nothing that week: a count of 0, not "not in use"
    assert values[(omh.pk, "worksites.stopped")] == 0
    assert not any(org == vdb.pk for org, _key in values)  # not in use: no row at all
    assert result.rows == len(values)
    services.refresh(weeks=[WEEK])  # again: same rows, nothing doubled
    assert IndicatorValue.objects.filter(week_start=WEEK.start).count() == len(values)


def test_refresh_uses_one_query_per_indicator_whatever_the_members(
    region, django_assert_max_num_queries
):
    _federation, members = region
    for member in members:
        _stop_sites(member, 2)
    budget = len(registry.INDICATORS) + len(registry.CAPABILITIES) + 12
    with django_assert_max_num_queries(budget):
        services.refresh(weeks=[WEEK])


def test_incremental_refresh_takes_the_current_week_and_changed_weeks(region):
    _federation, (tours, *_rest) = region
    now = dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC)  # a Wednesday, week 11
    plan = services.incremental_plan([tours.pk], now)
    assert set(plan) == {Week.parse("2026-W11")}


def test_small_counts_are_suppressed_outside_the_member():
    urgent = registry.get("interventions.urgent")
    sessions = registry.get("allocation.sessions")
    assert is_suppressed(urgent, 3, 3) and disclose(urgent, 3, 3) is None
    assert disclose(urgent, 5, 5) == 5 and disclose(urgent, 0, 0) == 0
    assert disclose(sessions, 2, 2) == 2  # commission sessions are not people
    rate = registry.get("rent.collection")
    assert disclose(rate, 97.5, 4) is None and disclose(rate, 97.5, 40) == 97.5


def test_regional_figures_leave_hidden_cells_out(region):
    _federation, (tours, omh, vdb, chartres) = region
    for member, n in ((tours, 12), (omh, 3), (vdb, 20), (chartres, 7)):
        IndicatorValue.objects.create(
            organisation=member,
            week_start=WEEK.start,
            key="interventions.urgent",
            value=n,
            base=n,
            source=Source.COMPUTED,
        )
    rows = selectors.values_for([m.pk for m in region[1]], [WEEK.start])
    urgent = next(r for r in selectors.regional(rows) if r.indicator.key == "interventions.urgent")
    assert (urgent.value, urgent.members, urgent.hidden, urgent.median) == (39, 3, 1, 12)
    csv_rows = exports.member_rows(region[0], WEEK)
    omh_row = next(r for r in csv_rows if r["member"] == omh.name)
    assert omh_row["value"] is None and omh_row["suppressed"] is True


def test_csv_errors_name_row_and_field():
    text = (
        "week;indicator;value\n2026-W10;rent.collection;97,5\n"
        "semaine;nope;abc\n2026-W10;rent.collection;120\n"
    )
    with translation.override("en"):
        figures, errors = parse_csv(text)
        missing = parse_csv("week,indicator\n")[1]
    assert errors == [
        "Row 3, week: not a week (2026-W48) nor a date (2026-11-23)",
        "Row 3, indicator: unknown indicator",
        "Row 3, value: not a number",
        "Row 4, value: a percentage is at most 100",
    ]
    assert len(missing) == 1 and "value" in missing[0]
    assert list(figures) == [(WEEK.start, "rent.collection")]


def test_a_decimal_comma_is_read_the_french_way_never_cut_off():
    unquoted = "week,indicator,value\n2026-W10,proximity.rounds,92,5\n"
    with translation.override("en"):
        figures, errors = parse_csv(unquoted)
    assert figures == {} and errors == [
        "Row 2: 4 cells for 3 columns (a decimal comma in a comma-separated file must be "
        "quoted, or use « ; »)."
    ]
    quoted = 'week,indicator,value\n2026-W10,proximity.rounds,"92,5"\n'
    semicolons = "week;indicator;value\n2026-W10;rent.arrears;1 234 567\n"
    assert parse_csv(quoted)[0] == {(WEEK.start, "proximity.rounds"): (92.5, None)}
    assert parse_csv(semicolons)[0] == {(WEEK.start, "rent.arrears"): (1234567.0, None)}
    assert parse_csv("week;indicator;value\n2026-W10;rent.arrears;18.000\n")[1]  # 18 or 18,000?


@pytest.mark.django_db
def test_the_form_reads_french_numbers_and_money_in_euros():
    week = FiguresForm().fields["week"].choices[0][0]
    form = FiguresForm({"week": week, "proximity.rounds": "92,5", "rent.arrears": "1 234,56"})
    assert form.is_valid(), form.errors
    assert sorted(value for value, _base in form.figures.values()) == [92.5, 123456.0]
    assert "(€)" in str(form.fields["rent.arrears"].label)


def _upload(client, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("federation:submit_csv"), {"file": upload})


def test_a_bad_csv_is_refused_with_4xx_and_nothing_stored(region):
    _federation, (tours, *_rest) = region
    client = _client(tours, Role.DIRECTOR)
    response = _upload(client, "week,indicator,value\n2026-W10,rent.collection,-4\n")
    assert response.status_code == 400
    assert "Ligne 2, value : doit être un nombre positif" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_analyst_reminds_a_missing_member_who_submits_by_csv(region, settings):
    settings.LANGUAGE_CODE = "en"
    federation, (tours, omh, vdb, chartres) = region
    last_week = Week.of(dt.date.today()).previous()
    _stop_sites(tours, 2, day=last_week.start)
    _stop_sites(omh, 1, day=last_week.start)
    _stop_sites(vdb, 1, day=last_week.start)
    services.refresh(weeks=[last_week])
    analyst = _client(tours, Role.FEDERATION_ANALYST)
    page = analyst.get(reverse("federation:completeness"))
    statuses = {s.organisation.pk: s.status for s in page.context["statuses"]}
    assert statuses[chartres.pk] == "missing" and statuses[tours.pk] == "computed"
    director = MembershipFactory(
        organisation=chartres, role=Role.DIRECTOR, user__email="dg@chartres.fr"
    )
    response = analyst.post(
        reverse("federation:remind", args=[chartres.pk]) + f"?semaine={last_week.code}"
    )
    assert response.status_code == 302
    sent = set(OutboxMessage.objects.filter(organisation=chartres).values_list("to", flat=True))
    assert sent == {"contact@chartres.fr", "dg@chartres.fr"}
    assert AuditEvent.objects.filter(
        action="federation.reminder_sent", organisation=chartres
    ).exists()
    member = Client()
    member.force_login(director.user)
    response = _upload(
        member, f"week,indicator,value,base\n{last_week.code},rent.collection,96.4,812\n"
    )
    assert response.status_code == 302
    page = analyst.get(reverse("federation:completeness"))
    statuses = {s.organisation.pk: s.status for s in page.context["statuses"]}
    assert statuses[chartres.pk] == "submitted"
    csv_text = analyst.get(reverse("federation:export_csv", args=[last_week.code])).content.decode()
    assert (
        f"{last_week.code},{last_week.start.isoformat()},{chartres.name},{chartres.siren or ''},"
        in csv_text
    )
    assert "rent.collection,percent,96.4,false,submitted" in csv_text
    pdf = analyst.get(reverse("federation:bulletin", args=[last_week.code]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_member_sees_its_figures_against_the_median_without_other_names(region):
    _federation, (tours, omh, vdb, chartres) = region
    for member, n in ((tours, 10), (omh, 30), (vdb, 20), (chartres, 40)):
        IndicatorValue.objects.create(
            organisation=member,
            week_start=WEEK.start,
            key="outreach.calls",
            value=n,
            base=n,
            source=Source.COMPUTED,
        )
    response = _client(tours, Role.DIRECTOR).get(
        reverse("federation:my_figures") + f"?semaine={WEEK.code}"
    )
    body = response.content.decode()
    row = next(r for r in response.context["rows"] if r.indicator.key == "outreach.calls")
    assert (row.value, row.median) == (10, 25)
    for other in (omh, vdb, chartres):
        assert other.name not in body
    assert _client(tours, Role.DIRECTOR).get(reverse("federation:dashboard")).status_code == 403


def test_no_personal_data_in_any_aggregate_or_export(region):
    federation, (tours, *_rest) = region
    lease = LeaseFactory(
        dwelling__building__residence__organisation=tours, household__name="Famille Lefebvre"
    )
    OccupantFactory(
        household=lease.household,
        first_name="Josiane",
        last_name="Lefebvre",
        phone="06 12 34 56 78",
        email="josiane.lefebvre@example.org",
    )
    _stop_sites(tours, 6)
    services.refresh(weeks=[WEEK])
    assert IndicatorValue.objects.filter(organisation=tours).exists()
    outputs = [
        exports.to_csv(exports.member_rows(federation, WEEK)),
        exports.to_csv(exports.regional_rows(federation, WEEK), exports.REGIONAL_FIELDS),
        json.dumps(exports.to_json(federation, WEEK), ensure_ascii=False),
        json.dumps(
            bulletin.bulletin_data(federation, WEEK, dt.datetime.now(dt.UTC)), ensure_ascii=False
        ),
        json.dumps(list(IndicatorValue.objects.values()), default=str),
    ]
    personal = [
        "Lefebvre",
        "Josiane",
        "06 12 34 56 78",
        "0612345678",
        "+33612345678",
        "josiane.lefebvre@example.org",
        "Marc Dupuis",
        "Claire Besson",
        "+33612345600",
    ]
    for output in outputs:
        for value in personal:
            assert value not in output


def test_datapackage_in_docs_matches_the_exports():
    from pathlib import Path

    from django.utils.translation import override

    with override("en"):
        built = exports.datapackage()
    stored = json.loads(
        (Path(__file__).parents[2] / "docs/federation/datapackage.json").read_text()
    )
    assert stored == json.loads(json.dumps(built))
    assert [f["name"] for f in stored["resources"][0]["schema"]["fields"]] == [
        name for name, _t, _d in exports.FIELDS
    ]


def test_the_analyst_home_lists_members_that_have_not_reported(region):
    _federation, (tours, omh, vdb, chartres) = region
    response = _client(tours, Role.FEDERATION_ANALYST).get(reverse("core:home"))
    cards = {card.key: card for card in response.context["cards"]}
    assert cards["federation.missing"].count == 4
    assert {row.label for row in cards["federation.missing"].rows} == {m.name for m in region[1]}
    assert Organisation.objects.count() == 4


def test_days_of_cover_is_the_median_item_cover_at_the_end_of_the_week(region):
    from django.utils import timezone

    from relais.supplies.models import Item, Movement, MovementKind
    from relais.supplies.stock.services import items_ensure_defaults

    from ..supplies.fixtures import make_location

    _federation, (tours, *_rest) = region
    items_ensure_defaults(tours)
    location = make_location(tours, name="Magasin")
    masks, gloves = Item.objects.filter(organisation=tours).order_by("pk")[:2]
    start, end = WEEK.bounds()
    day = end - dt.timedelta(days=2)
    for item, received, issued in ((masks, 560, 280), (gloves, 100, 56)):
        Movement.objects.create(
            organisation=tours,
            item=item,
            location=location,
            kind=MovementKind.RECEIPT,
            quantity=received,
            occurred_at=day - dt.timedelta(days=20),
        )
        Movement.objects.create(
            organisation=tours,
            item=item,
            location=location,
            kind=MovementKind.ISSUE,
            quantity=-issued,
            occurred_at=day,
        )
    Movement.objects.create(
        organisation=tours,
        item=masks,
        location=location,
        kind=MovementKind.RECEIPT,
        quantity=1000,
        occurred_at=timezone.now(),
    )
    services.refresh(weeks=[WEEK])
    cover = IndicatorValue.objects.get(organisation=tours, key="supplies.cover")
    # gloves: 44 left, 56 issued in 28 days = 2 a day → 22 days (masks: 280 / 10 = 28 days);
    # the receipt after the week is not counted; the median of 22 and 28 days (one item run
    # low does not make the whole stock read 22 days).
    assert cover.value == 25.0


def test_days_of_cover_of_the_week_in_progress_reads_the_stock_kept_now(region):
    """The week not over counts every unit in stock now, through the movement services."""
    from django.utils import timezone

    from relais.supplies.models import Item
    from relais.supplies.stock import services as stock

    from ..factories import UserFactory
    from ..supplies.fixtures import make_location

    _federation, (tours, *_rest) = region
    stock.items_ensure_defaults(tours)
    actor = UserFactory()
    location = make_location(tours, name="Magasin")
    masks = Item.objects.filter(organisation=tours).order_by("pk").first()
    now = timezone.now()
    when = now - dt.timedelta(days=10)
    kept = {"organisation": tours, "actor": actor, "location": location, "item": masks}
    stock.movement_receive(**kept, quantity=700, when=when - dt.timedelta(days=1))
    stock.movement_issue(**kept, quantity=280, when=when)
    stock.movement_receive(**kept, quantity=140, when=now - dt.timedelta(minutes=1))
    week = Week.of(timezone.localdate())
    services.refresh(weeks=[week])
    cover = IndicatorValue.objects.get(
        organisation=tours, key="supplies.cover", week_start=week.start
    )
    # 700 − 280 + 140 = 560 in stock; 280 issued over 28 days = 10 a day → 56 days.
    assert cover.value == 56.0


def test_a_capability_used_in_earlier_weeks_is_not_shown_not_in_use(region, monkeypatch):
    """The trial: Tours Habitat has urgent requests and late work orders, none this week; its
    page said « non utilisé ». A count is 0, a rate with nothing measured says so."""
    import dataclasses

    _federation, (tours, *_rest) = region
    _stop_sites(tours, 1, day=WEEK.start - dt.timedelta(days=30))
    used = registry.CAPABILITIES["interventions"]
    monkeypatch.setitem(
        registry.CAPABILITIES,
        "interventions",
        dataclasses.replace(used, in_use=lambda ids: {tours.pk} & set(ids)),
    )
    services.refresh(weeks=[WEEK])
    with translation.override("fr"):
        response = _client(tours, Role.DIRECTOR).get(
            reverse("federation:my_figures") + f"?semaine={WEEK.code}"
        )
    rows = {r.indicator.key: r for r in response.context["rows"]}
    assert rows["worksites.stopped"].value == 0
    assert rows["interventions.urgent"].value == 0
    assert rows["interventions.sla"].value is None and rows["interventions.sla"].in_use
    assert not rows["rent.arrears"].in_use
    body = response.content.decode()
    assert "rien à mesurer cette semaine" in body
    assert 'data-testid="median-note"' in body


def test_days_read_with_the_french_plural():
    from relais.federation.indicators.display import figure_text

    with translation.override("fr"):
        assert figure_text("days", 0) == "0,0 jour"
        assert figure_text("days", 1.5) == "1,5 jour"
        assert figure_text("days", 33) == "33,0 jours"


def test_completeness_says_every_member_reported_when_none_is_missing(region):
    federation, members = region
    for member in members:
        IndicatorValue.objects.create(
            organisation=member,
            week_start=WEEK.start,
            key="outreach.calls",
            value=10,
            base=10,
            source=Source.COMPUTED,
        )
    with translation.override("fr"):
        response = _client(members[0], Role.FEDERATION_ANALYST).get(
            reverse("federation:completeness") + f"?semaine={WEEK.code}"
        )
    body = response.content.decode()
    assert "Tous les membres ont transmis leurs chiffres." in body
    assert "0 membre" not in body


def test_the_member_home_card_says_one_thing_figures_or_what_is_missing(region):
    from django.utils import timezone

    _federation, (tours, *_rest) = region
    last = Week.of(timezone.localdate()).previous()
    client = _client(tours, Role.DIRECTOR)

    def card():
        with translation.override("fr"):
            response = client.get(reverse("core:home"))
        found = {c.key: c for c in response.context["cards"]}["federation.my_figures"]
        return found, response.content.decode()

    empty, body = card()
    assert empty.count == 0 and not empty.text and "transmettez" in empty.empty
    IndicatorValue.objects.create(
        organisation=tours, week_start=last.start, key="outreach.calls", value=3, base=3
    )
    full, body = card()
    assert full.count == 1 and "1 chiffre pour la semaine" in full.empty
    assert "Aucun chiffre" not in body


def test_the_csv_writes_cents_and_counts_as_integers(region):
    federation, (tours, *_rest) = region
    IndicatorValue.objects.create(
        organisation=tours,
        week_start=WEEK.start,
        key="rent.arrears",
        value=1008738.0,
        base=40,
        source=Source.COMPUTED,
    )
    text = exports.to_csv(exports.member_rows(federation, WEEK))
    assert ",1008738," in text and "1008738.0" not in text
