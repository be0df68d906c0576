"""A building with tenants of every channel preference and age, and one tenant elsewhere."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tests.factories import (
    AgencyFactory,
    BuildingFactory,
    DwellingFactory,
    LeaseFactory,
    OccupantFactory,
    ResidenceFactory,
)


def tenant(building, *, first, last, born, preferred, email="", phone=""):
    lease = LeaseFactory(dwelling=DwellingFactory(building=building))
    return OccupantFactory(
        household=lease.household,
        first_name=first,
        last_name=last,
        birth_date=born,
        preferred_channel=preferred,
        email=email,
        phone=phone,
    )


@pytest.fixture
def world(organisation, settings):
    settings.SITE_URL = "https://relais.example.fr"
    settings.RELAIS_OUTBOX_RATE_PER_SECOND = {"email": 1000, "sms": 1000}
    agency = AgencyFactory(organisation=organisation, name="Agence Nord", phone="02 47 00 00 01")
    residence = ResidenceFactory(organisation=organisation, agency=agency, reference="RES-NORD")
    building = BuildingFactory(residence=residence, reference="B-NORD-1", address="3 rue Colbert")
    other = BuildingFactory(residence=residence, reference="B-NORD-2")
    old = dt.date(1945, 3, 1)
    return SimpleNamespace(
        organisation=organisation,
        building=building,
        by_email=tenant(building, first="Jeanne", last="Moreau", born=old, preferred="email",
                        email="jeanne.moreau@example.fr", phone="+33612345678"),
        by_sms=tenant(building, first="Paul", last="Girard", born=old, preferred="sms",
                      email="paul.girard@example.fr", phone="+33698765432"),
        by_letter=tenant(building, first="Louise", last="Petit", born=old, preferred="letter"),
        # Prefers a call: no phone call for a broadcast, so e-mail first.
        by_phone=tenant(building, first="Marc", last="Roux", born=old, preferred="phone",
                        email="marc.roux@example.fr"),
        young=tenant(building, first="Léa", last="Blanc", born=dt.date(1990, 1, 1),
                     preferred="email", email="lea.blanc@example.fr"),
        elsewhere=tenant(other, first="Hugo", last="Noir", born=old, preferred="email",
                         email="hugo.noir@example.fr"),
    )  # fmt: skip
