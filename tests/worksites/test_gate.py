"""The gate self-check (issue 16 §2): a phone form behind a hashed, expiring, revocable link;
one entry per submission; people with symptoms kept out; the log read by site staff only."""

import datetime as dt
import hashlib
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.worksites import services
from relais.worksites.models import GateEntry, GateLink

from .factories import SiteCompanyFactory, WorkSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(organisation):
    return WorkSiteFactory(organisation=organisation)


@pytest.fixture
def link_token(site, member_factory):
    technician, _client = member_factory(Role.TECHNICIAN)
    return services.gate_link_create(actor=technician, site=site)


def answer(client, token, company, symptoms="no", key=None, name="Ali Benali"):
    return client.post(
        reverse("worksites:gate", args=[token]),
        {
            "person_name": name,
            "company": str(company.pk),
            "other_company": "",
            "symptoms": symptoms,
            "key": str(key or uuid.uuid4()),
        },
    )


def test_only_the_hash_of_the_token_is_stored(link_token):
    link, token = link_token
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not GateLink.objects.filter(token_hash=token).exists()


def test_a_worker_without_symptoms_is_admitted_once_per_submission(client, site, link_token):
    _link, token = link_token
    company = SiteCompanyFactory(site=site)
    assert client.get(reverse("worksites:gate", args=[token])).status_code == 200
    key = uuid.uuid4()
    first = answer(client, token, company, key=key)
    again = answer(client, token, company, key=key)  # a double tap on a bad connection
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    entry = GateEntry.objects.get()
    assert (entry.admitted, entry.company_name, entry.day) == (
        True,
        "Maçonnerie Berry",
        timezone.localdate(),
    )
    page = client.get(first["Location"]).content.decode()
    assert "Julie Martin" in page  # the company's COVID referent


def test_a_worker_with_symptoms_is_kept_out(client, site, link_token):
    _link, token = link_token
    company = SiteCompanyFactory(site=site)
    response = answer(client, token, company, symptoms="yes")
    entry = GateEntry.objects.get()
    assert entry.admitted is False
    assert 'data-testid="refused"' in client.get(response["Location"]).content.decode()


def test_bad_answers_are_refused_with_the_field_named(client, site, link_token):
    _link, token = link_token
    response = client.post(
        reverse("worksites:gate", args=[token]),
        {
            "person_name": "",
            "company": "other",
            "other_company": "",
            "symptoms": "",
            "key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert GateEntry.objects.count() == 0
    assert "Give the name of your company." in response.content.decode() or (
        "Indiquez le nom de votre entreprise." in response.content.decode()
    )


def test_expired_revoked_and_unknown_links(client, site, link_token, member_factory):
    link, token = link_token
    url = reverse("worksites:gate", args=[token])
    GateLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(url).status_code == 410
    assert client.post(url, {}).status_code == 410
    GateLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    technician, _c = member_factory(Role.TECHNICIAN)
    services.gate_link_revoke(actor=technician, link=link)
    assert client.get(url).status_code == 410
    assert client.get(reverse("worksites:gate", args=["nope"])).status_code == 404
    assert GateEntry.objects.count() == 0


def test_the_gate_log_is_for_site_staff_and_each_reading_audited(
    client, site, link_token, member_factory
):
    _link, token = link_token
    answer(client, token, SiteCompanyFactory(site=site), name="Ali Benali")
    url = reverse("worksites:access_log", args=[site.pk])
    _caretaker, caretaker_client = member_factory(Role.CARETAKER)
    assert caretaker_client.get(url).status_code == 403
    _manager, manager_client = member_factory(Role.MANAGER)
    page = manager_client.get(url).content.decode()
    assert "Ali Benali" in page
    assert AuditEvent.objects.filter(action="worksite.access_log_viewed").count() == 1


def test_the_poster_shows_the_code_once_to_its_creator(site, member_factory):
    _tech, tech_client = member_factory(Role.TECHNICIAN)
    response = tech_client.post(reverse("worksites:gate_link_create", args=[site.pk]))
    poster = tech_client.get(response["Location"]).content.decode()
    assert "<svg" in poster and "/chantier/acces/" in poster
    _other, other_client = member_factory(Role.MANAGER)
    assert "<svg" not in other_client.get(response["Location"]).content.decode()


def test_old_self_checks_are_purged_after_the_retention(client, site, link_token, settings):
    _link, token = link_token
    company = SiteCompanyFactory(site=site)
    answer(client, token, company, name="Ancien")
    answer(client, token, company, name="Récent")
    GateEntry.objects.filter(person_name="Ancien").update(day=dt.date(2026, 10, 1))
    GateEntry.objects.filter(person_name="Récent").update(day=dt.date(2026, 11, 20))
    settings.WORKSITES_GATE_LOG_DAYS = 30
    assert services.gate_log_purge(today=dt.date(2026, 12, 1)) == 1
    assert list(GateEntry.objects.values_list("person_name", flat=True)) == ["Récent"]
    event = AuditEvent.objects.get(action="worksite.gate_log_purged")
    assert event.changes["count"] == 1 and event.organisation_id == site.organisation_id
    assert services.gate_log_purge(today=dt.date(2026, 12, 1)) == 0


def test_nobody_enters_a_stopped_site(client, site, link_token):
    _link, token = link_token
    company = SiteCompanyFactory(site=site)
    services.site_stop(actor=None, site=site, on=timezone.localdate())
    page = client.get(reverse("worksites:gate", args=[token])).content.decode()
    assert 'data-testid="site-stopped"' in page
    answer(client, token, company)
    assert GateEntry.objects.count() == 0


def test_a_changed_answer_with_the_same_form_keeps_the_last_one(client, site, link_token):
    _link, token = link_token
    company = SiteCompanyFactory(site=site)
    key = uuid.uuid4()
    answer(client, token, company, key=key)
    answer(client, token, company, key=key, symptoms="yes")
    entry = GateEntry.objects.get()
    assert (entry.no_symptoms, entry.admitted) == (False, False)


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        (0, "0 mesure obligatoire faite sur 11"),
        (1, "1 mesure obligatoire faite sur 11"),
        (2, "2 mesures obligatoires faites sur 11"),
    ],
)
def test_the_home_card_progress_agrees_with_its_count(done, expected):
    """Trial: « 0 mesures obligatoires faites sur 11 » (French: 0 and 1 take the singular)."""
    from types import SimpleNamespace

    from django.utils import translation

    from relais.worksites.contributions import _progress

    with translation.override("fr"):
        assert _progress(SimpleNamespace(mandatory_done=done, mandatory_total=11)) == expected
