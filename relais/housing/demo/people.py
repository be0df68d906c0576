"""Households, occupants and current leases for occupied dwellings.

Ages are taken on :data:`REFERENCE_DATE` (fixed, so that a seed always gives the same rows).
About a quarter of households are headed by someone aged 65 or more, many living alone.
"""

import unicodedata
from datetime import date
from itertools import accumulate

from ..search import household_document
from .names import DECADES, FIRST_NAMES, LAST_NAMES
from .rand import below, between, draw

REFERENCE_DATE = date(2026, 1, 1)
REF = REFERENCE_DATE.toordinal()
LEASE_HORIZON_DAYS = 30 * 365
LOCKDOWN_START, LOCKDOWN_DAYS = date(2020, 3, 17).toordinal(), 55
CONSENT_LATER_START = date(2020, 6, 1).toordinal()
EMAIL_DOMAINS = ("example.org", "example.net", "example.com")
# libphonenumber rejects the ARCEP fiction block 06 39 98, so mobiles are random valid ones;
# landlines use the fiction block 02 61 91 xx xx.
MOBILE_BLOCKS = tuple(f"{n:02d}" for n in range(100) if n not in {39, 90, 91, 92, 93, 94, 96, 97})
LANDLINE_PREFIX = "+3326191"

KINDS = ("elderly_alone", "elderly_couple", "single", "single_parent", "couple", "family")
KIND_CUM = {
    typology: tuple(accumulate(weights))
    for typology, weights in {
        "T1": (28, 2, 65, 0, 5, 0),
        "T2": (25, 10, 35, 10, 20, 0),
        "T3": (16, 12, 15, 27, 12, 18),
        "T4": (8, 7, 6, 32, 7, 40),
        "T5": (4, 6, 2, 30, 3, 55),
        "T6": (3, 5, 0, 27, 0, 65),
    }.items()
}
# First names by year of birth: the list of the latest decade started by then.
NAMES_BY_YEAR = {
    year: FIRST_NAMES[max([d for d in DECADES if d <= year], default=DECADES[0])]
    for year in range(1900, REFERENCE_DATE.year + 1)
}
BENEFIT_SHARE = {
    "elderly_alone": 0.55,
    "elderly_couple": 0.3,
    "single": 0.4,
    "single_parent": 0.7,
    "couple": 0.25,
    "family": 0.4,
}

HOUSEHOLD_FIELDS = ("id", "organisation", "reference", "name", "created_at", "search")
OCCUPANT_FIELDS = (
    "id",
    "organisation",
    "household",
    "first_name",
    "last_name",
    "birth_date",
    "is_holder",
    "phone",
    "email",
    "preferred_channel",
    "has_disability",
    "lives_alone",
    "vulnerability_consent",
    "consent_recorded_on",
)
LEASE_FIELDS = (
    "id",
    "organisation",
    "reference",
    "dwelling",
    "household",
    "start_date",
    "end_date",
    "rent_cents",
    "charges_cents",
    "housing_benefit_cents",
)


def compose(rng, kind: str, rooms: int) -> list[tuple[int, bool, bool]]:
    """Members as (age, female, lease holder): holder first, then partner, then children."""
    rnd = rng.random
    if kind == "elderly_alone":
        return [(65 + int(rnd() ** 1.4 * 31), rnd() < 0.7, True)]
    if kind == "single":
        return [(19 + int(rnd() ** 1.3 * 46), rnd() < 0.45, True)]
    low, high = {"elderly_couple": (65, 92), "couple": (22, 64)}.get(kind, (23, 56))
    holder = between(rng, low, high)
    female = rnd() < (0.85 if kind == "single_parent" else 0.5)
    members = [(holder, female, True)]
    if kind != "single_parent":
        members.append((max(19, holder + between(rng, -6, 6)), not female, True))
    if kind in ("single_parent", "family"):
        low = 1 if kind == "single_parent" else max(1, rooms - 3)
        high = max(low, min(4, rooms - (2 if kind == "single_parent" else 1)))
        eldest = max(0, min(holder - 18, 23))
        children = between(rng, low, high)
        members += [(between(rng, 0, eldest), rnd() < 0.5, False) for _ in range(children)]
    return members


_ASCII: dict[str, str] = {}


def ascii_name(name: str) -> str:
    value = _ASCII.get(name)
    if value is None:
        value = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        value = _ASCII.setdefault(name, value.replace(" ", "-").replace("'", ""))
    return value


def mobile(rng) -> str:
    block = MOBILE_BLOCKS[below(rng, len(MOBILE_BLOCKS))]
    return f"+336{block}{below(rng, 10**6):06d}"


def landline(rng) -> str:
    return f"{LANDLINE_PREFIX}{below(rng, 10**4):04d}"


