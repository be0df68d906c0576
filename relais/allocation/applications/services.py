"""Application writes: create, update, status events, record a reading; all audited.

The status changes only through its events (``application_set_status`` is called by the
commission, offer and lease services, never by a form; each change is an ``ApplicationEvent``
of the status history); renewal and striking off are in ``lifecycle``.

Every save recomputes what is derived from the file (household category through
``household.household_category``, retained income through ``household.retained_income``) and
the stored score. Application files are sensitive: the audit trail records which fields
changed, never their values, and the registration number rather than the applicant's name.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import audit
from relais.core.search import document, phone_digits
from relais.core.transactions import write_transaction

from ..eligibility import household
from ..models import Application, ApplicationEventKind, ApplicationStatus
from ..scoring import services as scoring
from ..scoring.ranking import ranking_write
from . import pool
from .lifecycle import event_add, validity_end


class Document(models.TextChoices):
    """The usual supporting documents of an application (CERFA 14069 and its annex)."""

    IDENTITY = "identity", gettext_lazy("Identity document")
    RESIDENCE_PERMIT = "residence_permit", gettext_lazy("Residence permit")
    TAX_NOTICE_N2 = "tax_notice_n2", gettext_lazy("Tax notice N-2")
    TAX_NOTICE_N1 = "tax_notice_n1", gettext_lazy("Tax notice N-1")
    PAYSLIPS = "payslips", gettext_lazy("Last three payslips")
    CAF_CERTIFICATE = "caf_certificate", gettext_lazy("CAF/MSA benefits certificate")
    PENSION = "pension", gettext_lazy("Pension or allowance statements")
    CURRENT_LEASE = "current_lease", gettext_lazy("Current lease or rent receipts")
    HOSTING_CERTIFICATE = "hosting_certificate", gettext_lazy("Hosting certificate")
    FAMILY_RECORD = "family_record", gettext_lazy("Family record book")
    DISABILITY = "disability", gettext_lazy("Disability card or MDPH decision")
    DALO_DECISION = "dalo_decision", gettext_lazy("DALO mediation commission decision")


# Derived, or kept by the service: not "changed by the user".
NOT_AUDITED = frozenset(
    {
        *("id", "created_at", "updated_at", "search", "expires_on"),
        *("score", "score_explanation", "scored_with_id", "scored_at"),
    }
)
# The event each status is reached by.
STATUS_EVENT = {
    ApplicationStatus.ACTIVE: ApplicationEventKind.RELEASED,
    ApplicationStatus.PROPOSED: ApplicationEventKind.PROPOSED,
    ApplicationStatus.ALLOCATED: ApplicationEventKind.ALLOCATED,
    ApplicationStatus.CANCELLED: ApplicationEventKind.CANCELLED,
    ApplicationStatus.STRUCK_OFF: ApplicationEventKind.STRUCK_OFF,
}


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def combined_age(application: Application, on: dt.date) -> int | None:
    """Applicant's and co-applicant's ages added up, for a couple whose two dates are known."""
    if not application.is_couple or application.co_applicant_birth_date is None:
        return None
    return age_on(application.applicant_birth_date, on) + age_on(
        application.co_applicant_birth_date, on
    )


def search_text(number: str, first_name: str, last_name: str, phone: str, email: str) -> str:
    """The ``search`` column: registration number, applicant's names, phone, e-mail, folded
    (``relais.core.search``)."""
    return document(number, first_name, last_name, phone_digits(phone), email)


def derive(application: Application, *, on: dt.date) -> None:
    """Set the household category, extra persons, retained income, the end of validity and
    the search column from the file."""
    category = household.household_category(
        persons=application.persons,
        dependants=application.dependants,
        is_couple=application.is_couple,
        combined_age=combined_age(application, on),
        has_disabled_member=application.has_disabled_member,
    )
    application.household_category = category.category
    application.extra_persons = category.extra_persons
    application.reference_income, application.reference_income_basis = household.retained_income(
        application.income_n2, application.income_n1, application.income_last_12_months
    )
    application.expires_on = validity_end(application.first_applied_on, application.renewed_on)
    application.search = search_text(
        application.registration_number,
        application.applicant_first_name,
        application.applicant_last_name,
        application.phone,
        application.email,
    )


def _values(application: Application) -> dict:
    return {
        field.attname: getattr(application, field.attname)
        for field in application._meta.concrete_fields
        if field.attname not in NOT_AUDITED
    }


def _set_wishes(application: Application, descriptor, targets) -> bool:
    """Replace the wishes of one kind, keeping their order (the first one chooses the
    scoring grid). True if they changed."""
    through = descriptor.through
    target = descriptor.field.m2m_reverse_field_name()
    wanted = list(dict.fromkeys(obj.pk for obj in targets))
    rows = through.objects.filter(application_id=application.pk).order_by("pk")
    if list(rows.values_list(f"{target}_id", flat=True)) == wanted:
        return False
    rows.delete()
    through.objects.bulk_create(
        [through(application_id=application.pk, **{f"{target}_id": pk}) for pk in wanted]
    )
    return True


def _save(application, *, actor, before: dict, wished_communes, wished_epcis) -> Application:
    created = not before
    derive(application, on=timezone.localdate())
    duplicate = pool.duplicate_message(
        application.registration_number, application.organisation, exclude_pk=application.pk
    )
    if duplicate:
        raise ValidationError({"registration_number": duplicate}, code="registered")
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # registered meanwhile by someone else
        raise ValidationError(
            pool.duplicate_message(application.registration_number, application.organisation)
            or _("This application could not be saved: try again.")
        ) from exc
    after = _values(application)
    fields = {name for name, value in after.items() if not created and before[name] != value}
    if wished_communes is not None and _set_wishes(
        application, Application.wished_communes, wished_communes
    ):
        fields.add("wished_communes")
    if wished_epcis is not None and _set_wishes(
        application, Application.wished_epcis, wished_epcis
    ):
        fields.add("wished_epcis")
    if created or {"wished_communes", "wished_epcis"} & fields:
        pool.territory_write([application.pk])
    if application.status in scoring.SCORED_STATUSES:
        scoring.score_applications(Application.objects.filter(pk=application.pk))
        application.refresh_from_db(fields=scoring.SCORE_FIELDS)
    else:
        ranking_write([application.pk])  # out of the candidate ranking (ADR 0051)
    if created:
        event_add(
            application,
            ApplicationEventKind.REGISTERED,
            actor=actor,
            on=application.first_applied_on,
        )
    if created or fields:
        audit.record(
            action="application.created" if created else "application.updated",
            organisation=application.organisation,
            actor=actor,
            obj=application,
            object_repr=application.registration_number,
            changes={"fields": sorted(name.removesuffix("_id") for name in fields)},
        )
    return application


def application_create(
    *, organisation, actor, application: Application, wished_communes=(), wished_epcis=()
) -> Application:
    """Save a new application of ``organisation``, its wishes (in order) and its score."""
    if application.pk is not None:
        raise ValueError("application_create saves new applications only")
    application.organisation = organisation
    with transaction.atomic():
        return _save(
            application,
            actor=actor,
            before={},
            wished_communes=wished_communes,
            wished_epcis=wished_epcis,
        )


def application_update(
    *, actor, application: Application, wished_communes=None, wished_epcis=None
) -> Application:
    """Save the changes made to ``application``; wishes left as None stay as they are."""
    with transaction.atomic():
        stored = Application.objects.select_for_update().get(
            pk=application.pk, organisation_id=application.organisation_id
        )
        return _save(
            application,
            actor=actor,
            before=_values(stored),
            wished_communes=wished_communes,
            wished_epcis=wished_epcis,
        )


def application_set_status(
    *, actor, application: Application, status: str, note: str = ""
) -> Application:
    """Record the event that moves an application to ``status`` (proposed to a commission,
    released, allocated on an accepted offer, …): for the services of those events only."""
    if status not in ApplicationStatus.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        stored = Application.objects.select_for_update().get(pk=application.pk)
        before = stored.status
        if before == status:
            return stored
        stored.status = status
        stored.save(update_fields=["status", "updated_at"])
        event_add(stored, STATUS_EVENT[status], actor=actor, on=timezone.localdate(), note=note)
        if status in scoring.SCORED_STATUSES:
            scoring.score_applications(Application.objects.filter(pk=stored.pk))
            stored.refresh_from_db(fields=scoring.SCORE_FIELDS)
        else:
            ranking_write([stored.pk])  # out of the candidate ranking (ADR 0051)
        audit.record(
            action="application.status_changed",
            organisation=stored.organisation,
            actor=actor,
            obj=stored,
            object_repr=stored.registration_number,
            changes={"status": [before, status]},
        )
    return stored


@write_transaction
def application_viewed(*, actor, application: Application, via: str = "web", reader=None) -> None:
    """Opening an application's file is a sensitive read: it is audited. ``reader``: the
    organisation of the reader when it is not the registering landlord (the shared pool): the
    reading is then recorded in both organisations' chains (ADR 0046)."""
    if reader is not None and reader.pk != application.organisation_id:
        audit.record(
            action="application.viewed_from_pool",
            organisation=reader,
            actor=actor,
            obj=application,
            object_repr=application.registration_number,
            changes={"via": via, "registered_by": application.organisation_id},
        )
        audit.record(
            action="application.viewed_by_landlord",
            organisation=application.organisation,
            actor=actor,
            obj=application,
            object_repr=application.registration_number,
            changes={"via": via, "landlord": reader.pk, "landlord_name": reader.name},
        )
        return
    audit.record(
        action="application.viewed",
        organisation=application.organisation,
        actor=actor,
        obj=application,
        object_repr=application.registration_number,
        changes={"via": via},
    )
