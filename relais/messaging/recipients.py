"""From a broadcast's criteria to its recipients, each with a channel, in a few queries.

The recipients are the lease holders of the households of the segment — one per household
(the first holder matching the criteria) —, minus the households that unsubscribed unless the
broadcast is about safety. Each gets the channel they prefer when they have its address, else
e-mail, then SMS, then a letter (``CHANNEL``). The texts are rendered in SQL (``rendered``), so
the outbox rows are written by one ``INSERT … SELECT`` at region scale.
"""

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Min, Q, Value, When
from django.db.models.functions import Coalesce, Concat, NullIf, Replace
from django.urls import reverse

from relais.core.models import CrisisNotice
from relais.core.outbox.services import opted_out_households
from relais.housing.models import Occupant

from . import segments
from .models import BroadcastKind

LEASE = "household__leases__"
BUILDING = LEASE + "dwelling__building__"
# E.164 prefixes of French mobiles: metropolitan 06/07, then Réunion, Mayotte, Guadeloupe,
# Guyane and Martinique mobiles (the outbox's address check accepts the same numbers).
MOBILE_PREFIXES = ("+336", "+337", "+26269", "+262639", "+59069", "+59469", "+59669")
HAS_EMAIL = ~Q(email="")
HAS_MOBILE = Q()
for _prefix in MOBILE_PREFIXES:
    HAS_MOBILE |= Q(phone__startswith=_prefix)

CHANNEL = Case(
    When(Q(preferred_channel="email") & HAS_EMAIL, then=Value("email")),
    When(Q(preferred_channel="sms") & HAS_MOBILE, then=Value("sms")),
    When(preferred_channel="letter", then=Value("letter")),
    When(HAS_EMAIL, then=Value("email")),
    When(HAS_MOBILE, then=Value("sms")),
    default=Value("letter"),
    output_field=CharField(),
)


def base(organisation, *, details: bool = False):
    """The holders of a current lease, with their home's places (``m_*``, see ``segments``);
    with ``details``, also what the texts print (address, postcode, commune's name, agency's
    phone) — left out of the segment's sub-query, which needs no more joins than its filters.
    """
    holders = Occupant.objects.filter(
        organisation=organisation, is_holder=True, **{LEASE + "end_date__isnull": True}
    ).annotate(
        m_building_id=F(LEASE + "dwelling__building_id"),
        m_residence_id=F(BUILDING + "residence_id"),
        m_agency_id=F(BUILDING + "residence__agency_id"),
        m_commune_id=F(BUILDING + "commune_id"),
    )
    if not details:
        return holders
    return holders.annotate(
        m_address=F(BUILDING + "address"),
        m_postcode=F(BUILDING + "postcode"),
        m_commune_name=F(BUILDING + "commune__name"),
        m_agency_phone=F(BUILDING + "residence__agency__phone"),
    )


def in_segment(broadcast):
    """Every holder the criteria select (before one per household and the opt-outs)."""
    organisation = broadcast.organisation
    return segments.apply(base(organisation), organisation, broadcast.criteria)


def selected(broadcast):
    """The recipients: one holder per household, opted-out households left out unless the
    broadcast is about safety; annotated with ``channel``."""
    organisation = broadcast.organisation
    chosen = in_segment(broadcast)
    if broadcast.kind != BroadcastKind.SAFETY:
        chosen = chosen.exclude(household_id__in=opted_out_households(organisation))
    first = chosen.order_by().values("household_id").annotate(first=Min("pk")).values("first")
    return base(organisation, details=True).filter(pk__in=first).annotate(channel=CHANNEL)


def counts(broadcast) -> dict[str, int]:
    """{"email", "sms", "letter": recipients by channel, "opted_out": households left out}."""
    found = {"email": 0, "sms": 0, "letter": 0}
    rows = selected(broadcast).order_by().values("channel").annotate(n=Count("pk"))
    for row in rows:
        found[row["channel"]] = row["n"]
    return {**found, "opted_out": opted_out_count(broadcast, sum(found.values()))}


def opted_out_count(broadcast, reached: int) -> int:
    """Households of the segment left out for their opt-out, given how many were ``reached``
    (no query when the organisation has no opt-out, the usual case)."""
    if broadcast.kind == BroadcastKind.SAFETY:
        return 0
    if not opted_out_households(broadcast.organisation).exists():
        return 0
    households = in_segment(broadcast).order_by().values("household_id").distinct().count()
    return households - reached


def constants(organisation) -> dict[str, str]:
    """The merge fields that are the same for every recipient of ``organisation``."""
    notice = CrisisNotice.objects.for_organisation(organisation).first()
    link = settings.SITE_URL.rstrip("/") + reverse(
        "core:public_agencies", kwargs={"slug": organisation.slug}
    )
    return {
        "{astreinte}": notice.emergency_phone if notice else "",
        "{lien_avis}": link,
        "{telephone_agence}": organisation.contact_phone or "",
    }


def person_values(row: dict, fixed: dict[str, str]) -> dict[str, str]:
    """The merge values of one recipient (a ``values()`` row of ``base``), as SQL gives them."""
    return {
        **fixed,
        "{nom}": f"{row['first_name']} {row['last_name']}",
        "{adresse}": f"{row['m_address']}, {row['m_postcode']} {row['m_commune_name']}",
        "{telephone_agence}": row["m_agency_phone"] or fixed["{telephone_agence}"],
    }


def rendered(template: str, fixed: dict[str, str]):
    """``template`` rendered per row in SQL (``merge.render`` with ``person_values``)."""
    text = template
    for field in ("{astreinte}", "{lien_avis}"):
        text = text.replace(field, fixed[field])
    expression = Value(text)
    per_row = {
        "{nom}": Concat("first_name", Value(" "), "last_name"),
        "{adresse}": Concat("m_address", Value(", "), "m_postcode", Value(" "), "m_commune_name"),
        "{telephone_agence}": Coalesce(
            NullIf("m_agency_phone", Value("")), Value(fixed["{telephone_agence}"])
        ),
    }
    for field, value in per_row.items():
        if field in text:
            expression = Replace(expression, Value(field), value)
    return Concat(expression, Value(""), output_field=CharField())


def outbox_rows(broadcast):
    """The recipients by e-mail or SMS as ``queue_batch`` rows (one statement for both)."""
    fixed = constants(broadcast.organisation)
    by_email = Q(channel="email")
    return (
        selected(broadcast)
        .filter(channel__in=["email", "sms"])
        .annotate(
            to=Case(When(by_email, then=F("email")), default=F("phone"), output_field=CharField()),
            subject=Case(
                When(by_email, then=rendered(broadcast.subject, fixed)),
                default=Value(""),
                output_field=CharField(),
            ),
            body=Case(
                When(by_email, then=rendered(broadcast.body, fixed)),
                default=rendered(broadcast.sms_body, fixed),
                output_field=CharField(),
            ),
        )
    )


def sample(broadcast) -> dict | None:
    """The first recipient's merge values (for the preview), or None without recipients."""
    row = (
        selected(broadcast)
        .order_by("pk")
        .values(
            "first_name",
            "last_name",
            "m_address",
            "m_postcode",
            "m_commune_name",
            "m_agency_phone",
            "channel",
        )  # fmt: skip
        .first()
    )
    if row is None:
        return None
    return {"values": person_values(row, constants(broadcast.organisation)), **row}
