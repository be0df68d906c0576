"""seed_demo: contents, determinism, idempotency, accounts and audit (on the ``tiny`` scale)."""

import hashlib
import io
import random
from datetime import date

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from relais.allocation.reservations.demo import HOLDERS as RESERVATION_HOLDERS
from relais.core import crisis
from relais.core.audit import verify_all
from relais.core.models import (
    Agency,
    AuditEvent,
    CrisisNotice,
    Federation,
    Membership,
    Organisation,
)
from relais.core.roles import Role
from relais.core.validators import luhn_valid
from relais.housing.demo import ACCOUNTS, DEMO_PASSWORD, SCALES, DemoAlreadyLoaded, seed_demo
from relais.housing.demo.landlords import demo_slugs, invented_siren, member_names
from relais.housing.demo.people import REFERENCE_DATE, landline, mobile
from relais.housing.demo.scales import FEDERATION_SLUG, PROFILES, SCALIS, TOURS_HABITAT
from relais.housing.models import Building, Dwelling, Household, Lease, Occupant, Residence

# --- Without a database ---------------------------------------------------------------------


def test_every_member_has_a_profile_and_a_unique_luhn_valid_siren():
    names = member_names()
    assert len(names) == len(set(names)) == 35
    assert set(names) == set(PROFILES)
    slugs = demo_slugs()
    sirens = {invented_siren(slug) for slug in slugs}
    assert len(set(slugs)) == len(sirens) == 35
    assert all(len(siren) == 9 and luhn_valid(siren) for siren in sirens)


def test_scale_sizes():
    members = member_names()
    region = SCALES["region"].dwellings_for(members)
    assert sum(region.values()) == 196_000
    assert sum(size >= 15_000 for size in region.values()) >= 4
    assert sum(1_000 <= size <= 3_000 for size in region.values()) >= 15
    small = SCALES["small"].dwellings_for(members)
    assert sum(small.values()) == 10_000
    assert {TOURS_HABITAT, SCALIS} <= set(small) and len(small) == 6
    assert set(SCALES["tiny"].dwellings_for(members)) == {TOURS_HABITAT, SCALIS}


def test_generated_phone_numbers_are_valid_french_numbers():
    rng = random.Random(1)
    for number in [mobile(rng) for _ in range(2000)] + [landline(rng) for _ in range(200)]:
        assert number.startswith(("+336", "+332")) and len(number) == 12
        assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number


# --- Seeded database ------------------------------------------------------------------------


def digest() -> str:
    """Contents of the demo, without database ids or timestamps."""
    parts = [
        Dwelling.objects.order_by("organisation__slug", "reference").values_list(
            "organisation__slug", "reference", "typology", "surface", "financing", "rent_cents"
        ),
        Household.objects.order_by("organisation__slug", "reference").values_list(
            "reference", "name"
        ),
        Occupant.objects.order_by(
            "household__organisation__slug", "household__reference", "pk"
        ).values_list("first_name", "last_name", "birth_date", "phone", "email"),
        Lease.objects.order_by("organisation__slug", "reference").values_list(
            "reference", "dwelling__reference", "household__reference", "start_date", "rent_cents"
        ),
        Building.objects.order_by("organisation__slug", "reference").values_list(
            "reference", "address", "postcode", "commune_id", "in_qpv", "floors"
        ),
    ]
    return hashlib.sha256(repr([list(part) for part in parts]).encode()).hexdigest()


def counts() -> dict[str, int]:
    models = (Organisation, Agency, Residence, Building, Dwelling, Household, Occupant, Lease)
    users = get_user_model().objects.count()
    return {m._meta.model_name: m.objects.count() for m in models} | {"users": users}


@pytest.mark.django_db
def test_tiny_seed_contents_accounts_and_audit(client):
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", stdout=out)

    output = out.getvalue()
    assert DEMO_PASSWORD in output
    assert all(account.username in output for account in ACCOUNTS)
    assert all(h[4] in output and h[0] in output for h in RESERVATION_HOLDERS)
    federation = Federation.objects.get(slug=FEDERATION_SLUG)
    organisations = Organisation.objects.filter(federation=federation)
    assert set(organisations.values_list("name", flat=True)) == {TOURS_HABITAT, SCALIS}
    assert all(luhn_valid(o.siren) for o in organisations)
    assert 280 <= Dwelling.objects.count() <= 320
    assert 0.88 <= Lease.objects.count() / Dwelling.objects.count() <= 0.99
    assert Lease.objects.filter(end_date__isnull=True).count() == Household.objects.count()
    assert Agency.objects.count() >= 2
    assert_contacts_and_crisis_notices(organisations)
    assert Residence.objects.filter(commune__departement__region_id="24").count() == (
        Residence.objects.count()
    )
    assert_same_organisation_everywhere()
    assert_households_are_realistic()
    assert_accounts_log_in_with_their_roles(client)
    events = AuditEvent.objects.filter(action="demo.seeded")
    assert events.count() == 2  # one per organisation, not one per row
    assert events.get(organisation__name=TOURS_HABITAT).changes["dwellings"] == 180
    assert verify_all()[1] == []


