"""Helpers of the reservation tests: a holder (an outside organisation), an agreement with a
landlord, and a ready vacancy assigned to a flow."""

import datetime as dt

from django.utils import timezone

from relais.allocation.models import HolderKind, ReservationAgreement, ReservationHolder
from relais.allocation.reservations import services
from relais.core.roles import Role

from ..factories import DwellingFactory, MembershipFactory, OrganisationFactory
from .factories import VacancyFactory


def holder(name="Préfecture d'Indre-et-Loire", *, kind=HolderKind.STATE, email="", **extra):
    organisation = extra.pop("organisation", None) or OrganisationFactory(name=name)
    return ReservationHolder.objects.create(
        organisation=organisation, kind=kind, email=email, **extra
    )


def holder_user(the_holder):
    return MembershipFactory(
        organisation=the_holder.organisation, role=Role.RESERVATION_HOLDER
    ).user


def agreement(landlord, the_holder, *, share=30, reference=None, communes=(), **fields):
    year = timezone.localdate().year
    fields.setdefault("starts_on", dt.date(year, 1, 1))
    fields.setdefault("ends_on", dt.date(year, 12, 31))
    made = ReservationAgreement.objects.create(
        organisation=landlord,
        holder=the_holder,
        reference=reference or f"CONV-{the_holder.pk}-{share}",
        share_percent=share,
        **fields,
    )
    made.communes.set(communes)
    return made


def ready_vacancy(landlord, *, actor=None, **dwelling):
    """A vacancy on a new dwelling of ``landlord`` moved to ready today (assigned then)."""
    from relais.allocation.vacancies.services import vacancy_transition

    home = DwellingFactory(building__residence__organisation=landlord, **dwelling)
    vacancy = VacancyFactory(
        dwelling=home, status="notice", ready_on=None, notice_received_on=dt.date(2020, 1, 1)
    )
    return vacancy_transition(vacancy=vacancy, actor=actor, to="ready")


def reserved_vacancy(landlord, the_agreement, **dwelling):
    """A ready vacancy whose assignment is forced onto ``the_agreement``."""
    vacancy = ready_vacancy(landlord, **dwelling)
    assignment = vacancy.assignment
    if assignment.agreement_id != the_agreement.pk:
        services.assignment_override(
            assignment=assignment, actor=None, agreement=the_agreement, reason="test"
        )
        assignment.refresh_from_db()
    return vacancy, assignment
