"""Applications: derived fields, audited services."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from relais.allocation.applications.services import (
    application_create,
    application_set_status,
    application_update,
    combined_age,
)
from relais.allocation.models import Application, ApplicationStatus
from relais.allocation.scoring import services as scoring
from relais.core.models import AuditEvent

from ..factories import CommuneFactory, EpciFactory
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def create(organisation, communes=(), **fields):
    application = ApplicationFactory.build(organisation=organisation, **fields)
    return application_create(
        organisation=organisation, actor=None, application=application, wished_communes=communes
    )


def years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("fields", "category", "extra"),
    [
        ({"persons": 1, "dependants": 0}, 1, 0),
        ({"persons": 2, "dependants": 1}, 3, 0),  # single adult with a dependant: one up
        ({"persons": 2, "dependants": 0, "is_couple": True}, 2, 0),  # combined ages 70
        ({"persons": 3, "dependants": 1, "has_disabled_member": True, "is_couple": True}, 4, 0),
        ({"persons": 7, "dependants": 5, "is_couple": True}, 6, 1),
    ],
)
def test_household_category_is_derived(organisation, fields, category, extra):
    application = create(
        organisation,
        applicant_birth_date=years_ago(35, 1),
        co_applicant_birth_date=years_ago(35, 1),
        **fields,
    )
    assert (application.household_category, application.extra_persons) == (category, extra)


def test_jeune_menage_uses_the_combined_age_of_both_applicants(organisation):
    young = create(
        organisation,
        persons=2,
        dependants=0,
        is_couple=True,
        applicant_birth_date=years_ago(30, 1),
        co_applicant_birth_date=years_ago(25, 1),
    )
    assert combined_age(young, timezone.localdate()) == 55
    assert young.household_category == 3
    young.co_applicant_birth_date = years_ago(26, 1)
    application_update(actor=None, application=young)
    assert Application.objects.get(pk=young.pk).household_category == 2


@pytest.mark.parametrize(
    ("n1", "last_12", "retained", "basis"),
    [
        (None, None, 20_000, "n2"),
        (18_500, None, 20_000, "n2"),  # 7.5 % lower: not enough
        (18_000, None, 18_000, "n1"),  # exactly 10 % lower
        (17_000, 15_000, 15_000, "12m"),
    ],
)
def test_retained_income(organisation, n1, last_12, retained, basis):
    application = create(
        organisation, income_n2=20_000, income_n1=n1, income_last_12_months=last_12
    )
    stored = Application.objects.get(pk=application.pk)
    assert (stored.reference_income, stored.reference_income_basis) == (retained, basis)


def test_create_scores_and_audits_without_personal_data(organisation, member_factory):
    user, _client = member_factory()
    tours = CommuneFactory()
    application = ApplicationFactory.build(
        organisation=organisation, applicant_last_name="Zanetti", priority_criteria=["dalo"]
    )
    application = application_create(
        organisation=organisation, actor=user, application=application, wished_communes=[tours]
    )
    assert application.scored_with == scoring.ensure_default_grid()
    assert ["priority:dalo", 50] in application.score_explanation
    event = AuditEvent.objects.get(action="application.created")
    assert (event.actor, event.object_repr) == (user, application.registration_number)
    assert "Zanetti" not in json.dumps(event.changes) + event.object_repr


def test_update_audits_field_names_only(organisation):
    tours, joue = CommuneFactory(), CommuneFactory(code="37122", name="Joué-lès-Tours")
    application = create(organisation, [tours], income_n2=21_000)
    application.income_n2 = 23_456
    application.applicant_last_name = "Nouveau-Nom"
    application_update(actor=None, application=application, wished_communes=[joue, tours])
    event = AuditEvent.objects.get(action="application.updated")
    assert event.changes == {
        "fields": [
            "applicant_last_name",
            "income_n2",
            "reference_income",
            "wished_communes",
        ]
    }
    assert "23456" not in json.dumps(event.changes) and "Nouveau" not in event.object_repr
    wished = Application.wished_communes.through.objects.filter(application=application)
    assert list(wished.order_by("pk").values_list("commune_id", flat=True)) == ["37122", "37261"]


def test_saving_unchanged_records_nothing(organisation):
    application = create(organisation)
    application_update(actor=None, application=application, wished_communes=[])
    assert not AuditEvent.objects.filter(action="application.updated").exists()


def test_registration_number_unique_across_the_platform(organisation, other_organisation):
    """The numéro unique is national (ADR 0046): a second registration, here or by another
    landlord, is refused and names the landlord that registered it."""
    create(organisation, registration_number="0372024000001")
    with translation.override("en"):
        with pytest.raises(ValidationError) as elsewhere:
            create(other_organisation, registration_number="0372024000001")
        with pytest.raises(ValidationError) as here:
            create(organisation, registration_number="0372024000001")
    assert "already registered by Tours Habitat" in str(elsewhere.value)
    assert "already registered here" in str(here.value)
    assert Application.objects.filter(registration_number="0372024000001").count() == 1


def test_status_change_is_audited_and_closed_files_keep_their_score(organisation):
    epci = EpciFactory()
    application = create(organisation, [CommuneFactory(epci=epci)])
    score = application.score
    application = application_set_status(
        actor=None, application=application, status=ApplicationStatus.CANCELLED
    )
    Application.objects.filter(pk=application.pk).update(first_applied_on=dt.date(2015, 1, 1))
    scoring.score_applications(scoring.scored(Application.objects.all()))
    application.refresh_from_db()
    assert (application.status, application.score) == ("cancelled", score)
    event = AuditEvent.objects.get(action="application.status_changed")
    assert event.changes == {"status": ["active", "cancelled"]}
    with pytest.raises(ValidationError):
        application_set_status(actor=None, application=application, status="won")