def assert_contacts_and_crisis_notices(organisations):
    """Each landlord has a contact block for partners (its head office's phone) and a public
    crisis notice listing each agency's line, valid by the notice form's rules."""
    for organisation in organisations:
        head = Agency.objects.filter(organisation=organisation).order_by("pk").first()
        assert organisation.contact_name and organisation.contact_email.endswith(".example")
        assert organisation.contact_phone == head.phone
        notice = CrisisNotice.objects.get(organisation=organisation)
        lines = crisis.parse_phone_lines(notice.phone_lines)
        assert [line.first for line in lines] == list(
            Agency.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("phone", flat=True)
        )
        assert organisation.name in notice.text and notice.emergency_phone
        assert len(crisis.parse_links(notice.links)) == 3


def assert_same_organisation_everywhere():
    assert not Lease.objects.exclude(dwelling__organisation=F("organisation")).exists()
    assert not Lease.objects.exclude(household__organisation=F("organisation")).exists()
    assert not Occupant.objects.exclude(household__organisation=F("organisation")).exists()
    assert not Dwelling.objects.exclude(building__organisation=F("organisation")).exists()
    assert not Building.objects.exclude(residence__organisation=F("organisation")).exists()
    assert not Residence.objects.exclude(agency__organisation=F("organisation")).exists()


def assert_households_are_realistic():
    holders = Occupant.objects.filter(is_holder=True)
    elderly = {
        o.household_id
        for o in holders.only("household_id", "birth_date")
        if o.age_on(REFERENCE_DATE) >= 65
    }
    assert len(elderly) >= 0.15 * Household.objects.count()
    sizes = dict(Household.objects.annotate(n=Count("occupants")).values_list("pk", "n"))
    assert set(sizes.values()) <= set(range(1, 7))
    for occupant in Occupant.objects.only("household_id", "lives_alone"):
        assert occupant.lives_alone == (sizes[occupant.household_id] == 1)
    assert not Occupant.objects.filter(
        vulnerability_consent=True, consent_recorded_on__isnull=True
    ).exists()
    assert Occupant.objects.filter(vulnerability_consent=True).exists()
    assert Occupant.objects.filter(birth_date__gt=date(2010, 1, 1)).exists()  # children
    for phone in Occupant.objects.exclude(phone="").values_list("phone", flat=True):
        assert phone.is_valid() and phone.as_e164.startswith(("+336", "+332")), phone
    assert Lease.objects.filter(housing_benefit_cents__gt=0).exists()
    assert not Lease.objects.exclude(rent_cents=F("dwelling__rent_cents")).exists()


def assert_accounts_log_in_with_their_roles(client):
    expected = {(a.username, name, role) for a in ACCOUNTS for name, role in a.memberships}
    # The reservation holders' accounts, added by the allocation demo extension.
    expected |= {(h[4], h[0], Role.RESERVATION_HOLDER) for h in RESERVATION_HOLDERS}
    actual = set(Membership.objects.values_list("user__username", "organisation__name", "role"))
    assert actual == expected
    assert {role for _u, _o, role in actual} == set(Role)
    for account in ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account
        client.logout()


@pytest.mark.django_db
def test_seed_is_deterministic_and_never_duplicates():
    seed_demo(scale="tiny", seed=7)
    first, before = digest(), counts()

    with pytest.raises(DemoAlreadyLoaded):
        seed_demo(scale="tiny", seed=7)
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "7", stdout=out)
    assert "demo already loaded, use --reset" in out.getvalue()
    assert counts() == before

    seed_demo(scale="tiny", seed=7, reset=True)
    assert digest() == first
    assert counts() == before
    assert CrisisNotice.objects.count() == 2  # one per landlord, written again
    assert AuditEvent.objects.filter(action="demo.reset").count() == 2
    assert verify_all()[1] == []
    # Sequences were moved past the ids the seed assigned (PostgreSQL).
    organisation = Organisation.objects.get(name=SCALIS)
    Household.objects.create(organisation=organisation, reference="NEW1", name="M. Nouveau")

    seed_demo(scale="tiny", seed=8, reset=True)
    assert digest() != first


@pytest.mark.django_db
def test_refuses_to_take_over_someone_elses_account():
    get_user_model().objects.create(username="manager", email="manager@tours-habitat.fr")

    with pytest.raises(CommandError, match="manager"):
        call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    assert not Organisation.objects.exists()
