"""Preparing a commission session: create it (carrying over the items sent back by the last
remote session), put a vacancy and its candidates on the agenda (eligibility, reservations,
benefit estimates), take an item off. Locks the session through ``sessions.lock_session``."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.transactions import write_transaction
from relais.housing.models import Dwelling

from ..applications.pool import readable_applications
from ..applications.services import application_set_status
from ..deadlines import elapsed_end
from ..eligibility.benefits import effort_rates
from ..models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Candidate,
    ItemStatus,
    Session,
    SessionKind,
    SessionStatus,
    Vacancy,
    VacancyStatus,
)
from ..reservations.services import check_proposal as check_reserved_proposal
from ..scoring.selectors import scores_in_epci
from ..vacancies.candidates import validate_proposal
from .checks import proposal_justification
from .services import rules_of
from .sessions import (
    CANDIDATE_STATUSES,
    IN_PERSON_HOURS,
    NO_REMOTE,
    default_kind,
    lock_session,
    vacancy_move,
)


def session_create(*, commission, actor, opens_at, kind: str = "", closes_at=None) -> Session:
    """Plan a session; an in-person one takes over the items sent back to an in-person session.

    Defaults: the kind from the crisis state, the length from the commission (remote) or
    ``IN_PERSON_HOURS``, the quorum copied from the commission.
    """
    organisation = commission.organisation
    rules = rules_of(commission)
    kind = kind or default_kind(organisation, rules)
    if kind == SessionKind.REMOTE and not rules.remote_sessions_allowed:
        raise ValidationError(NO_REMOTE)
    if closes_at is None:
        hours = commission.remote_duration_hours if kind == SessionKind.REMOTE else IN_PERSON_HOURS
        closes_at = elapsed_end(opens_at, hours)  # elapsed hours, across a clock change too
    if closes_at <= opens_at:
        raise ValidationError(_("The session must close after it opens."))
    with transaction.atomic():
        session = Session.objects.create(
            organisation=organisation,
            commission=commission,
            kind=kind,
            opens_at=opens_at,
            closes_at=closes_at,
            quorum_ratio=rules.quorum_ratio,
        )
        audit.record(
            action="session.created",
            organisation=organisation,
            actor=actor,
            obj=session,
            changes={"kind": kind, "opens_at": opens_at, "closes_at": closes_at},
        )
        if kind == SessionKind.IN_PERSON:
            for item in sent_back_waiting(commission).order_by("pk"):
                carry_over(item, session, actor)
    return session


def sent_back_waiting(commission=None, *, organisation=None):
    """Items sent back to an in-person session that no later session has taken over yet
    (of one commission, or of every commission of ``organisation``)."""
    later = AgendaItem.objects.filter(vacancy=OuterRef("vacancy"), pk__gt=OuterRef("pk"))
    waiting = AgendaItem.objects.filter(status=ItemStatus.SENT_BACK).filter(~Exists(later))
    if commission is not None:
        return waiting.filter(session__commission=commission)
    return waiting.for_organisation(organisation)


def carry_over(item: AgendaItem, session: Session, actor) -> AgendaItem | None:
    """Put a sent-back item on an in-person session's agenda, with the same candidates."""
    if session.items.filter(vacancy_id=item.vacancy_id).exists():
        return None
    position = (session.items.aggregate(top=Max("position"))["top"] or 0) + 1
    new = AgendaItem.objects.create(
        organisation=session.organisation,
        session=session,
        vacancy_id=item.vacancy_id,
        position=position,
        few_candidates_reason=item.few_candidates_reason,
    )
    candidates = list(item.candidates.select_related("application"))
    Candidate.objects.bulk_create(
        Candidate(
            organisation=session.organisation,
            item=new,
            application=c.application,
            proposed_rank=c.proposed_rank,
            score_at_proposal=c.score_at_proposal,
        )
        for c in candidates
    )
    store_effort_rates(new)
    _propose([c.application for c in candidates], actor)
    audit.record(
        action="agenda_item.carried_over",
        organisation=session.organisation,
        actor=actor,
        obj=new,
        changes={"from_item": item.pk, "from_session": item.session_id},
    )
    return new


def _propose(applications, actor) -> None:
    for application in applications:
        if application.status == ApplicationStatus.ACTIVE:
            application_set_status(
                actor=actor, application=application, status=ApplicationStatus.PROPOSED
            )


def release_applications(application_ids, actor) -> None:
    """Proposed applications without any pending candidacy left become active again."""
    pending = Candidate.objects.filter(application=OuterRef("pk"), item__status=ItemStatus.PENDING)
    idle = Application.objects.filter(
        pk__in=application_ids, status=ApplicationStatus.PROPOSED
    ).filter(~Exists(pending))
    for application in idle:
        application_set_status(
            actor=actor, application=application, status=ApplicationStatus.ACTIVE
        )


def _check_vacancy_free(vacancy: Vacancy) -> None:
    """Ready, or on an agenda whose last item was postponed or sent back."""
    if vacancy.status == VacancyStatus.READY:
        return
    last = vacancy.agenda_items.order_by("-pk").first()
    if vacancy.status == VacancyStatus.ON_AGENDA and (
        last is None or last.status in (ItemStatus.POSTPONED, ItemStatus.SENT_BACK)
    ):
        return
    raise ValidationError(
        _("This vacancy is not ready to be put on an agenda (status: %(status)s).")
        % {"status": vacancy.get_status_display()}
    )


