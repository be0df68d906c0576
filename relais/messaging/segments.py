"""Who a broadcast reaches: a registry of segments that capabilities extend.

A segment narrows the tenants of an organisation. Its ``build_queryset(occupants,
organisation, value)`` takes a queryset of ``housing.Occupant`` — the holders of a current
lease, annotated with ``m_agency_id``, ``m_residence_id``, ``m_building_id`` and
``m_commune_id`` (their home's, see ``recipients.base``) — and returns it filtered; it raises
``ValidationError`` when ``value`` names nothing (an unknown building reference…). A broadcast
combines its criteria with AND (a building, then people aged 70 and over).

Rent (tenants in arrears) and outreach (the register) add theirs from their contributions
module, called by ``AppConfig.ready()``::

    from relais.messaging.segments import register_segment

    register_segment("outreach.register", _("Vulnerable tenants register"), build,
                     ability="outreach.view", sensitive=True)

``ability``: only a sender whose role holds it may pick the segment (and see who it names:
the preview's sample, the recipients, the letters). ``sensitive``: every use of a broadcast
that names the segment (drafted, opened, sent, approved, dispatched, recipients or letters
read) writes a ``broadcast.sensitive_segment_used`` audit event. ``private``: a message to the
segment speaks of each recipient's own situation (a debt, a vulnerability), so it is never
shown on the public crisis notice (``broadcast.public``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.models import Agency
from relais.housing.models import Building, Commune, Residence


@dataclass(frozen=True)
class Segment:
    key: str
    label: Promise | str
    build_queryset: Callable
    # Label of the value the person types (a reference, a name); None: the segment takes none.
    value_label: Promise | str | None = None
    value_help: Promise | str = ""
    ability: str | None = None
    sensitive: bool = False
    private: bool = False


_SEGMENTS: dict[str, Segment] = {}


def register_segment(
    key: str,
    label: Promise | str,
    build_queryset: Callable,
    *,
    value_label: Promise | str | None = None,
    value_help: Promise | str = "",
    ability: str | None = None,
    sensitive: bool = False,
    private: bool = False,
) -> None:
    """Add (or replace, on reload) the segment ``key``; a sensitive segment is private."""
    _SEGMENTS[key] = Segment(
        key, label, build_queryset, value_label, value_help, ability, sensitive,
        private or sensitive,
    )  # fmt: skip


def get(key: str) -> Segment:
    try:
        return _SEGMENTS[key]
    except KeyError:
        raise ValidationError(_("Unknown group of tenants.")) from None


def choices(abilities: dict[str, bool]) -> list[tuple[str, str]]:
    """The segments a person with ``abilities`` may pick, as form choices."""
    return [
        (segment.key, str(segment.label))
        for segment in _SEGMENTS.values()
        if segment.ability is None or abilities.get(segment.ability)
    ]


def values_help(abilities: dict[str, bool]) -> str:
    """« Agence : nom de l'agence. Immeuble : référence… » for the form's value field."""
    shown = {key for key, _label in choices(abilities)}
    return " ".join(
        f"{segment.label} : {segment.value_help or segment.value_label}."
        for segment in _SEGMENTS.values()
        if segment.key in shown and segment.value_label and segment.key != "age_band"
    )


def private_labels(criteria: list[dict]) -> list[str]:
    """The labels of the private segments ``criteria`` names (see ``private``)."""
    return [
        str(_SEGMENTS[c["key"]].label)
        for c in criteria
        if c["key"] in _SEGMENTS and _SEGMENTS[c["key"]].private
    ]


def forbidden(criteria: list[dict], abilities: dict[str, bool]) -> list[str]:
    """Labels of the criteria's segments that ``abilities`` may not use (empty: all fine)."""
    found = []
    for criterion in criteria:
        segment = _SEGMENTS.get(criterion["key"])
        if segment is not None and segment.ability and not abilities.get(segment.ability):
            found.append(str(segment.label))
    return found


