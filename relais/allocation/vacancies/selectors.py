"""Reads for the vacancy pages: scoped to the organisation, with what the pages show joined."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.housing.models import Dwelling

from ..models import AgendaItem, Commission, Session, SessionStatus, Vacancy


def vacancies(organisation):
    return Vacancy.objects.for_organisation(organisation).select_related(
        "dwelling__building__commune"
    )


def vacancy_for_page(organisation):
    """What the detail and candidate pages read: the dwelling, its place and EPCI."""
    return Vacancy.objects.for_organisation(organisation).select_related(
        "organisation", "dwelling__building__residence", "dwelling__building__commune__epci"
    )


def dwelling_by_reference(organisation, reference: str) -> Dwelling | None:
    return Dwelling.objects.for_organisation(organisation).filter(reference=reference).first()


def agenda_items(vacancy):
    return (
        AgendaItem.objects.filter(vacancy=vacancy)
        .select_related("session__commission")
        .order_by("session__opens_at", "pk")
    )


def commissions(organisation) -> list[Commission]:
    """The organisation's commissions, to plan a session from a vacancy."""
    return list(Commission.objects.for_organisation(organisation).order_by("name", "pk"))


def draft_sessions(organisation):
    """Sessions in preparation, where a vacancy and its candidates can still be put."""
    return (
        Session.objects.for_organisation(organisation)
        .filter(status=SessionStatus.DRAFT)
        .select_related("commission")
        .order_by("opens_at", "pk")
    )


@dataclass(frozen=True)
class Step:
    on: date
    label: str
    planned: bool = False
    # The order of steps on the same day: the pipeline's order (an agenda before the
    # attribution it leads to, the attribution before the lease).
    rank: float = 0


DATED_STEPS = (
    ("notice_received_on", _("Notice received"), False),
    ("vacated_on", _("Dwelling vacated"), False),
    ("refurbishment_planned_start", _("Works planned to start"), True),
    ("refurbishment_planned_end", _("Works planned to end"), True),
    ("refurbishment_actual_start", _("Works started"), False),
    ("refurbishment_actual_end", _("Works finished"), False),
    ("ready_on", _("Ready to let"), False),
    ("allocated_on", _("Allocated"), False),
    ("lease_signed_on", _("Lease signed"), False),
)


AGENDA_RANK = [name for name, _label, _planned in DATED_STEPS].index("allocated_on") - 0.5


def timeline(vacancy: Vacancy, items) -> list[Step]:
    """The vacancy's dated steps and its commission sessions, in chronological order; on
    one day, in the pipeline's order (a session opened and closed on the day of the
    attribution comes before it)."""
    steps = [
        Step(getattr(vacancy, name), label, planned, rank)
        for rank, (name, label, planned) in enumerate(DATED_STEPS)
        if getattr(vacancy, name)
    ]
    steps += [
        Step(
            timezone.localtime(item.session.opens_at).date(),
            _("On the agenda of %(session)s (%(status)s)")
            % {"session": item.session.commission.name, "status": item.get_status_display()},
            rank=AGENDA_RANK,
        )
        for item in items
    ]
    return sorted(steps, key=lambda step: (step.on, step.rank))
