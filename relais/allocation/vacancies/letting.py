"""The lease signed on an accepted offer: the last event of a vacancy and of an application.

``lease_sign`` creates the household (the applicant as holder, the other persons of the
application's composition as occupants) or links an existing one (a tenant moving: the lease
is a transfer), starts its lease through the housing services (``relais.housing.services``),
moves the vacancy to "lease signed" and strikes the application off with the reason "housed"
(DOMAIN.md §2). All in one transaction, rows locked in the order of
docs/decisions/0024-lock-order.md: the vacancy, the offer, the application, then housing rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.phones import parse_phone
from relais.core.transactions import write_transaction
from relais.housing.models import Household, Occupant
from relais.housing.services import lease_start, record_save

from ..applications.lifecycle import event_add
from ..models import (
    Application,
    ApplicationEventKind,
    ApplicationStatus,
    Letter,
    LetterKind,
    OfferAnswer,
    StrikeOffReason,
    Vacancy,
    VacancyStatus,
)
from ..scoring.ranking import ranking_write
from .services import vacancy_transition


@dataclass(frozen=True)
class Person:
    """An occupant besides the holder, as the officer entered them."""

    first_name: str
    last_name: str
    birth_date: dt.date


@dataclass(frozen=True)
class LeaseTerms:
    reference: str
    start_date: dt.date
    rent_cents: int
    charges_cents: int


def accepted_offer(vacancy: Vacancy) -> Letter | None:
    """The offer of ``vacancy`` the applicant accepted (at most one: the offer cycle stops at
    the first acceptance), with its application."""
    return (
        Letter.objects.filter(
            candidate__item__vacancy=vacancy, kind=LetterKind.OFFER, answer=OfferAnswer.ACCEPTED
        )
        .select_related("candidate__application")
        .order_by("-answered_at")
        .first()
    )


def _household_create(organisation, actor, application, reference: str, others) -> Household:
    """The new household: named after the applicant, holder first, then the others."""
    name = application.applicant_last_name
    if application.persons > 1:
        name = _("%(name)s family") % {"name": name}
    household = record_save(
        organisation=organisation,
        actor=actor,
        instance=Household(reference=reference, name=name),
        entity="household",
    )
    phone = parse_phone(application.phone)
    holder = Occupant(
        household=household,
        first_name=application.applicant_first_name,
        last_name=application.applicant_last_name,
        birth_date=application.applicant_birth_date,
        is_holder=True,
        phone=phone.as_e164 if phone else "",
        email=application.email,
        preferred_channel=application.preferred_channel,
    )
    people = [holder] + [
        Occupant(
            household=household,
            first_name=p.first_name,
            last_name=p.last_name,
            birth_date=p.birth_date,
        )
        for p in others
    ]
    for occupant in people:
        record_save(organisation=organisation, actor=actor, instance=occupant, entity="occupant")
    return household


def _check(vacancy: Vacancy, letter: Letter | None) -> Application:
    if vacancy.status != VacancyStatus.ALLOCATED or letter is None:
        raise ValidationError(_("A lease is signed on an accepted offer of an allocated vacancy."))
    application = Application.objects.select_for_update(of=("self",), no_key=True).get(
        pk=letter.candidate.application_id
    )
    if application.status != ApplicationStatus.ALLOCATED:
        raise ValidationError(
            _("The application is “%(status)s”, not allocated: no lease can be signed.")
            % {"status": application.get_status_display()}
        )
    return application


@write_transaction
def lease_sign(
    *,
    vacancy: Vacancy,
    actor,
    terms: LeaseTerms,
    household_reference: str = "",
    household: Household | None = None,
    others: list[Person] = (),
):
    """Sign the lease of ``vacancy`` with the applicant who accepted its offer.

    ``household``: an existing household of the organisation to link (its current lease, if
    any, ends the day before: a transfer); else a new one with ``household_reference``, the
    applicant as holder and ``others`` as occupants. Returns the lease. Raises
    ``ValidationError`` (French sentences) when no accepted offer waits for a lease, when the
    references are taken, or when the housing rules refuse the lease.
    """
    vacancy = (
        Vacancy.objects.select_for_update(of=("self",), no_key=True)
        .select_related("organisation", "dwelling")
        .get(pk=vacancy.pk)
    )
    letter = accepted_offer(vacancy)
    application = _check(vacancy, letter)
    organisation = vacancy.organisation
    if household is None:
        household = _household_create(organisation, actor, application, household_reference, others)
    elif household.organisation_id != organisation.pk:
        raise ValueError("household belongs to another organisation")
    lease = lease_start(
        organisation=organisation,
        actor=actor,
        dwelling=vacancy.dwelling,
        household=household,
        reference=terms.reference,
        start_date=terms.start_date,
        rent_cents=terms.rent_cents,
        charges_cents=terms.charges_cents,
        transfer=household.leases.filter(end_date__isnull=True).exists(),
    )
    today = timezone.localdate()
    vacancy_transition(vacancy=vacancy, actor=actor, to=VacancyStatus.LET, on=today)
    _housed(application, lease, actor=actor, on=today)
    return lease


def _housed(application: Application, lease, *, actor, on: dt.date) -> None:
    """Strike the application off: housed by ``lease``."""
    application.status = ApplicationStatus.STRUCK_OFF
    application.struck_off_on = on
    application.struck_off_reason = StrikeOffReason.HOUSED
    application.lease = lease
    application.save(
        update_fields=["status", "struck_off_on", "struck_off_reason", "lease", "updated_at"]
    )
    ranking_write([application.pk])  # out of the candidate ranking (ADR 0051)
    event_add(
        application,
        ApplicationEventKind.HOUSED,
        actor=actor,
        on=on,
        note=_("lease %(reference)s") % {"reference": lease.reference},
    )
    audit.record(
        action="application.housed",
        organisation=application.organisation,
        actor=actor,
        obj=application,
        object_repr=application.registration_number,
        changes={
            "status": [ApplicationStatus.ALLOCATED, ApplicationStatus.STRUCK_OFF],
            "reason": StrikeOffReason.HOUSED,
            "lease": lease.reference,
        },
    )
