import datetime as dt

import pytest

from relais.core.roles import Role
from relais.proximity import services
from relais.proximity.forms import DEFAULT_STEPS
from relais.proximity.models import RoundKind, RoundTemplate

from ..factories import BuildingFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_round(organisation, building, **fields):
    """A disinfection round of ``building`` (7 steps, daily at 09:00, 3 hours to do it)."""
    values = {
        "building": building,
        "kind": RoundKind.DISINFECTION,
        "name": "Désinfection",
        "first_start": dt.time(9),
        "passages": 1,
        "interval_minutes": 240,
        "window_minutes": 180,
    }
    values.update(fields)
    return services.round_create(
        organisation=organisation,
        actor=None,
        template=RoundTemplate(**values),
        steps=DEFAULT_STEPS[values["kind"]],
    )


@pytest.fixture
def building(organisation):
    return BuildingFactory(
        residence__organisation=organisation, address="12 rue Nationale", postcode="37000"
    )


@pytest.fixture
def caretaker(organisation, building):
    user = MembershipFactory(
        organisation=organisation,
        role=Role.CARETAKER,
        user__first_name="Thierry",
        user__last_name="Roux",
    ).user
    services.caretaker_set(organisation=organisation, actor=None, building=building, caretaker=user)
    return user


# The contractor and the messages handed to the outbox, for the common-area request tests.
from ..interventions.work_order_fixtures import messages_sent, plumber  # noqa: E402, F401
