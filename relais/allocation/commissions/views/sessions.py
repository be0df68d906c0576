"""Session pages: preparation and results for the staff (``commission.manage``), and the vote
for the commission's members, who reach them by their seat, not by a role.

A member sees only the sessions of the commissions they sit on: a session of another
commission is a 404 for them, as it would be for another organisation; staff without a seat
get a 403. Outside members must have set up two-factor authentication (``require_mfa``).
"""

from datetime import timedelta
from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.pagination import ListPaginator
from relais.core.roles import OUTSIDE_ROLES
from relais.core.tenancy import get_for_request, require_ability

from ...applications.services import application_viewed
from ...models import (
    AgendaItem,
    Candidate,
    Commission,
    DeclarationKind,
    Session,
    SessionKind,
    SessionStatus,
)
from .. import agenda, closing, electorate, remarks, selectors
from .. import positions as position_services
from .. import sessions as services
from ..forms import DeclarationForm, PositionForm, SessionForm
from ..services import rules_of

ABILITY = "commission.manage"


def require_mfa(view):
    """Outside members (role ``commission_member``…) must have an authenticator app set up:
    without one they are sent to allauth's TOTP set-up page first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        membership = request.membership
        if membership is not None and membership.role in OUTSIDE_ROLES:
            has_totp = Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
            if not has_totp:
                messages.info(
                    request, _("Set up an authenticator app before taking part in sessions.")
                )
                return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


def _close_due(rows) -> None:
    for session in rows:
        closing.close_if_due(session)


# Staff: prepare, open, close, read the results ----------------------------------------------


@login_required
def session_list(request):
    require_ability(request, ABILITY)
    rows = selectors.sessions(request.organisation).order_by("-opens_at")
    _close_due(rows.filter(status=SessionStatus.OPEN, closes_at__lte=timezone.now()))
    return render(request, "allocation/session_list.html", {"sessions": rows[:100]})


@login_required
def session_create(request, commission_pk):
    commission = get_for_request(request, Commission.objects, ability=ABILITY, pk=commission_pk)
    initial = {
        "kind": services.default_kind(request.organisation, rules_of(commission)),
        # The next full hour: a start already past would open the session to positions at
        # once, before the members had the notice.
        "opens_at": timezone.localtime().replace(minute=0, second=0, microsecond=0)
        + timedelta(hours=1),
    }
    form = SessionForm(request.POST or None, initial=initial)
    vacancy = selectors.vacancy_from_query(request.organisation, request.GET.get("vacancy"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = agenda.session_create(
                commission=commission,
                actor=request.user,
                kind=data["kind"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Session created: now put vacancies on its agenda."))
            if vacancy is not None:  # planned from a vacancy: back to choose its candidates
                url = reverse("allocation:vacancy_candidates", args=[vacancy.pk])
                return redirect(f"{url}?session={session.pk}")
            return redirect("allocation:session_detail", pk=session.pk)
    return render(
        request,
        "allocation/session_form.html",
        {
            "form": form,
            "title": _("New session of %(name)s") % {"name": commission.name},
            "cancel_url": reverse("allocation:commission_detail", args=[commission.pk]),
            "remote_by_crisis": initial["kind"] == SessionKind.REMOTE,
        },
        status=400 if form.errors else 200,
    )


@login_required
def session_detail(request, pk):
    session = get_for_request(
        request, Session.objects.select_related("commission"), ability=ABILITY, pk=pk
    )
    closing.close_if_due(session)
    items = list(selectors.agenda(session))
    counts = selectors.item_counts(session, items)
    for item in items:
        item.counts = counts[item.pk]  # a conflicted member is not expected to vote
    context = {
        "session": session,
        "items": items,
        "sits": selectors.member_seats(request.user, request.organisation)
        .filter(commission_id=session.commission_id)
        .exists(),
    }
    return render(request, "allocation/session_detail.html", context)


@login_required
def session_item_add(request, pk):
    """Add a vacancy to the agenda: pick one of the ready vacancies, then its candidates among
    the ranked ones on the vacancy's candidate page, this session chosen (no typing of
    registration numbers)."""
    session = get_for_request(
        request, Session.objects.select_related("commission"), ability=ABILITY, pk=pk
    )
    if session.status != SessionStatus.DRAFT:
        messages.error(request, _("Items can only be added while the session is in preparation."))
        return redirect("allocation:session_detail", pk=session.pk)
    vacancies = selectors.ready_vacancies(request.organisation)
    page = ListPaginator(vacancies, 50).get_page(request.GET.get("page"))
    return render(request, "allocation/session_item_add.html", {"session": session, "page": page})


def _staff_action(request, session, action, done: str):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("allocation:session_detail", pk=session.pk)


@login_required
@require_POST
def session_item_remove(request, pk):
    item = get_for_request(
        request, AgendaItem.objects.select_related("session"), ability=ABILITY, pk=pk
    )
    return _staff_action(
        request,
        item.session,
        lambda: agenda.agenda_item_remove(item=item, actor=request.user),
        _("The vacancy is off the agenda."),
    )


@login_required
@require_POST
def session_open(request, pk):
    session = get_for_request(request, Session.objects, ability=ABILITY, pk=pk)
    return _staff_action(
        request,
        session,
        lambda: services.session_open(session=session, actor=request.user),
        _("The session is open: the members have been told by e-mail."),
    )


@login_required
@require_POST
def session_close(request, pk):
    """The end of an in-person meeting (a remote session closes at its closing time)."""
    session = get_for_request(request, Session.objects, ability=ABILITY, pk=pk)

    def close():
        if closing.session_close(session_id=session.pk, actor=request.user) is None:
            raise ValidationError(_("This session cannot be closed now."))

    return _staff_action(request, session, close, _("The session is closed."))


# Members: my sessions, the vote, a candidate's file -----------------------------------------


def _seat(request, pk):
    """(session, the user's seat on its commission), or 404 / 403 as described above."""
    organisation = request.organisation
    if organisation is None:
        raise Http404
    sessions = Session.objects.for_organisation(organisation).exclude(status=SessionStatus.DRAFT)
    session = get_object_or_404(sessions.select_related("commission"), pk=pk)
    seats = selectors.member_seats(request.user, organisation)
    member = seats.filter(commission_id=session.commission_id).first()
    if member is None:
        if seats.exists():
            raise Http404
        raise PermissionDenied
    return closing.close_if_due(session), member


@login_required
@require_mfa
def my_sessions(request):
    """The sessions of the commissions the user sits on (an empty list without a seat)."""
    organisation = request.organisation
    if organisation is None:
        raise Http404
    rows = selectors.sessions_for_member(request.user, organisation)
    _close_due(rows.filter(status=SessionStatus.OPEN, closes_at__lte=timezone.now()))
    return render(request, "allocation/session_mine.html", {"sessions": rows[:100]})


def _can_vote(session, member, conflicted: bool) -> bool:
    now = timezone.now()
    in_hours = session.kind == SessionKind.IN_PERSON or session.opens_at <= now < session.closes_at
    return session.status == SessionStatus.OPEN and in_hours and member.votes and not conflicted


def _card(candidate, position, *, size: int, can_vote: bool, errors=(), saved=False) -> dict:
    return {
        "candidate": candidate,
        "position": position,
        "ranks": range(1, size + 1),
        "can_vote": can_vote,
        "errors": list(errors),
        "saved": saved,
    }


def _current_item(items, request):
    try:
        wanted = int(request.GET.get("item", ""))
    except ValueError:
        wanted = None
    return next((item for item in items if item.position == wanted), items[0] if items else None)


def _outside(member, items) -> set[int]:
    """Items whose dwelling the member's seat does not cover (a mayor of another commune):
    they are listed, marked, without their candidates — the member does not vote on them and
    has no need to read those applicants' files. Advisory members follow every item."""
    if not member.votes:
        return set()
    return {item.pk for item in items if not electorate.covers(member, electorate.place_of(item))}


@login_required
@require_mfa
def vote(request, pk):
    session, member = _seat(request, pk)
    items = list(selectors.agenda(session))
    positions, declared = selectors.ballot(session, member)
    item = _current_item(items, request)
    outside = _outside(member, items)
    in_electorate = item is not None and item.pk not in outside
    conflicted = item is not None and (item.pk, DeclarationKind.CONFLICT) in declared
    can_vote = in_electorate and _can_vote(session, member, conflicted)
    cards = []
    if in_electorate:
        size = len(item.candidates.all())
        cards = [
            _card(c, positions.get(c.pk), size=size, can_vote=can_vote)
            for c in item.candidates.all()
        ]
    index = items.index(item) if item is not None else 0
    context = {
        "session": session,
        "member": member,
        "items": items,
        "item": item,
        "cards": cards,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
        "done_items": {c.item_id for c in _candidates_of(items) if c.pk in positions},
        "outside_items": outside,
        "votes_on_nothing": bool(items) and len(outside) == len(items),
        "in_electorate": in_electorate,
        "oob": False,
        "conflicted": conflicted,
        "sent_back": item is not None and (item.pk, DeclarationKind.SEND_BACK) in declared,
        "can_declare": in_electorate
        and session.status == SessionStatus.OPEN
        and _in_hours(session),
        "can_vote": can_vote,
        # Open early (the notice goes out at once) but positions wait for the start time
        # (positions.lock_open): the member is told from when.
        "not_started": session.status == SessionStatus.OPEN
        and session.kind == SessionKind.REMOTE
        and timezone.now() < session.opens_at,
        **_exchange(session, member, item, in_electorate and not conflicted),
    }
    return render(request, "allocation/vote.html", context)


def _exchange(session, member, item, may_read: bool) -> dict:
    """The item's written exchange (remote sessions), for the members who take part in it."""
    if item is None or session.kind != SessionKind.REMOTE or not may_read:
        return {"remarks": [], "show_exchange": False, "can_remark": False}
    return {
        "remarks": remarks.remarks_of(item),
        "show_exchange": True,
        "can_remark": _open_now(session),
        "remark_max": remarks.MAX_LENGTH,
    }


@login_required
@require_mfa
@require_POST
def vote_remark(request, pk, item_pk):
    """Post a remark on an item of a remote session (then back to the item)."""
    session, member = _seat(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, session=session)
    try:
        remarks.remark_post(
            session=session, member=member, item=item, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Remark posted: the other members of the item can read it."))
    return redirect(_vote_url(session, item) + "#exchange")


def _open_now(session) -> bool:
    return session.status == SessionStatus.OPEN and _in_hours(session)


def _in_hours(session) -> bool:
    return session.kind == SessionKind.IN_PERSON or (
        session.opens_at <= timezone.now() < session.closes_at
    )


def _candidates_of(items):
    return [c for item in items for c in item.candidates.all()]


def _vote_url(session, item) -> str:
    return f"{reverse('allocation:vote', args=[session.pk])}?item={item.position}"


@login_required
@require_mfa
@require_POST
def vote_position(request, pk, candidate_pk):
    session, member = _seat(request, pk)
    candidate = get_object_or_404(
        Candidate.objects.select_related("item", "application"),
        pk=candidate_pk,
        item__session=session,
    )
    form = PositionForm(request.POST)
    errors = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            position_services.position_record(
                session=session,
                member=member,
                candidate=candidate,
                choice=data["choice"],
                rank=data["rank"],
                reason=data["reason"],
            )
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    if not request.htmx:
        for message in errors:
            messages.error(request, message)
        if not errors:
            messages.success(request, _("Position saved."))
        return redirect(_vote_url(session, candidate.item))
    positions, declared = selectors.ballot(session, member)
    session.refresh_from_db()
    conflicted = (candidate.item_id, DeclarationKind.CONFLICT) in declared
    card = _card(
        candidate,
        positions.get(candidate.pk),
        size=candidate.item.candidates.count(),
        can_vote=_can_vote(session, member, conflicted),
        errors=errors,
        saved=not errors,
    )
    card_html = render_to_string(
        "allocation/vote.html#candidate_card", {"card": card, "session": session}, request
    )
    items = list(selectors.agenda(session))
    done = {c.item_id for c in _candidates_of(items) if c.pk in positions}
    tabs = {
        "items": items,
        "item": candidate.item,
        "done_items": done,
        "outside_items": _outside(member, items),
        "oob": True,
    }
    tabs_html = render_to_string("allocation/vote.html#item_tabs", tabs, request)
    return HttpResponse(card_html + tabs_html)


@login_required
@require_mfa
@require_POST
def vote_declaration(request, pk, item_pk):
    session, member = _seat(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, session=session)
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        raise Http404
    kind, reason = form.cleaned_data["kind"], form.cleaned_data["reason"]
    try:
        if form.cleaned_data["withdraw"]:
            position_services.declaration_withdraw(
                session=session, member=member, item=item, kind=kind
            )
        else:
            position_services.declaration_record(
                session=session, member=member, item=item, kind=kind, reason=reason
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Declaration saved."))
    return redirect(_vote_url(session, item))


@login_required
@require_mfa
def vote_candidate(request, pk, candidate_pk):
    """A candidate's file as a member sees it (what the decision needs); each opening is
    audited."""
    session, member = _seat(request, pk)
    candidate = get_object_or_404(
        Candidate.objects.select_related(
            "application", "item__vacancy__dwelling__building__commune"
        ),
        pk=candidate_pk,
        item__session=session,
    )
    if candidate.item_id in _outside(member, [candidate.item]):
        raise Http404  # not in the member's electorate: no need to read the file
    application_viewed(actor=request.user, application=candidate.application, via="commission")
    context = {
        "session": session,
        "file": selectors.candidate_file(candidate, session),
        "back_url": _vote_url(session, candidate.item),
    }
    return render(request, "allocation/vote_candidate.html", context)
