import io

import pytest
from PIL import Image

from relais.core.roles import Role
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category

from ..factories import BuildingFactory, LeaseFactory, OccupantFactory


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def outbox(monkeypatch):
    """The messages handed to the outbox (``notify_household``'s keyword arguments)."""
    sent = []

    def notify_household(**kwargs):
        sent.append(kwargs)
        return object()

    monkeypatch.setattr("relais.interventions.notify.notify_household", notify_household)
    return sent


@pytest.fixture
def categories(organisation):
    ensure_defaults(organisation)
    return {c.code: c for c in Category.objects.for_organisation(organisation)}


@pytest.fixture
def lease(organisation):
    """A current lease BAIL-0042 in Tours (37000); its holder's phone is 06 12 34 56 78."""
    building = BuildingFactory(
        residence__organisation=organisation, postcode="37000", address="12 rue Colbert"
    )
    lease = LeaseFactory(
        dwelling__building=building, reference="BAIL-0042", household__name="Famille Dupont"
    )
    OccupantFactory(household=lease.household, last_name="Dupont", phone="+33612345678")
    return lease


@pytest.fixture
def technician(member_factory):
    return member_factory(Role.TECHNICIAN)


@pytest.fixture
def officer(member_factory):
    return member_factory(Role.CUSTOMER_OFFICER)


def image_bytes(fmt="JPEG", size=(800, 600), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


# Fixtures of the contractor, work-order and on-call tests.
from .work_order_fixtures import agency, messages_sent, plumber, triaged  # noqa: E402, F401
