"""Factories of the allocation models (shared by every allocation test module)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from relais.allocation.applications.services import search_text
from relais.allocation.models import (
    AgendaItem,
    Application,
    Candidate,
    Commission,
    CommissionMember,
    CommissionRules,
    HousingSituation,
    IncomeCeiling,
    Seat,
    Session,
    SessionKind,
    Vacancy,
)

from ..factories import DwellingFactory, OrganisationFactory, UserFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    organisation = factory.SubFactory(OrganisationFactory)
    registration_number = factory.Sequence(lambda n: f"037{n:07d}2026")
    first_applied_on = dt.date(2024, 1, 15)
    applicant_first_name = "Samia"
    applicant_last_name = factory.Sequence(lambda n: f"Demandeur{n}")
    applicant_birth_date = dt.date(1985, 6, 1)
    persons = 2
    dependants = 1
    income_n2 = 18_000
    reference_income = factory.SelfAttribute("income_n2")
    monthly_resources_cents = 150_000
    housing_situation = HousingSituation.HOSTED
    household_category = 3
    typology_mask = 0b000110  # T2, T3
    phone = ""
    email = ""
    # Kept by the services' ``derive``; the factory writes rows directly.
    search = factory.LazyAttribute(
        lambda o: search_text(
            o.registration_number,
            o.applicant_first_name,
            o.applicant_last_name,
            o.phone,
            o.email,
        )
    )


class IncomeCeilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeCeiling
        django_get_or_create = ("year", "financing", "zone", "category")

    year = 2026
    financing = "PLUS"
    zone = "autres_regions"
    category = 3
    ceiling_eur = 37_584


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    organisation = factory.SelfAttribute("dwelling.organisation")
    dwelling = factory.SubFactory(DwellingFactory)
    status = "ready"
    notice_received_on = dt.date(2026, 10, 1)
    ready_on = dt.date(2026, 11, 2)
    charges_cents = 9_000


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"CALEOL Tours {n}")
    # Internal rules that provide for remote sessions (the default rules do not).
    rules = factory.RelatedFactory(
        "tests.allocation.factories.CommissionRulesFactory", factory_related_name="commission"
    )


class CommissionRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionRules

    organisation = factory.SelfAttribute("commission.organisation")
    commission = factory.SubFactory(CommissionFactory, rules=None)
    remote_sessions_allowed = True
    quorum_ratio = Decimal("0.50")


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    organisation = factory.SelfAttribute("commission.organisation")
    commission = factory.SubFactory(CommissionFactory)
    user = factory.SubFactory(UserFactory)
    seat = Seat.LANDLORD


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    organisation = factory.SelfAttribute("commission.organisation")
    commission = factory.SubFactory(CommissionFactory)
    kind = SessionKind.REMOTE
    opens_at = factory.LazyFunction(timezone.now)
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + dt.timedelta(hours=24))
    quorum_ratio = "0.50"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    organisation = factory.SelfAttribute("session.organisation")
    session = factory.SubFactory(SessionFactory)
    vacancy = factory.LazyAttribute(
        lambda o: VacancyFactory(dwelling__building__residence__organisation=o.session.organisation)
    )
    position = factory.Sequence(lambda n: n + 1)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organisation = factory.SelfAttribute("item.organisation")
    item = factory.SubFactory(AgendaItemFactory)
    application = factory.SubFactory(
        ApplicationFactory, organisation=factory.SelfAttribute("..item.organisation")
    )
    proposed_rank = factory.Sequence(lambda n: n + 1)
