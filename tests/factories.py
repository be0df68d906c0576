"""factory_boy factories for every model; traits instead of JSON fixtures."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from relais.core.models import Agency, Federation, Membership, Organisation
from relais.core.roles import Role
from relais.housing.models import (
    Building,
    Commune,
    Departement,
    Dwelling,
    Epci,
    Household,
    Lease,
    Occupant,
    Region,
    Residence,
    Zone,
)
from relais.housing.search import refresh_after_save

PASSWORD = "correct-horse-battery-staple"


class SearchedFactory(factory.django.DjangoModelFactory):
    """Keeps the search columns as the services do (``housing.search``)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = super()._create(model_class, *args, **kwargs)
        refresh_after_save(instance)
        return instance


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class FederationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Federation
        django_get_or_create = ("slug",)

    name = "USH Centre-Val de Loire"
    slug = "ush-centre-val-de-loire"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bailleur {n}")
    slug = factory.Sequence(lambda n: f"bailleur-{n}")
    federation = factory.SubFactory(FederationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.DIRECTOR


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Agence {n}")
    city = "Tours"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "24"
    name = "Centre-Val de Loire"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "37"
    name = "Indre-et-Loire"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("code",)

    code = "243700754"
    name = "Tours Métropole Val de Loire"
    nature = "METRO"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = "37261"
    name = "Tours"
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(EpciFactory)
    postcodes = "37000 37100 37200"
    zone = Zone.OTHER


class ResidenceFactory(SearchedFactory):
    class Meta:
        model = Residence

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"RES{n:04d}")
    name = factory.Sequence(lambda n: f"Résidence des Tilleuls {n}")
    commune = factory.SubFactory(CommuneFactory)


class BuildingFactory(SearchedFactory):
    class Meta:
        model = Building

    organisation = factory.SelfAttribute("residence.organisation")
    residence = factory.SubFactory(ResidenceFactory)
    reference = factory.Sequence(lambda n: f"BAT{n:04d}")
    address = factory.Sequence(lambda n: f"{n} rue Nationale")
    postcode = "37000"
    commune = factory.SelfAttribute("residence.commune")
    floors = 4
    has_lift = True


class DwellingFactory(SearchedFactory):
    class Meta:
        model = Dwelling

    organisation = factory.SelfAttribute("building.organisation")
    building = factory.SubFactory(BuildingFactory)
    reference = factory.Sequence(lambda n: f"LOG{n:05d}")
    typology = "T3"
    surface = "65.50"
    floor = 2
    lift = True
    financing = "PLUS"
    rent_cents = 45_000


class HouseholdFactory(SearchedFactory):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"MEN{n:05d}")
    name = factory.Sequence(lambda n: f"Famille Martin {n}")


class OccupantFactory(SearchedFactory):
    class Meta:
        model = Occupant

    organisation = factory.SelfAttribute("household.organisation")
    household = factory.SubFactory(HouseholdFactory)
    first_name = "Jeanne"
    last_name = "Martin"
    birth_date = dt.date(1941, 5, 12)
    is_holder = True
    phone = "+33247000000"

    class Params:
        vulnerable = factory.Trait(
            has_disability=True,
            lives_alone=True,
            vulnerability_consent=True,
            consent_recorded_on=dt.date(2020, 3, 20),
        )


class LeaseFactory(SearchedFactory):
    class Meta:
        model = Lease

    organisation = factory.SelfAttribute("dwelling.organisation")
    dwelling = factory.SubFactory(DwellingFactory)
    household = factory.SubFactory(
        HouseholdFactory, organisation=factory.SelfAttribute("..dwelling.organisation")
    )
    reference = factory.Sequence(lambda n: f"BAIL{n:05d}")
    start_date = dt.date(2015, 9, 1)
    rent_cents = 45_000
    charges_cents = 8_000
    housing_benefit_cents = 20_000
