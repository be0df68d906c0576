"""Outreach's part of ``seed_demo``: partners, the register, a lockdown campaign and three
weeks of calls, at every scale (set-based, ``BulkWriter``).

Volumes: a quarter of the occupants aged 65 or more (with a current lease) are on the
register with their consent (one in ten through a relative); one CCAS per commune holding
registered people; one campaign every 7 days started by hand 21 days ago (not "with the
switch": the demo's ``outreach_active`` switch is off, and turning it on then off must not
close it), whose calls are spread over
the landlord's outreach callers (each person keeps their caller). About 8 % of calls have no
answer, 12 % find needs (a third referred to the CCAS); the demo CCAS account of Tours
Habitat is linked to the CCAS of its first commune. Referrals carry the person's name,
address and phone as ``services.referral_create`` writes them.

Phones: a register entry is made with a number to call. A registered person whose household
has no phone on file gets a landline in the register's "other phone" (« 02 47 … »), except
the first of each landlord: kept without any number to show how the product handles it — no
call seeded (nobody could have reached them), due today, where the call screen offers the
caretaker's visit.
"""

import datetime as dt
import random
import zoneinfo

from django.db import connection
from django.utils import timezone

from relais.core.models import Membership
from relais.core.roles import Role
from relais.core.templatetags.relais import phone_fr
from relais.housing.models import Commune

from .forms import DEFAULT_SCRIPT
from .models import (
    Call,
    CallSheet,
    Campaign,
    Follow,
    Need,
    Partner,
    PartnerUser,
    Referral,
    RegisterEntry,
)
from .rules import ccas_name

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SHARE_REGISTERED = 0.25
CADENCE, WEEKS = 7, 3
RESET_ORDER = (CallSheet, Referral, Need, Call, Follow, Campaign, RegisterEntry, PartnerUser)


