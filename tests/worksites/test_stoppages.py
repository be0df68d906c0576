"""The history of a site's stops (ADR 0054): each stop a ``Stoppage`` row closed by the signed
restart, kept when the site stops again; the crisis switch opens one row per site it stops in
one statement; never two open rows; the migration's backfill; the site's page."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relais.core.roles import Role
from relais.core.services import crisis_mode_change
from relais.core.templatetags.relais import person
from relais.worksites import services
from relais.worksites.models import SiteStatus, Stoppage, WorkSite

from .factories import WorkSiteFactory

pytestmark = pytest.mark.django_db
FIRST_STOP, RESTART, SECOND_STOP = dt.date(2026, 3, 3), dt.date(2026, 3, 10), dt.date(2026, 3, 18)


def _history(site):
    return list(
        Stoppage.objects.filter(site=site)
        .order_by("stopped_on")
        .values_list("stopped_on", "restarted_on", "restart_signed_by")
    )


def _restart(site, director, on):
    site.checklist.update(done_on=on)
    return services.restart_sign(actor=director, site=site, on=on)


def test_a_site_stopped_again_keeps_its_first_stop_and_restart(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=director, site=site, on=FIRST_STOP)
    assert _history(site) == [(FIRST_STOP, None, None)]
    _restart(site, director, RESTART)
    assert _history(site) == [(FIRST_STOP, RESTART, director.pk)]
    services.site_stop(actor=director, site=site, on=SECOND_STOP)
    site.refresh_from_db()
    # The site holds its current stop only; the history holds both.
    assert (site.stopped_on, site.restarted_on) == (SECOND_STOP, None)
    assert _history(site) == [(FIRST_STOP, RESTART, director.pk), (SECOND_STOP, None, None)]
    _restart(site, director, SECOND_STOP)
    assert _history(site)[-1] == (SECOND_STOP, SECOND_STOP, director.pk)


def test_a_stop_before_the_last_restart_is_refused(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    _manager, client = member_factory(Role.MANAGER)
    site = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=director, site=site, on=FIRST_STOP)
    with pytest.raises(services.RestartRefused):  # a restart dated before its stop
        _restart(site, director, FIRST_STOP - dt.timedelta(days=1))
    _restart(site, director, RESTART)
    with pytest.raises(ValidationError) as refused:
        services.site_stop(actor=director, site=site, on=RESTART - dt.timedelta(days=1))
    assert "stopped_on" in refused.value.message_dict
    page = client.post(
        reverse("worksites:site_stop", args=[site.pk]),
        {"stopped_on": RESTART - dt.timedelta(days=1), "note": ""},
        follow=True,
    ).content.decode()
    assert "Le chantier a repris le 10 mars 2026 : il ne peut pas s’arrêter avant." in page
    assert _history(site) == [(FIRST_STOP, RESTART, director.pk)]


def test_a_site_never_has_two_open_stops(organisation):
    site = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=None, site=site, on=FIRST_STOP)
    with pytest.raises(services.RestartRefused):  # stopped already: refused by the service
        services.site_stop(actor=None, site=site, on=SECOND_STOP)
    with pytest.raises(IntegrityError), transaction.atomic():  # and by the database
        Stoppage.objects.create(organisation=organisation, site=site, stopped_on=SECOND_STOP)
    # Closed rows of the same site are many.
    Stoppage.objects.create(
        organisation=organisation, site=site, stopped_on=FIRST_STOP, restarted_on=FIRST_STOP
    )
    assert Stoppage.objects.filter(site=site, restarted_on__isnull=True).count() == 1


def test_the_switch_opens_one_row_per_site_it_stops_in_one_statement(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    running = [WorkSiteFactory(organisation=organisation) for _ in range(3)]
    restarted = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=None, site=restarted, on=FIRST_STOP)
    _restart(restarted, director, RESTART)
    stopped = WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED)
    services.site_stop(actor=None, site=WorkSiteFactory(organisation=organisation), on=RESTART)
    not_started = WorkSiteFactory(organisation=organisation, status=SiteStatus.PREPARING)
    other = WorkSiteFactory()  # another landlord's
    before = Stoppage.objects.count()
    with CaptureQueriesContext(connection) as queries:
        crisis_mode_change(
            organisation=organisation,
            actor=None,
            mode="crisis",
            switches={"worksites_stopped": True},
        )
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "worksites_stoppage"')]
    assert len(inserts) == 1
    assert Stoppage.objects.count() == before + 4
    today = WorkSite.objects.get(pk=running[0].pk).stopped_on
    for site in running:
        assert _history(site) == [(today, None, None)]
    assert _history(restarted) == [(FIRST_STOP, RESTART, director.pk), (today, None, None)]
    for site in (stopped, not_started, other):
        assert _history(site) == []
    # Turned on again (nothing running any more): no row doubled.
    services.stop_all_running(organisation=organisation, actor=None, on=True)
    assert Stoppage.objects.count() == before + 4


def test_the_backfill_copies_each_sites_current_stop(organisation, member_factory):
    director, _client = member_factory(Role.DIRECTOR)
    stopped = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=None, site=stopped, on=FIRST_STOP)
    restarted = WorkSiteFactory(organisation=organisation)
    services.site_stop(actor=None, site=restarted, on=FIRST_STOP)
    _restart(restarted, director, RESTART)
    never = WorkSiteFactory(organisation=organisation)
    Stoppage.objects.all().delete()  # as before the migration
    migration = importlib.import_module("relais.worksites.migrations.0002_stoppages")
    migration.backfill(apps, SimpleNamespace(connection=connection))
    rows = set(
        Stoppage.objects.values_list(
            "organisation", "site", "stopped_on", "restarted_on", "restart_signed_by"
        )
    )
    assert rows == {
        (organisation.pk, stopped.pk, FIRST_STOP, None, None),
        (organisation.pk, restarted.pk, FIRST_STOP, RESTART, director.pk),
    }
    assert not Stoppage.objects.filter(site=never).exists()
    signed = Stoppage.objects.get(site=restarted).restart_signed_at
    assert signed == WorkSite.objects.get(pk=restarted.pk).restart_signed_at


def test_the_sites_page_shows_its_stops(organisation, member_factory):
    director, client = member_factory(Role.DIRECTOR)
    site = WorkSiteFactory(organisation=organisation)
    url = reverse("worksites:site_detail", args=[site.pk])
    assert 'data-testid="stoppages"' not in client.get(url).content.decode()
    services.site_stop(actor=director, site=site, on=FIRST_STOP)
    _restart(site, director, RESTART)
    services.site_stop(actor=director, site=site, on=SECOND_STOP)
    page = client.get(url).content.decode()
    history = page[page.index('data-testid="stoppages"') : page.index('data-testid="companies"')]
    assert "Arrêts du chantier" in history
    assert history.index("18 mars 2026") < history.index("3 mars 2026")  # newest first
    assert "10 mars 2026" in history and f"<td>{person(director)}</td>" in history
    assert "toujours arrêté" in history
