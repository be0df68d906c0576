"""Reservation writes: agreements, the assignment of each ready vacancy to a flow, overrides,
the holder's link, designations, the hand-back after the deadline and the agenda.

Every function runs in a transaction and writes an audit event in the landlord's chain;
messages to the holder leave after commit through the outbox (``notify``).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit, links
from relais.core.transactions import write_transaction

from ..models import (
    MAX_DESIGNATIONS,
    TYPOLOGY_BITS,
    Application,
    ApplicationStatus,
    Designation,
    FewCandidatesReason,
    HolderKind,
    PriorityCriterion,
    ReservationAgreement,
    Vacancy,
    VacancyAssignment,
)
from . import notify, rules


def agreement_save(*, organisation, actor, agreement: ReservationAgreement, communes=()):
    """Create or update ``agreement`` (already validated by its form) with its communes."""
    if agreement.organisation_id not in (None, organisation.pk):
        raise ValueError("agreement of another organisation")
    agreement.organisation = organisation
    creating = agreement.pk is None
    try:
        with transaction.atomic():
            agreement.save()
            agreement.communes.set(communes)
            audit.record(
                action="reservation_agreement.saved",
                organisation=organisation,
                actor=actor,
                obj=agreement,
                changes={
                    "created": creating,
                    "holder": agreement.holder_id,
                    "share_percent": agreement.share_percent,
                    "starts_on": agreement.starts_on,
                    "ends_on": agreement.ends_on,
                },
            )
    except IntegrityError as error:
        raise ValidationError(
            {"reference": _("Another agreement already has this reference.")}
        ) from error
    return agreement


def _scopes(organisation, on: dt.date) -> dict[int, tuple[ReservationAgreement, rules.Scope]]:
    agreements = (
        ReservationAgreement.objects.for_organisation(organisation)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .prefetch_related("communes")
    )
    return {
        a.pk: (
            a,
            rules.Scope(
                departement=a.departement_id,
                communes=frozenset(c.code for c in a.communes.all()),
                typology_mask=a.typology_mask,
            ),
        )
        for a in agreements
    }


def standings(organisation, *, year: int, commune, typology: str, on: dt.date):
    """[Standing] of the agreements in force on ``on`` covering this commune and typology,
    counting this year's assignments under each one's scope plus the vacancy being assigned."""
    bit = TYPOLOGY_BITS.get(typology, 0)
    found = []
    past = list(
        VacancyAssignment.objects.for_organisation(organisation)
        .filter(year=year)
        .values_list("agreement_id", "commune_id", "commune__departement_id", "typology")
    )
    for agreement_id, (agreement, scope) in _scopes(organisation, on).items():
        if not rules.covers(
            scope, commune=commune.code, departement=commune.departement_id, typology_bit=bit
        ):
            continue
        flow = 1 + sum(
            1
            for _a, c, d, t in past
            if rules.covers(scope, commune=c, departement=d, typology_bit=TYPOLOGY_BITS.get(t, 0))
        )
        assigned = sum(1 for a, *_rest in past if a == agreement_id)
        found.append(rules.Standing(agreement_id, agreement.share_percent, flow, assigned))
    return found


def _due_on(agreement, on: dt.date) -> dt.date:
    return on + dt.timedelta(days=agreement.designation_days)


def _rule_note(chosen: rules.Standing | None) -> str:
    if chosen is None:
        return _("Landlord's own flow: no agreement is half a vacancy behind its share.")
    # French agrees the noun from 2 on (« 1,5 logement de retard »): the count is the floor.
    note = ngettext(
        "%(behind)s vacancy behind the pro-rata target of %(share)s %% (%(flow)s ready).",
        "%(behind)s vacancies behind the pro-rata target of %(share)s %% (%(flow)s ready).",
        int(chosen.behind),
    )
    return note % {
        "behind": f"{float(chosen.behind):.1f}".replace(".", ","),
        "share": chosen.share_percent,
        "flow": chosen.flow,
    }


def _lock_agreements(organisation, on: dt.date) -> None:
    """Serialise the assignments of one landlord: lock its agreements in force on ``on``
    (``FOR NO KEY UPDATE``, ascending id, ADR 0024 — after the vacancy, before any
    application). Two vacancies becoming ready at the same moment would otherwise both read
    the same "furthest behind" standing and go to the same agreement; the second now waits for
    the first to commit and reads its assignment (READ COMMITTED: a fresh snapshot per
    statement). On SQLite every write transaction is already serialised."""
    list(
        ReservationAgreement.objects.for_organisation(organisation)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )


@write_transaction
def vacancy_assign(*, vacancy: Vacancy, actor, on: dt.date | None = None):
    """Assign a vacancy that became ready to a holder's flow or the landlord's own
    (``rules.choose_flow``), once: a vacancy already assigned keeps its assignment. Runs under
    the lock of the landlord's agreements (``_lock_agreements``), so concurrent assignments
    follow the rule as if they came one after the other. The holder is asked to designate
    after commit. Returns the assignment."""
    on = on or timezone.localdate()
    _lock_agreements(vacancy.organisation, on)
    existing = VacancyAssignment.objects.filter(vacancy=vacancy).first()
    if existing is not None:
        return existing
    commune = vacancy.dwelling.building.commune
    typology = vacancy.dwelling.typology
    found = standings(vacancy.organisation, year=on.year, commune=commune, typology=typology, on=on)
    chosen = rules.choose_flow(found)
    agreement = (
        ReservationAgreement.objects.select_related("holder").get(pk=chosen.agreement_id)
        if chosen
        else None
    )
    assignment = VacancyAssignment.objects.create(
        organisation=vacancy.organisation,
        vacancy=vacancy,
        agreement=agreement,
        year=on.year,
        commune=commune,
        typology=typology,
        assigned_on=on,
        rule_note=_rule_note(chosen),
        designation_due_on=_due_on(agreement, on) if agreement else None,
    )
    audit.record(
        action="vacancy_assignment.created",
        organisation=vacancy.organisation,
        actor=actor,
        obj=assignment,
        changes={"vacancy": vacancy.pk, "agreement": agreement and agreement.pk},
    )
    if agreement is not None:
        _request_designations(assignment)
    return assignment


def _request_designations(assignment: VacancyAssignment) -> str | None:
    """Ask the holder: its members by e-mail, or a new link when it has none. Returns the
    link's token when one was made (given once, never stored)."""
    token = None
    if not notify.member_emails(assignment.agreement.holder):
        token = _new_link(assignment)
    assignment.notified_at = timezone.now()
    assignment.save(update_fields=["notified_at"])
    assignment_id = assignment.pk
    transaction.on_commit(lambda: _send(assignment_id, token))
    return token


