"""The world of the remote commission browser test, built in the database.

A landlord in Tours with its income ceilings, two ready T3 dwellings, three eligible active
applications wishing Tours for each, and a commission: a president (a staff manager), the
mayor of Tours and a tenant representative (outside members, each with an authenticator app),
plus an allocation officer who prepares the session. ``A1`` misses the tax notice N-2, so the
close turns its attribution into one under suspensive condition.
"""

import time
from dataclasses import dataclass

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from relais.allocation.eligibility.ceilings import load_income_ceilings
from relais.allocation.models import Application, Seat, Vacancy
from relais.core.roles import Role

from ..allocation.factories import CommissionFactory, CommissionMemberFactory
from ..allocation.factories_vacancies import applicant, vacancy
from ..factories import (
    AgencyFactory,
    CommuneFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

COMMISSION = "CALEOL Touraine Est"
# key → (first name, last name, score, documents received)
APPLICANTS = {
    "A1": ("Samia", "Benali", 90, ["identity"]),
    "A2": ("Lucas", "Moreau", 80, ["identity", "tax_notice_n2"]),
    "A3": ("Inès", "Garnier", 70, ["identity", "tax_notice_n2"]),
    "B1": ("Paul", "Roussel", 60, ["identity", "tax_notice_n2"]),
    "B2": ("Léa", "Fontaine", 50, ["identity", "tax_notice_n2"]),
    "B3": ("Hugo", "Marchal", 40, ["identity", "tax_notice_n2"]),
}


@dataclass
class World:
    organisation: object
    officer: object
    president: object
    mayor: object
    tenant: object
    secrets: dict  # username → TOTP secret of the outside members
    vacancies: dict  # "A" / "B" → Vacancy
    applications: dict  # "A1"… → Application

    def numbers(self, letter: str) -> list[str]:
        return [self.applications[f"{letter}{n}"].registration_number for n in (1, 2, 3)]


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def _member(organisation, commission, username, names, seat, role, **extra):
    user = UserFactory(username=username, first_name=names[0], last_name=names[1])
    MembershipFactory(organisation=organisation, user=user, role=role)
    CommissionMemberFactory(commission=commission, user=user, seat=seat, **extra)
    return user


def _applications(organisation, tours) -> dict[str, Application]:
    found = {}
    for index, (key, (first, last, score, documents)) in enumerate(APPLICANTS.items(), 1):
        found[key] = applicant(
            organisation,
            wishes=[tours],
            registration_number=f"0372612400{index:03d}",
            applicant_first_name=first,
            applicant_last_name=last,
            postal_address=f"{index} rue Colbert, 37000 Tours",
            score=score,
            documents_received=documents,
        )
    return found


def build_world() -> World:
    load_income_ceilings()
    organisation = OrganisationFactory(name="Tours Habitat", slug="tours-habitat")
    tours = CommuneFactory()  # Tours (37261), zone "other regions"
    officer = UserFactory(username="attribution", first_name="Nadia", last_name="Perrin")
    MembershipFactory(organisation=organisation, user=officer, role=Role.ALLOCATION_OFFICER)
    commission = CommissionFactory(organisation=organisation, name=COMMISSION)
    president = _member(
        organisation, commission, "presidente", ("Claire", "Bernard"), Seat.PRESIDENT, Role.MANAGER
    )
    mayor = _member(
        organisation,
        commission,
        "maire",
        ("Marc", "Delorme"),
        Seat.MAYOR,
        Role.COMMISSION_MEMBER,
        commune=tours,
    )
    tenant = _member(
        organisation,
        commission,
        "locataires",
        ("Rose", "Vidal"),
        Seat.TENANT,
        Role.COMMISSION_MEMBER,
    )
    secrets = {}
    for user in (mayor, tenant):
        secrets[user.username] = generate_totp_secret()
        TOTP.activate(user, secrets[user.username])
    # The agency whose contact block the letters print.
    agency = AgencyFactory(
        organisation=organisation,
        name="Agence Tours Est",
        address="2 place Jean Jaurès",
        postcode="37000",
        city="Tours",
        phone="02 47 60 00 00",
        email="tours-est@example.org",
    )
    vacancies: dict[str, Vacancy] = {
        key: vacancy(
            organisation,
            reference=reference,
            building__residence__commune=tours,
            building__residence__agency=agency,
            building__address=address,
        )
        for key, reference, address in (
            ("A", "TH-0421", "12 rue des Tanneurs"),
            ("B", "TH-0587", "5 allée Jacques Prévert"),
        )
    }
    return World(
        organisation=organisation,
        officer=officer,
        president=president,
        mayor=mayor,
        tenant=tenant,
        secrets=secrets,
        vacancies=vacancies,
        applications=_applications(organisation, tours),
    )