def _elderly(organisation_id, born_before):
    """[(occupant id, household id, building id, commune code, phone, name, address)] of the
    occupants of a current home born on or before ``born_before`` (``phone``: theirs, else
    one of their household's, else ""); ``name`` « Jeanne
    Martin », ``address`` as a referral carries it (« 12 rue …, 37000 Tours (T-0012) »,
    ``services._address``). One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.id, o.household_id, b.id, b.commune_id, COALESCE(NULLIF(o.phone, ''), "
            "(SELECT MAX(x.phone) FROM housing_occupant x WHERE x.household_id = o.household_id"
            " AND x.phone <> ''), ''), o.first_name, "
            "o.last_name, b.address, b.postcode, c.name, d.reference FROM housing_occupant o "
            "JOIN housing_lease l ON l.household_id = o.household_id AND l.end_date IS NULL "
            "JOIN housing_dwelling d ON d.id = l.dwelling_id "
            "JOIN housing_building b ON b.id = d.building_id "
            "LEFT JOIN housing_commune c ON c.code = b.commune_id "
            "WHERE o.organisation_id = %s AND o.birth_date <= %s ORDER BY o.id",
            [organisation_id, born_before],
        )
        return [
            (pk, household, building, commune, phone, f"{first} {last}".strip(),
             f"{address}, {postcode} {town or commune} ({reference})")
            for pk, household, building, commune, phone, first, last, address, postcode, town,
            reference in cursor.fetchall()
        ]  # fmt: skip


class OutreachDemo:
    name = "outreach"

    def seed(self, *, organisation_ids, scale, seed, writer):
        rng = random.Random(f"{seed}:outreach")
        now = timezone.now().replace(microsecond=0)
        tables = _tables(writer)
        counts = {}
        for organisation_id in organisation_ids:
            counts[organisation_id] = _seed_landlord(organisation_id, tables, writer, rng, now)
        writer.finish()
        _link_demo_partner(organisation_ids)
        return counts

    def reset(self, organisation_ids):
        for model in RESET_ORDER:
            model.objects.filter(organisation_id__in=organisation_ids).delete()
        Partner.objects.filter(organisation_id__in=organisation_ids).delete()


# Columns written by the demo (after ``id`` and ``organisation_id``), per table.
FIELDS = {
    "partner": (Partner, "name kind commune_id email phone"),
    "entry": (
        RegisterEntry,
        "occupant_id household_id building_id commune_id status source unfit_for_work "
        "consent_by third_party_name third_party_relation consent_on other_phone health_note "
        "entered_at left_reason",
    ),
    "campaign": (
        Campaign,
        "name kind cadence_days script scope_min_age starts_on start_with_switch "
        "retention_days status started_at counts",
    ),
    "follow": (
        Follow,
        "campaign_id entry_id caller_id next_due_on state failed_attempts escalation "
        "last_reached_at",
    ),
    "call": (Call, "follow_id campaign_id caller_id called_at outcome note key"),
    "need": (Need, "follow_id call_id kind note opened_at"),
    "referral": (
        Referral,
        "follow_id partner_id person_name address phone needs summary consent reason status "
        "sent_at feedback link_token_hash",
    ),
}


def _tables(writer):
    return {
        key: writer.table(model, ("id", "organisation_id", *columns.split()))
        for key, (model, columns) in FIELDS.items()
    }


def _seed_landlord(organisation_id, t, writer, rng, now) -> dict[str, int]:
    today = timezone.localdate(now)
    people = [
        p for p in _elderly(organisation_id, today.replace(year=today.year - 65))
        if rng.random() < SHARE_REGISTERED
    ]  # fmt: skip
    callers = list(
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.OUTREACH_CALLER, is_active=True
        ).values_list("pk", flat=True)
    )
    partners = {}
    codes = sorted({p[3] for p in people})
    names = dict(Commune.objects.filter(code__in=codes).values_list("code", "name"))
    for commune_id in codes:
        partners[commune_id] = pk = t["partner"].new_id()
        t["partner"].append(
            (pk, organisation_id, ccas_name(names.get(commune_id, commune_id)), "ccas",
             commune_id,
             f"ccas-{commune_id}@relais-demo.example", "")
        )  # fmt: skip
    start = today - dt.timedelta(days=CADENCE * WEEKS)
    campaign = t["campaign"].new_id()
    t["campaign"].append(
        (campaign, organisation_id, "Confinement – appels hebdomadaires", "lockdown", CADENCE,
         str(DEFAULT_SCRIPT), None, writer.date(start.toordinal()), False, 90, "active",
         writer.datetime(now - dt.timedelta(days=CADENCE * WEEKS)), "{}")
    )  # fmt: skip
    calls, kept_without = 0, False
    for index, person in enumerate(people):
        other = ""
        if not person[4]:  # no phone in the household: a landline, but for the first
            if kept_without:
                other = f"02 47 {rng.randrange(100):02d} {rng.randrange(100):02d} {index % 100:02d}"
            kept_without = True
        calls += _person(
            t, writer, rng, now, organisation_id, campaign, callers, partners, index,
            (*person, other),
        )  # fmt: skip
    return {"register": len(people), "calls": calls, "partners": len(partners)}


def _person(t, writer, rng, now, org, campaign, callers, partners, index, person) -> int:
    occupant, household, building, commune, phone, name, address, other = person
    today = timezone.localdate(now)
    reachable = bool(phone or other)
    third = rng.random() < 0.1
    entry = t["entry"].new_id()
    t["entry"].append(
        (entry, org, occupant, household, building, commune, "active", "occupant_data", False,
         "third_party" if third else "person", "Un proche" if third else "",
         "fille" if third else "", writer.date((today - dt.timedelta(days=30)).toordinal()),
         other, "", writer.datetime(now - dt.timedelta(days=30)), "")
    )  # fmt: skip
    caller = callers[index % len(callers)] if callers else None
    follow = t["follow"].new_id()
    day = today - dt.timedelta(days=CADENCE * WEEKS - index % CADENCE)
    count, last = 0, None
    if not reachable:  # nobody could have called them: due today, no call
        day = today
    while day < today and caller is not None:
        called_at = dt.datetime.combine(day, dt.time(10, rng.randrange(60)), PARIS)
        roll = rng.random()
        outcome = "no_answer" if roll < 0.08 else ("needs" if roll < 0.2 else "fine")
        call = t["call"].new_id()
        t["call"].append(
            (call, org, follow, campaign, caller, writer.datetime(called_at), outcome, "", "")
        )
        if outcome == "needs":
            t["need"].append(
                (t["need"].new_id(), org, follow, call, rng.choice(["groceries", "medicine",
                 "isolation", "administrative"]), "", writer.datetime(called_at))
            )  # fmt: skip
        if outcome != "no_answer":
            last = called_at
        count += 1
        day += dt.timedelta(days=CADENCE if outcome != "no_answer" else 1)
    t["follow"].append(
        (follow, org, campaign, entry, caller, writer.date(max(day, today).toordinal()),
         "followed", 0, "", writer.datetime(last) if last else None)
    )  # fmt: skip
    if index % 40 == 0 and commune in partners and reachable:
        t["referral"].append(
            (t["referral"].new_id(), org, follow, partners[commune], name, address,
             phone_fr(phone) if phone else other, "Courses", "", _demo_consent(third, today),
             "needs", "sent",
             writer.datetime(now - dt.timedelta(days=1)), "", "")
        )  # fmt: skip
    return count


def _demo_consent(third: bool, today: dt.date) -> str:
    """The consent line a referral carries (``services._consent_text``, in French): the
    demo's consents are recorded 30 days ago."""
    when = (today - dt.timedelta(days=30)).strftime("%d/%m/%Y")
    if third:
        return f"Inscrit(e) à la demande d’Un proche (fille) le {when}"
    return f"Consentement donné par la personne le {when}"


def _link_demo_partner(organisation_ids) -> None:
    """Link each demo social-partner membership to the CCAS of the commune where most of its
    landlord's register lives (Tours for Tours Habitat): the people at the top of the caller's
    list are then that CCAS's, and a referral from the demo call reaches the demo account."""
    from django.db.models import Count, OuterRef, Subquery

    for membership in Membership.objects.filter(
        organisation_id__in=organisation_ids, role=Role.SOCIAL_PARTNER
    ):
        people = (
            RegisterEntry.objects.filter(
                organisation_id=membership.organisation_id, commune_id=OuterRef("commune_id")
            )
            .order_by()
            .values("commune_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        partner = (
            Partner.objects.filter(organisation_id=membership.organisation_id)
            .annotate(people=Subquery(people))
            .order_by("-people", "pk")
            .first()
        )
        if partner is not None:
            PartnerUser.objects.get_or_create(
                membership=membership,
                defaults={"partner": partner, "organisation_id": membership.organisation_id},
            )