def _send(assignment_id: int, token: str | None) -> None:
    assignment = VacancyAssignment.objects.select_related(
        "organisation", "agreement__holder", "vacancy__dwelling", "commune"
    ).get(pk=assignment_id)
    notify.send_request(assignment, token=token)


def _new_link(assignment: VacancyAssignment) -> str:
    """A fresh link, valid until the end of the due day (Europe/Paris); the old one is gone."""
    token, digest = links.new_token()
    due = assignment.designation_due_on or timezone.localdate()
    end = dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min)
    assignment.link_token_hash = digest
    assignment.link_expires_at = timezone.make_aware(end)
    assignment.link_revoked_at = None
    assignment.save(update_fields=["link_token_hash", "link_expires_at", "link_revoked_at"])
    return token


def _locked(assignment: VacancyAssignment) -> VacancyAssignment:
    return VacancyAssignment.objects.select_for_update().get(pk=assignment.pk)


def assignment_override(*, assignment, actor, agreement, reason: str):
    """Put the vacancy in another flow (``agreement`` None: the landlord's own), with a
    reason, while no candidate is designated. Audited with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the override.")})
    if agreement is not None and agreement.organisation_id != assignment.organisation_id:
        raise ValueError("agreement of another organisation")
    with transaction.atomic():
        assignment = _locked(assignment)
        if assignment.designations.exists():
            raise ValidationError(_("Candidates are already designated: the flow cannot change."))
        before = assignment.agreement_id
        today = timezone.localdate()
        assignment.agreement = agreement
        assignment.override_reason, assignment.overridden_by = reason, actor
        assignment.designation_due_on = _due_on(agreement, today) if agreement else None
        assignment.released_on = None
        assignment.link_token_hash, assignment.link_expires_at = "", None
        assignment.save()
        audit.record(
            action="vacancy_assignment.overridden",
            organisation=assignment.organisation,
            actor=actor,
            obj=assignment,
            changes={"agreement": [before, agreement and agreement.pk], "reason": reason},
        )
        if agreement is not None:
            _request_designations(assignment)
    return assignment


def link_send(*, assignment, actor) -> str:
    """Send the holder a new link (the previous one stops working). Returns the token."""
    with transaction.atomic():
        assignment = _locked(assignment)
        if not assignment.designation_open(timezone.localdate()):
            raise ValidationError(_("Designations are closed for this vacancy."))
        if not assignment.agreement.holder.email:
            raise ValidationError(_("The holder has no e-mail address for designation requests."))
        token = _new_link(assignment)
        audit.record(
            action="vacancy_assignment.link_sent",
            organisation=assignment.organisation,
            actor=actor,
            obj=assignment,
        )
        assignment_id = assignment.pk
        transaction.on_commit(lambda: _send(assignment_id, token))
    return token


def link_revoke(*, assignment, actor) -> None:
    with transaction.atomic():
        assignment = _locked(assignment)
        if assignment.link_token_hash and assignment.link_revoked_at is None:
            assignment.link_revoked_at = timezone.now()
            assignment.save(update_fields=["link_revoked_at"])
            audit.record(
                action="vacancy_assignment.link_revoked",
                organisation=assignment.organisation,
                actor=actor,
                obj=assignment,
            )


def assignment_release(*, assignment, actor):
    """After the deadline, the landlord takes the vacancy back to propose its own candidates
    (the vacancy still counts as assigned to the holder in the balance)."""
    today = timezone.localdate()
    with transaction.atomic():
        assignment = _locked(assignment)
        if assignment.agreement_id is None or assignment.released_on is not None:
            raise ValidationError(_("This vacancy is already in the landlord's hands."))
        if assignment.designation_due_on and today <= assignment.designation_due_on:
            raise ValidationError(_("The holder may still designate until the deadline."))
        assignment.released_on = today
        assignment.link_revoked_at = assignment.link_revoked_at or timezone.now()
        assignment.save(update_fields=["released_on", "link_revoked_at"])
        audit.record(
            action="vacancy_assignment.released",
            organisation=assignment.organisation,
            actor=actor,
            obj=assignment,
        )
    return assignment


NUMBER_SEPARATORS = re.compile(r"[\s.\-]+")


def compact_number(number: str) -> str:
    """A numéro unique as typed ("037 240 001 000 005", "037.240-001") without its spaces,
    dots and dashes, upper-cased: how the designation form and the link page compare it."""
    return NUMBER_SEPARATORS.sub("", number).upper()


def _compact_field():
    compact = F("registration_number")
    for separator in (" ", ".", "-"):
        compact = Replace(compact, Value(separator), Value(""))
    return Upper(compact)


def find_designable(assignment, number: str):
    """The active application with this national registration number (compared without
    spaces, dots or dashes, ``compact_number``) wishing the vacancy's commune, whichever
    landlord registered it; None when there is none."""
    return (
        Application.objects.filter(
            status=ApplicationStatus.ACTIVE, wished_communes=assignment.commune_id
        )
        .alias(compact=_compact_field())
        .filter(compact=compact_number(number))
        .order_by("pk")
        .first()
    )


def _check_designations(assignment, wanted) -> list[tuple[Application, dt.date | None]]:
    """[(application, DALO decision date)] for ``wanted`` [(number, date)], or a
    ValidationError naming each number that cannot be designated and why."""
    taken = set(assignment.designations.values_list("application_id", flat=True))
    if len(taken) + len(wanted) > MAX_DESIGNATIONS:
        raise ValidationError(
            _("A holder designates at most %(max)s candidates per vacancy (%(count)s already).")
            % {"max": MAX_DESIGNATIONS, "count": len(taken)}
        )
    found, errors = [], []
    today = timezone.localdate()
    for number, dalo_on in wanted:
        application = find_designable(assignment, number)
        if dalo_on is not None and dalo_on > today:
            errors.append(
                _("%(number)s: the DALO decision date %(date)s is in the future.")
                % {"number": number, "date": dalo_on.strftime("%d/%m/%Y")}
            )
        elif application is None:
            errors.append(
                _("%(number)s: no active application wishing %(commune)s has this number.")
                % {"number": number, "commune": assignment.commune.name}
            )
        elif application.pk in taken or application in [a for a, _d in found]:
            errors.append(_("%(number)s is already designated.") % {"number": number})
        else:
            found.append((application, dalo_on))
    if errors:
        raise ValidationError(errors)
    return found


def designate(*, assignment, actor, wanted, through_link: bool = False) -> list[Designation]:
    """Record the holder's designations: ``wanted`` is [(registration number, DALO decision
    date or None)] in rank order, after those already designated (at most three in all).
    A DALO date is kept for the préfecture's designations only, with its legal deadline
    (``rules.dalo_deadline``). Nothing is written when one number is refused."""
    if not wanted:
        raise ValidationError(_("Give at least one registration number."))
    with transaction.atomic():
        assignment = VacancyAssignment.objects.select_for_update().get(pk=assignment.pk)
        assignment = VacancyAssignment.objects.select_related(
            "agreement__holder", "commune", "organisation"
        ).get(pk=assignment.pk)
        if not assignment.designation_open(timezone.localdate()):
            raise ValidationError(_("Designations are closed for this vacancy."))
        holder = assignment.agreement.holder
        is_state = holder.kind == HolderKind.STATE
        found = _check_designations(assignment, wanted)
        rank = assignment.designations.count()
        created = []
        for application, dalo_on in found:
            rank += 1
            dalo_on = dalo_on if is_state else None
            created.append(
                Designation.objects.create(
                    organisation=assignment.organisation,
                    assignment=assignment,
                    application=application,
                    rank=rank,
                    dalo_decided_on=dalo_on,
                    dalo_deadline=rules.dalo_deadline(dalo_on, holder.dalo_deadline_months)
                    if dalo_on
                    else None,
                    designated_by=actor,
                    through_link=through_link,
                )
            )
        audit.record(
            action="vacancy_assignment.designated",
            organisation=assignment.organisation,
            actor=actor,
            obj=assignment,
            changes={
                "candidates": [a.registration_number for a, _d in found],
                "through_link": through_link,
            },
        )
    return created


def _few_reason(designations) -> str:
    if len(designations) >= 3:
        return ""
    dalo = any(
        PriorityCriterion.DALO in d.application.priority_criteria and d.application.dalo_decided_on
        for d in designations
    )
    return FewCandidatesReason.DALO if dalo else FewCandidatesReason.TOO_FEW


def assignment_to_agenda(*, assignment, session, actor):
    """Put the vacancy on a draft session's agenda with the designated candidates in their
    rank order (the commission's own checks apply: eligibility, three candidates or a
    justified exception). Returns the agenda item."""
    from ..commissions.agenda import agenda_item_add

    designations = list(assignment.designations.select_related("application").order_by("rank"))
    if not designations:
        raise ValidationError(_("No candidate is designated yet."))
    with transaction.atomic():
        item = agenda_item_add(
            session=session,
            vacancy=assignment.vacancy,
            actor=actor,
            application_ids=[d.application_id for d in designations],
            few_candidates_reason=_few_reason(designations),
        )
        audit.record(
            action="vacancy_assignment.to_agenda",
            organisation=assignment.organisation,
            actor=actor,
            obj=assignment,
            changes={"session": session.pk, "item": item.pk},
        )
    return item


@dataclass(frozen=True)
class OpenReservation:
    """A vacancy still reserved for a holder: its name, the last day it may designate, and
    the applications it designated (ids)."""

    holder: str
    due_on: dt.date | None
    designated: frozenset


def open_reservation(vacancy) -> OpenReservation | None:
    """The holder's reservation of the vacancy while it may still designate (before the end
    of its due day, not handed back), else None. Two queries at most."""
    assignment = (
        VacancyAssignment.objects.filter(vacancy_id=vacancy.pk, agreement__isnull=False)
        .select_related("agreement__holder__organisation")
        .first()
    )
    if assignment is None or not assignment.designation_open(timezone.localdate()):
        return None
    return OpenReservation(
        holder=assignment.agreement.holder.organisation.name,
        due_on=assignment.designation_due_on,
        designated=frozenset(assignment.designations.values_list("application_id", flat=True)),
    )


def check_proposal(vacancy, application_ids) -> None:
    """Before a holder's deadline, only its designated candidates go on the agenda for a
    vacancy of its flow; afterwards (or once handed back) the landlord proposes its own.
    Raises ``ValidationError`` naming the holder and the deadline."""
    reservation = open_reservation(vacancy)
    if reservation is None:
        return
    if set(application_ids) - reservation.designated:
        raise ValidationError(
            _(
                "This vacancy is reserved for %(holder)s until %(due)s: only the candidates "
                "it designates can be proposed before then."
            )
            % {
                "holder": reservation.holder,
                "due": reservation.due_on.strftime("%d/%m/%Y") if reservation.due_on else "—",
            }
        )
