import datetime as dt

import pytest

from relais.core.roles import Role

from ..factories import AgencyFactory, BuildingFactory, LeaseFactory, OccupantFactory

MONTH = dt.date(2026, 11, 1)


@pytest.fixture
def agency(organisation):
    return AgencyFactory(organisation=organisation, name="Agence de Tours-Nord")


@pytest.fixture
def leases(organisation, agency):
    """Three leases of one residence: BAIL-A whole month, BAIL-B moved in on 16 November,
    BAIL-C moved out on 10 November; and BAIL-D ended in October (not called)."""
    building = BuildingFactory(
        residence__organisation=organisation,
        residence__agency=agency,
        residence__name="Les Tilleuls",
    )
    made = {}
    for ref, start, end in [
        ("BAIL-A", dt.date(2020, 1, 1), None),
        ("BAIL-B", dt.date(2026, 11, 16), None),
        ("BAIL-C", dt.date(2019, 3, 1), dt.date(2026, 11, 10)),
        ("BAIL-D", dt.date(2018, 3, 1), dt.date(2026, 10, 31)),
    ]:
        lease = LeaseFactory(
            dwelling__building=building,
            reference=ref,
            start_date=start,
            end_date=end,
            rent_cents=45_000,
            charges_cents=8_000,
            housing_benefit_cents=20_000,
        )
        OccupantFactory(
            household=lease.household, email=f"{ref.lower()}@example.fr", preferred_channel="email"
        )
        made[ref] = lease
    return made


@pytest.fixture
def accountant_member(member_factory):
    """(user, logged-in client) of an accountant."""
    return member_factory(Role.ACCOUNTANT)


@pytest.fixture
def accountant(accountant_member):
    return accountant_member[0]


@pytest.fixture
def accountant_client(accountant_member):
    return accountant_member[1]