class PeopleGenerator:
    """``occupy(...)`` writes a household, its occupants and its current lease."""

    def __init__(self, tables, writer, organisation_id: int, rng, created_at):
        self.tables, self.writer, self.org, self.rng = tables, writer, organisation_id, rng
        self.created_at = created_at
        self.households = self.occupant_count = 0

    def occupy(self, dwelling_id, dwelling_ref, typology, tenths, rent, lift, year) -> None:
        """Called for each occupied dwelling; appends to the tables' rows without flushing."""
        rng, tables = self.rng, self.tables
        kind = KINDS[draw(rng, KIND_CUM[typology])]
        members = compose(rng, kind, int(typology[1]))
        surname = LAST_NAMES[below(rng, len(LAST_NAMES))]
        self.households += 1
        household_id = tables.household.take_ids(1)
        if len(members) > 1:
            name = f"Famille {surname}"
        else:
            name = f"{'Mme' if members[0][1] else 'M.'} {surname}"
        reference, people = f"MEN{self.households:06d}", []
        holder_birth = self.occupants(household_id, members, surname, people)
        search = household_document(name, reference, people, dwelling_ref)
        tables.household.rows.append(
            (household_id, self.org, reference, name, self.created_at, search)
        )
        self.lease(dwelling_id, household_id, kind, holder_birth, tenths, rent, lift, year)

    def occupants(self, household_id, members, surname, people: list) -> int:
        """Writes the occupants, adds their (first, last, phone, e-mail) to ``people``;
        returns the holder's birth date (ordinal)."""
        rnd, table, org = self.rng.random, self.tables.occupant, self.org
        dates, date_of, append = self.writer.dates, self.writer.date, table.rows.append
        pk, alone, names = table.take_ids(len(members)), len(members) == 1, len(LAST_NAMES)
        holder_birth = 0
        for index, (age, female, holder) in enumerate(members):
            birth = REF - age * 365 - age // 4 - 1 - int(rnd() * 364)
            holder_birth = holder_birth or birth
            last = surname if index == 0 or rnd() < 0.75 else LAST_NAMES[int(rnd() * names)]
            first_names = NAMES_BY_YEAR[REFERENCE_DATE.year - age - 1][0 if female else 1]
            first = first_names[int(rnd() * len(first_names))]
            phone, email, channel = self.contact(first, last, age, holder)
            people.append((first, last, phone, email))
            disabled = rnd() < (0.08 if age >= 65 else 0.03 if age >= 18 else 0.01)
            consent = age >= 65 and (alone or disabled) and rnd() < 0.4
            append(
                (
                    pk + index,
                    org,
                    household_id,
                    first,
                    last,
                    dates.get(birth) or date_of(birth),
                    holder,
                    phone,
                    email,
                    channel,
                    disabled,
                    alone,
                    consent,
                    date_of(self.consent_day()) if consent else None,
                )
            )
        self.occupant_count += len(members)
        return holder_birth

    def contact(self, first, last, age, holder) -> tuple[str, str, str]:
        rng, rnd = self.rng, self.rng.random
        phone = email = ""
        if age >= 14 and rnd() < (0.92 if holder else 0.6):
            fixed = rnd() < (0.6 if age >= 75 else 0.35 if age >= 65 else 0.08)
            phone = landline(rng) if fixed else mobile(rng)
        if age >= 18 and rnd() < (0.12 if age >= 65 else 0.5 if holder else 0.3):
            domain = EMAIL_DOMAINS[int(rnd() * len(EMAIL_DOMAINS))]
            email = f"{ascii_name(first)}.{ascii_name(last)}{int(rnd() * 100)}@{domain}"
        if email and rnd() < 0.35:
            return phone, email, "email"
        if phone.startswith("+336"):
            return phone, email, "sms" if rnd() < 0.6 else "phone"
        return phone, email, "phone" if phone else "letter"

    def consent_day(self) -> int:
        rng = self.rng
        if rng.random() < 0.5:
            return LOCKDOWN_START + below(rng, LOCKDOWN_DAYS)
        return CONSENT_LATER_START + below(rng, REF - 30 - CONSENT_LATER_START)

    def lease(self, dwelling_id, household_id, kind, holder_birth, tenths, rent, lift, year):
        rnd, table = self.rng.random, self.tables.lease
        earliest = max(
            REF - LEASE_HORIZON_DAYS, date(year, 1, 1).toordinal(), holder_birth + 18 * 365 + 5
        )
        start = earliest + int(rnd() * max(0, REF - 20 - earliest))
        charges = int(tenths * (140 + rnd() * 120)) // 10 + (1500 if lift else 0)
        benefit = int(rent * (0.3 + rnd() * 0.55)) if rnd() < BENEFIT_SHARE[kind] else 0
        table.rows.append(
            (
                table.take_ids(1),
                self.org,
                f"BAIL{self.households:06d}",
                dwelling_id,
                household_id,
                self.writer.dates.get(start) or self.writer.date(start),
                None,
                rent,
                charges,
                benefit,
            )
        )

    @property
    def counts(self) -> dict[str, int]:
        return {
            "households": self.households,
            "occupants": self.occupant_count,
            "leases": self.households,
        }