def actor_abilities(actor, organisation) -> dict[str, bool]:
    """The abilities of ``actor``'s active membership of ``organisation`` (none without)."""
    from relais.core.models import Membership
    from relais.core.roles import abilities_for_role

    role = (
        Membership.objects.filter(user=actor, organisation=organisation, is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    return abilities_for_role(role)


def record_use(broadcast, actor, use: str) -> None:
    """Audit one use (``use``: "created", "changed", "viewed", "sent", "approved", "dispatched",
    "recipients_viewed", "letters_downloaded") of a broadcast naming a sensitive segment."""
    from relais.core import audit

    labels = [
        str(_SEGMENTS[c["key"]].label)
        for c in broadcast.criteria
        if c["key"] in _SEGMENTS and _SEGMENTS[c["key"]].sensitive
    ]
    if labels:
        audit.record(
            action="broadcast.sensitive_segment_used",
            organisation=broadcast.organisation,
            actor=actor,
            obj=broadcast,
            changes={"segments": ", ".join(labels), "use": use},
        )


def apply(occupants, organisation, criteria: list[dict]):
    """``occupants`` narrowed by each criterion (``{"key", "value"}``) in turn."""
    for criterion in criteria:
        segment = get(criterion["key"])
        occupants = segment.build_queryset(occupants, organisation, criterion.get("value", ""))
    return occupants


def describe(criteria: list[dict]) -> str:
    """« Immeuble : B-0012 · Âge : 70+ » for pages."""
    parts = []
    for criterion in criteria:
        segment = _SEGMENTS.get(criterion["key"])
        label = str(segment.label) if segment else criterion["key"]
        value = criterion.get("value", "")
        parts.append(f"{label} : {value}" if value else label)
    return " · ".join(parts)


# The segments that exist today -------------------------------------------------------------------


def _whole(occupants, organisation, value):
    return occupants


def _one(queryset, message):
    found = queryset.first()
    if found is None:
        raise ValidationError(message)
    return found


def _agency(occupants, organisation, value):
    agency = _one(
        Agency.objects.for_organisation(organisation).filter(name__iexact=value.strip()),
        _("No agency is called “%(value)s”.") % {"value": value},
    )
    return occupants.filter(m_agency_id=agency.pk)


def _residence(occupants, organisation, value):
    residence = _one(
        Residence.objects.for_organisation(organisation).filter(reference__iexact=value.strip()),
        _("No residence has the reference “%(value)s”.") % {"value": value},
    )
    return occupants.filter(m_residence_id=residence.pk)


def _building(occupants, organisation, value):
    building = _one(
        Building.objects.for_organisation(organisation).filter(reference__iexact=value.strip()),
        _("No building has the reference “%(value)s”.") % {"value": value},
    )
    return occupants.filter(m_building_id=building.pk)


def _commune(occupants, organisation, value):
    text = value.strip()
    commune = _one(
        Commune.objects.filter(Q(code=text) | Q(name__iexact=text)).order_by("code"),
        _("No commune has the code or name “%(value)s”.") % {"value": value},
    )
    return occupants.filter(m_commune_id=commune.code)


AGE_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:\+|-\s*(\d{1,3}))\s*$")


def age_bounds(value: str) -> tuple[int, int | None]:
    """« 70+ » → (70, None); « 60-69 » → (60, 69). Raises ValidationError otherwise."""
    found = AGE_BAND.match(value or "")
    if not found or (found[2] and int(found[2]) < int(found[1])):
        raise ValidationError(
            _("Write an age band as “70+” (70 and over) or “60-69”, not “%(value)s”.")
            % {"value": value}
        )
    return int(found[1]), int(found[2]) if found[2] else None


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _age_band(occupants, organisation, value):
    low, high = age_bounds(value)
    today = timezone.localdate()
    occupants = occupants.filter(birth_date__lte=_years_before(today, low))
    if high is not None:  # aged at most ``high``: born after the day they would turn high + 1
        occupants = occupants.filter(birth_date__gt=_years_before(today, high + 1))
    return occupants


def register_builtin_segments() -> None:
    register_segment("organisation", gettext_lazy("All tenants"), _whole)
    register_segment(
        "agency", gettext_lazy("Agency"), _agency, value_label=gettext_lazy("agency's name")
    )
    register_segment(
        "residence",
        gettext_lazy("Residence"),
        _residence,
        value_label=gettext_lazy("residence's reference"),
    )
    register_segment(
        "building",
        gettext_lazy("Building"),
        _building,
        value_label=gettext_lazy("building's reference"),
    )
    register_segment(
        "commune",
        gettext_lazy("Commune"),
        _commune,
        value_label=gettext_lazy("INSEE code or name"),
    )
    register_segment(
        "age_band",
        gettext_lazy("Age band"),
        _age_band,
        value_label=gettext_lazy("age band"),
        value_help=gettext_lazy("“70+” for 70 and over, “60-69” for 60 to 69."),
    )
