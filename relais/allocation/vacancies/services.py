"""Vacancy writes: open a vacancy on a dwelling, edit its dates, move it along the pipeline.

notice received → refurbishment → ready → on a commission agenda → allocated → lease signed.
A dwelling may skip the works (notice → ready) or go back to them (ready → refurbishment); a
postponed item or a refused offer sends the vacancy back to "ready". The commission services
(``sessions``, ``letters``) make the agenda and allocation moves themselves; the same table
below says which moves exist. Every write is audited.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction

from ..models import Vacancy, VacancyStatus

S = VacancyStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NOTICE: (S.REFURBISHMENT, S.READY),
    S.REFURBISHMENT: (S.READY,),
    S.READY: (S.REFURBISHMENT, S.ON_AGENDA, S.ALLOCATED),
    S.ON_AGENDA: (S.READY, S.ALLOCATED),
    S.ALLOCATED: (S.READY, S.LET),
    S.LET: (),
}
# Moves an officer makes from the vacancy page; the others follow the commission's work, and
# "lease signed" is the lease signed on the accepted offer (``letting.lease_sign``).
MANUAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NOTICE: (S.REFURBISHMENT, S.READY),
    S.REFURBISHMENT: (S.READY,),
    S.READY: (S.REFURBISHMENT,),
    S.ON_AGENDA: (),
    S.ALLOCATED: (),
    S.LET: (),
}
EDITABLE_FIELDS = (
    "notice_received_on",
    "vacated_on",
    "contractor",
    "refurbishment_planned_start",
    "refurbishment_planned_end",
    "refurbishment_actual_start",
    "refurbishment_actual_end",
    "charges_cents",
)
DATE_PAIRS = (
    ("refurbishment_planned_start", "refurbishment_planned_end"),
    ("refurbishment_actual_start", "refurbishment_actual_end"),
)


class VacancyTransitionError(ValidationError):
    """A move the pipeline does not allow (the message says which ones it does)."""


def vacancy_days(vacancy: Vacancy, today: date | None = None) -> int:
    """Days the dwelling is (or was) empty: from vacated_on, or the notice when the departure
    date is not known, to the lease signature, or today."""
    start = vacancy.vacated_on or vacancy.notice_received_on
    end = vacancy.lease_signed_on or today or timezone.localdate()
    return max((end - start).days, 0)


def check_dates(values: dict) -> None:
    """Works end after they start; the departure is not before the notice."""
    errors = {}
    for start, end in DATE_PAIRS:
        if values.get(start) and values.get(end) and values[end] < values[start]:
            errors[end] = _("The works cannot end before they start.")
    notice, vacated = values.get("notice_received_on"), values.get("vacated_on")
    if notice and vacated and vacated < notice:
        errors["vacated_on"] = _("The dwelling cannot be vacated before the notice is received.")
    if errors:
        raise ValidationError(errors)


def vacancy_create(
    *, organisation, actor, dwelling, notice_received_on, vacated_on=None, charges_cents=0
) -> Vacancy:
    """Open a vacancy on one of the organisation's dwellings (one open vacancy per dwelling)."""
    if dwelling.organisation_id != organisation.pk:
        raise ValueError("dwelling belongs to another organisation")
    check_dates({"notice_received_on": notice_received_on, "vacated_on": vacated_on})
    vacancy = Vacancy(
        organisation=organisation,
        dwelling=dwelling,
        notice_received_on=notice_received_on,
        vacated_on=vacated_on,
        charges_cents=charges_cents,
    )
    try:
        with transaction.atomic():
            vacancy.save()
            audit.record(
                action="vacancy.created",
                organisation=organisation,
                actor=actor,
                obj=vacancy,
                changes={"dwelling": dwelling.reference, "notice_received_on": notice_received_on},
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Dwelling %(reference)s already has an open vacancy.")
            % {"reference": dwelling.reference}
        ) from error
    return vacancy


def vacancy_update(*, vacancy: Vacancy, actor, **values) -> Vacancy:
    """Change the dates, the contractor or the charges; audits what changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
        merged = {name: getattr(vacancy, name) for name in EDITABLE_FIELDS} | values
        check_dates(merged)
        changes = {
            name: [getattr(vacancy, name), value]
            for name, value in values.items()
            if getattr(vacancy, name) != value
        }
        if changes:
            for name, (_before, value) in changes.items():
                setattr(vacancy, name, value)
            vacancy.save(update_fields=list(changes))
            audit.record(
                action="vacancy.updated",
                organisation=vacancy.organisation,
                actor=actor,
                obj=vacancy,
                changes=changes,
            )
    return vacancy


def _dates_for(vacancy: Vacancy, to: str, on: date) -> dict:
    """The date fields a move sets (the first time only for the works)."""
    if to == S.REFURBISHMENT:
        return {} if vacancy.refurbishment_actual_start else {"refurbishment_actual_start": on}
    if to == S.READY:
        fields = {"ready_on": on, "allocated_on": None}
        if vacancy.status == S.REFURBISHMENT and not vacancy.refurbishment_actual_end:
            fields["refurbishment_actual_end"] = on
        return fields
    if to == S.ALLOCATED:
        return {"allocated_on": on}
    if to == S.LET:
        return {"lease_signed_on": on}
    return {}


@write_transaction
def vacancy_transition(*, vacancy: Vacancy, actor, to: str, on: date | None = None) -> Vacancy:
    """Move the vacancy to status ``to`` on date ``on`` (today by default).

    Raises ``VacancyTransitionError`` when the pipeline does not allow the move, or when the
    date is before the notice.
    """
    on = on or timezone.localdate()
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    before = vacancy.status
    if to not in TRANSITIONS[before]:
        allowed = ", ".join(str(S(status).label) for status in TRANSITIONS[before])
        raise VacancyTransitionError(
            _("A vacancy cannot go from “%(before)s” to “%(after)s”. Possible: %(allowed)s.")
            % {
                "before": S(before).label,
                "after": S(to).label,
                "allowed": allowed or _("none, the lease is signed"),
            },
            code="invalid_transition",
        )
    if on < vacancy.notice_received_on:
        raise VacancyTransitionError(
            _("The date cannot be before the notice (%(notice)s).")
            % {"notice": vacancy.notice_received_on.strftime("%d/%m/%Y")},
            code="date_before_notice",
        )
    fields = _dates_for(vacancy, to, on)
    vacancy.status = to
    for name, value in fields.items():
        setattr(vacancy, name, value)
    vacancy.save(update_fields=["status", *fields])
    audit.record(
        action="vacancy.status_changed",
        organisation=vacancy.organisation,
        actor=actor,
        obj=vacancy,
        changes={"status": [before, to], "on": on},
    )
    if to == S.READY:  # assigned to a reservation flow, once (reservations/services.py)
        from ..reservations.services import vacancy_assign

        vacancy_assign(vacancy=vacancy, actor=actor, on=on)
    return vacancy


@write_transaction
def candidates_viewed(*, vacancy: Vacancy, actor, application_ids) -> None:
    """Showing candidates shows their income and household: the reading is audited."""
    audit.record(
        action="vacancy.candidates_viewed",
        organisation=vacancy.organisation,
        actor=actor,
        obj=vacancy,
        changes={"applications": list(application_ids)},
    )