def _applications_in_order(organisation, application_ids) -> list[Application]:
    """The applications proposed, in order: the organisation's own and those of the shared
    pool it may read (another landlord's file wishing a commune where it has stock, ADR 0046);
    any other id is "unknown"."""
    found = readable_applications(organisation).in_bulk(application_ids)
    missing = [str(pk) for pk in application_ids if pk not in found]
    if missing:
        raise ValidationError(_("Unknown applications: %(ids)s.") % {"ids": ", ".join(missing)})
    applications = [found[pk] for pk in application_ids]
    closed = [a.registration_number for a in applications if a.status not in CANDIDATE_STATUSES]
    if closed:
        raise ValidationError(
            _("These applications are no longer active: %(numbers)s.")
            % {"numbers": ", ".join(closed)}
        )
    return applications


@write_transaction
def agenda_item_add(
    *, session: Session, vacancy: Vacancy, actor, application_ids, few_candidates_reason: str = ""
) -> AgendaItem:
    """Put a vacancy on a draft session's agenda with its candidates in the proposed order.

    At least three candidates, or a recorded, justified exception (``validate_proposal``,
    ``checks.proposal_justification``); every candidate eligible at the decision date.
    """
    application_ids = [int(pk) for pk in application_ids]
    reason = validate_proposal(application_ids, few_candidates_reason)
    organisation = session.organisation
    with transaction.atomic():
        session = lock_session(session)
        if session.status != SessionStatus.DRAFT:
            raise ValidationError(_("Items can only be added while the session is in preparation."))
        vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk, organisation=organisation)
        _check_vacancy_free(vacancy)
        check_reserved_proposal(vacancy, application_ids)
        if session.items.filter(vacancy=vacancy).exists():
            raise ValidationError(_("This vacancy is already on the agenda."))
        applications = _applications_in_order(organisation, application_ids)
        justification = proposal_justification(
            session=session, vacancy=vacancy, applications=applications, reason=reason
        )
        position = (session.items.aggregate(top=Max("position"))["top"] or 0) + 1
        item = AgendaItem.objects.create(
            organisation=organisation,
            session=session,
            vacancy=vacancy,
            position=position,
            few_candidates_reason=reason,
            few_candidates_justification=justification,
        )
        # The score on the grid of the dwelling's EPCI (ADR 0033), else the main one.
        epci = Dwelling.objects.filter(pk=vacancy.dwelling_id).values("building__commune__epci")
        in_epci = scores_in_epci([a.pk for a in applications], epci[0]["building__commune__epci"])
        Candidate.objects.bulk_create(
            Candidate(
                organisation=organisation,
                item=item,
                application=application,
                proposed_rank=rank,
                score_at_proposal=in_epci.get(application.pk, (application.score,))[0],
            )
            for rank, application in enumerate(applications, start=1)
        )
        store_effort_rates(item)
        vacancy_move(vacancy, to=VacancyStatus.ON_AGENDA, actor=actor)
        _propose(applications, actor)
        audit.record(
            action="agenda_item.added",
            organisation=organisation,
            actor=actor,
            obj=item,
            changes={
                "vacancy": vacancy.pk,
                "candidates": [a.registration_number for a in applications],
                "few_candidates_reason": reason,
                "few_candidates_justification": justification,
            },
        )
    return item


@write_transaction
def agenda_item_remove(*, item: AgendaItem, actor) -> None:
    """Take an item off a session still in preparation (its vacancy is ready again)."""
    with transaction.atomic():
        session = lock_session(item.session)
        if session.status != SessionStatus.DRAFT:
            raise ValidationError(
                _("Items can only be removed while the session is in preparation.")
            )
        item = AgendaItem.objects.select_related("vacancy").get(pk=item.pk, session=session)
        application_ids = list(item.candidates.values_list("application_id", flat=True))
        vacancy = Vacancy.objects.select_for_update().get(pk=item.vacancy_id)
        audit.record(
            action="agenda_item.removed",
            organisation=session.organisation,
            actor=actor,
            obj=item,
            changes={"session": session.pk, "vacancy": vacancy.pk},
        )
        item.delete()
        if vacancy.status == VacancyStatus.ON_AGENDA:
            vacancy_move(vacancy, to=VacancyStatus.READY, actor=actor)
        release_applications(application_ids, actor)


def store_effort_rates(item: AgendaItem) -> None:
    """Estimate the housing benefit and effort rate of an item's candidates in one batch
    (one openfisca simulation when installed) and store them for the members' pages."""
    candidates = list(item.candidates.select_related("application"))
    dwelling = Dwelling.objects.select_related("building").get(pk=item.vacancy.dwelling_id)
    charges = item.vacancy.charges_cents
    rates = effort_rates((c.application, dwelling, charges) for c in candidates)
    for candidate in candidates:
        rate = rates[(candidate.application_id, dwelling.pk)]
        candidate.housing_benefit_cents = rate.benefit_cents
        candidate.effort_rate = rate.effort_rate
        candidate.remaining_income_cents = rate.remaining_income_cents
    Candidate.objects.bulk_update(
        candidates, ["housing_benefit_cents", "effort_rate", "remaining_income_cents"]
    )
