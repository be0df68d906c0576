"""The frame around every page: error pages, legal pages, the CSP header, the deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import Error
from django.test import Client, RequestFactory, override_settings
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from config import urls as project_urls
from relais.core.roles import Role
from relais.core.site import checks, errors

from ..factories import HouseholdFactory, OrganisationFactory

ROOT = Path(__file__).resolve().parents[2]


def tr(message: str) -> str:
    with translation.override("fr"):
        return gettext(message)


def _broken_view(request):
    raise RuntimeError("boom")


# The project's URLconf plus a view that fails, and the project's 500 handler.
urlpatterns = [path("panne/", _broken_view), *project_urls.urlpatterns]
handler500 = "relais.core.site.errors.server_error"


def _is_french_error_page(response, status: int, title: str) -> bool:
    body = response.content.decode()
    return (
        response.status_code == status
        and '<html lang="fr">' in body
        and 'data-testid="error-page"' in body
        and escape(tr(title)) in body
        and "relais/relais.css" in body  # styled like every page
        and f'href="{reverse("core:home")}"' in body  # a way back
    )


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_unknown_page_is_a_french_404_with_a_way_back(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    response = client.get("/n-existe-pas/")
    assert _is_french_error_page(response, 404, "Page not found")


@pytest.mark.django_db
def test_another_organisations_object_is_the_same_404(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    foreign = HouseholdFactory(organisation=OrganisationFactory(name="Scalis"))
    response = client.get(reverse("housing:household_detail", args=[foreign.pk]))
    assert _is_french_error_page(response, 404, "Page not found")


@pytest.mark.django_db
def test_a_role_without_the_ability_gets_a_french_403(member_factory):
    _user, client = member_factory(Role.TECHNICIAN)
    response = client.get(reverse("housing:household_list"))
    assert _is_french_error_page(response, 403, "Access refused")


@pytest.mark.django_db
def test_a_bad_host_is_a_french_400():
    response = Client().get("/", HTTP_HOST="ailleurs.example")
    assert _is_french_error_page(response, 400, "Request not understood")


@pytest.mark.django_db
def test_an_expired_form_is_a_french_csrf_page_not_an_english_one(member_factory):
    user, _client = member_factory(Role.DIRECTOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("core:crisis"), {"mode": "crisis"})
    assert _is_french_error_page(response, 403, "This form has expired")
    assert "CSRF verification failed" not in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_is_a_french_500_page():
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    body = response.content.decode()
    assert escape(tr("Something went wrong on our side")) in body
    assert 'data-testid="error-page"' in body and "relais/relais.css" in body
    assert "RuntimeError" not in body and "boom" not in body


@pytest.mark.django_db
def test_the_500_page_does_not_touch_the_database(django_assert_num_queries):
    request = RequestFactory().get("/panne/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert tr("Go to the home page") in response.content.decode()


@pytest.mark.django_db
def test_the_previous_page_link_only_leads_back_to_this_site(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    here = client.get("/n-existe-pas/", HTTP_REFERER="http://testserver/patrimoine/menages/")
    assert 'href="http://testserver/patrimoine/menages/"' in here.content.decode()
    elsewhere = client.get("/n-existe-pas/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in elsewhere.content.decode()
    assert 'data-testid="error-back"' not in elsewhere.content.decode()


# --- legal pages and footer ---------------------------------------------------------------

OPERATOR = {
    **settings.RELAIS_OPERATOR,
    "name": "Tours Habitat OPH",
    "address": "23 rue Marcel Tribut, 37000 Tours",
    "registration": "SIREN 273 700 015",
    "phone": "02 47 60 13 00",
    "publication_director": "Claire Moreau",
    "dpo_email": "dpo@tours-habitat.example",
    "support_email": "support@tours-habitat.example",
    "support_phone": "02 47 60 13 13",
    "host_name": "Hébergeur Exemple SAS",
    "host_address": "1 rue de l'Hébergement, 75000 Paris",
}
LEGAL_PAGES = ("site:legal_notice", "site:personal_data", "site:accessibility")


@pytest.mark.django_db
@pytest.mark.parametrize("name", LEGAL_PAGES)
def test_legal_pages_are_public_and_name_the_operator(name):
    with override_settings(RELAIS_OPERATOR=OPERATOR):
        body = Client().get(reverse(name)).content.decode()
    assert "Tours Habitat OPH" in body
    assert "à renseigner" not in body


@pytest.mark.django_db
def test_the_legal_notice_holds_what_the_law_requires():
    with override_settings(RELAIS_OPERATOR=OPERATOR):
        body = Client().get(reverse("site:legal_notice")).content.decode()
    for detail in ("23 rue Marcel Tribut", "02 47 60 13 00", "Claire Moreau", "SIREN 273 700 015"):
        assert detail in body
    assert "Hébergeur Exemple SAS" in body and "75000 Paris" in body


@pytest.mark.django_db
def test_the_personal_data_notice_says_what_why_how_long_and_the_rights():
    with override_settings(RELAIS_OPERATOR=OPERATOR):
        body = Client().get(reverse("site:personal_data")).content.decode()
    for part in ("Base légale", "Combien de temps", "Vos droits", "CNIL", "dpo@tours-habitat"):
        assert part in body
    assert "registre des personnes vulnérables" in body  # the consent-based processing


@pytest.mark.django_db
def test_an_unset_operator_detail_is_shown_as_missing_not_left_blank():
    blank = dict.fromkeys(OPERATOR, "")
    with override_settings(RELAIS_OPERATOR=blank):
        body = Client().get(reverse("site:legal_notice")).content.decode()
    assert "à renseigner par l&#x27;exploitant" in body or "à renseigner par l'exploitant" in body


@pytest.mark.django_db
def test_every_page_has_the_footer_with_the_support_contact(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    with override_settings(RELAIS_OPERATOR=OPERATOR):
        for url in (reverse("core:home"), reverse("site:accessibility"), "/n-existe-pas/"):
            body = client.get(url).content.decode()
            assert 'href="mailto:support@tours-habitat.example"' in body, url
            for name in LEGAL_PAGES:
                assert f'href="{reverse(name)}"' in body, url


# --- Content-Security-Policy -----------------------------------------------------------


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_without_inline_code(member_factory):
    _user, client = member_factory(Role.DIRECTOR)
    for url in (reverse("core:home"), reverse("site:legal_notice"), "/n-existe-pas/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe" not in policy


# --- deploy checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_url", "error"),
    [
        ("", "relais.E001"),
        ("relais.example.org", "relais.E002"),
        ("ftp://relais.example.org", "relais.E002"),
        ("http://127.0.0.1:8000", "relais.E003"),
        ("http://127.4.5.6", "relais.E003"),
        ("http://localhost:8000/", "relais.E003"),
        ("http://relais.localhost", "relais.E003"),
        ("http://[::1]:8000", "relais.E003"),
        ("http://0.0.0.0:8000", "relais.E003"),
        ("https://relais.example.org", None),
        ("https://10.0.0.5", None),  # a private address still reaches other machines
    ],
)
def test_site_url_rules(site_url, error):
    found = checks.site_url_errors(site_url)
    assert [e.id for e in found] == ([error] if error else [])
    assert all(isinstance(e, Error) for e in found)


def test_site_url_is_only_required_in_production():
    with override_settings(DEBUG=True, SITE_URL=""):
        assert checks.check_site_url(None) == []
    with override_settings(DEBUG=False, SITE_URL="http://127.0.0.1:8000"):
        assert [e.id for e in checks.check_site_url(None)] == ["relais.E003"]


def _check_deploy(**env) -> subprocess.CompletedProcess:
    """``manage.py check --deploy --fail-level WARNING`` with production settings."""
    production = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "relais.example.org",
        "SITE_URL": "https://relais.example.org",
        **{f"OPERATOR_{key.upper()}": value for key, value in OPERATOR.items() if value},
    }
    production.update(env)
    production = {key: value for key, value in production.items() if value is not None}
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=production, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings_csp_included():
    result = _check_deploy()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("site_url", "error"), [(None, "relais.E001"), ("http://127.0.0.1:8000", "relais.E003")]
)
def test_check_deploy_fails_without_a_public_site_url(site_url, error):
    result = _check_deploy(SITE_URL=site_url)
    assert result.returncode == 1
    assert error in result.stderr


def test_check_deploy_warns_about_missing_operator_details():
    result = _check_deploy(OPERATOR_DPO_EMAIL=None, OPERATOR_HOST_NAME=None)
    assert result.returncode == 1
    assert "relais.W001" in result.stderr
    assert "OPERATOR_DPO_EMAIL" in result.stderr and "OPERATOR_HOST_NAME" in result.stderr


def test_make_demo_points_site_url_to_the_port_it_serves():
    show = "show:\n\t@echo $$SITE_URL\n"
    command = ["make", "--no-print-directory", "-f", "Makefile", "-f", "-", "show", "PORT=8123"]
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(command, cwd=ROOT, input=show, capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "http://127.0.0.1:8123"


@pytest.mark.django_db
def test_the_favicon_is_the_mark():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("relais/favicon.svg")
