"""What allocation adds to core's registries: home-page cards, quick links and the crisis
switch it reads. Registered from ``AllocationConfig.ready()``.

Cards (each a count and a slice: two queries, or three for the commission member):
- allocation officer (and manager where they may open the list): vacancies ready for a
  candidate search, sessions to prepare, letters drafted and not sent yet (per session),
  offers awaiting an answer with the days left (article R441-10 CCH: ten days), conditional
  decisions awaiting a document;
- director: this week's sessions (Monday to Sunday, Europe/Paris);
- anyone with a seat on a commission: the open sessions, their closing time and, per agenda
  item, whether the member has taken a position (or declared a conflict of interest).

A conditional decision awaits its document while the candidate's offer is not settled: the
model has no "document received" state, so the card counts the candidates attributed under a
suspensive condition (with a missing document) who have no offer answered yet.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from relais.core import crisis, home, navigation
from relais.core.roles import Role

from .models import (
    AgendaItem,
    Candidate,
    CommissionMember,
    DecisionType,
    DeclarationKind,
    ItemDeclaration,
    Letter,
    LetterKind,
    LetterStatus,
    OfferAnswer,
    Position,
    Seat,
    Session,
    SessionStatus,
    Vacancy,
    VacancyStatus,
)

OFFICERS = {Role.ALLOCATION_OFFICER, Role.MANAGER}


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def vacancies_card(ctx: home.HomeContext) -> home.Card:
    ready = Vacancy.objects.for_organisation(ctx.organisation).filter(status=VacancyStatus.READY)
    rows = ready.select_related("dwelling__building__commune").order_by("ready_on", "pk")
    return home.Card(
        key="allocation.vacancies_ready",
        title=_("Vacancies ready for a candidate search"),
        count=ready.count(),
        empty=_("Dwellings ready to let will appear here, to look for candidates."),
        url=f"{reverse('allocation:vacancy_list')}?status={VacancyStatus.READY}",
        link_label=_("All vacancies ready to let"),
        rows=[
            home.CardRow(
                f"{v.dwelling.reference} – {v.dwelling.building.commune.name}",
                _("ready since %(day)s") % {"day": _day(v.ready_on)} if v.ready_on else "",
                url=reverse("allocation:vacancy_candidates", args=[v.pk]),
            )
            for v in rows[: home.ROWS]
        ],
    )


def sessions_to_prepare_card(ctx: home.HomeContext) -> home.Card:
    drafts = Session.objects.for_organisation(ctx.organisation).filter(status=SessionStatus.DRAFT)
    rows = drafts.select_related("commission").annotate(item_count=Count("items"))
    return home.Card(
        key="allocation.sessions_to_prepare",
        title=_("Sessions to prepare"),
        count=drafts.count(),
        empty=_("Sessions in preparation will appear here until they are opened."),
        url=reverse("allocation:session_list"),
        link_label=_("All sessions"),
        rows=[
            home.CardRow(
                s.commission.name,
                ngettext(
                    "opens %(when)s, %(items)d item",
                    "opens %(when)s, %(items)d items",
                    s.item_count,
                )
                % {"when": _when(s.opens_at), "items": s.item_count},
                url=reverse("allocation:session_detail", args=[s.pk]),
            )
            for s in rows.order_by("opens_at", "pk")[: home.ROWS]
        ],
    )


def letters_to_send_card(ctx: home.HomeContext) -> home.Card:
    """Sessions with letters drafted and not sent yet (the officer reviews, then sends)."""
    unsent = Letter.objects.for_organisation(ctx.organisation).exclude(status=LetterStatus.SENT)
    sessions = (
        Session.objects.for_organisation(ctx.organisation)
        .annotate(
            unsent=Count(
                "items__candidates__letters",
                filter=~Q(items__candidates__letters__status=LetterStatus.SENT),
            )
        )
        .filter(unsent__gt=0)
        .select_related("commission")
    )
    return home.Card(
        key="allocation.letters_to_send",
        title=_("Letters to review and send"),
        count=unsent.count(),
        empty=_("Letters drafted after a commission appear here until they are sent."),
        rows=[
            home.CardRow(
                f"{s.commission.name} – {_when(s.opens_at)}",
                ngettext("%(count)d letter not sent", "%(count)d letters not sent", s.unsent)
                % {"count": s.unsent},
                url=reverse("allocation:letter_list", args=[s.pk]),
            )
            for s in sessions.order_by("opens_at", "pk")[: home.ROWS]
        ],
    )


def offers_card(ctx: home.HomeContext) -> home.Card:
    pending = Letter.objects.for_organisation(ctx.organisation).filter(
        kind=LetterKind.OFFER, status=LetterStatus.SENT, answer=OfferAnswer.PENDING
    )
    rows = pending.select_related("candidate__application", "candidate__item__vacancy__dwelling")
    card_rows = []
    for letter in rows.order_by("answer_due_on", "pk")[: home.ROWS]:
        application = letter.candidate.application
        days, tone = home.days_left_text(letter.answer_due_on, ctx.today)
        card_rows.append(
            home.CardRow(
                f"{application.registration_number} – {application.applicant_last_name}",
                _("%(dwelling)s, %(days)s")
                % {"dwelling": letter.candidate.item.vacancy.dwelling.reference, "days": days},
                url=reverse("allocation:letter_detail", args=[letter.pk]),
                tone=tone,
            )
        )
    return home.Card(
        key="allocation.offers_pending",
        title=_("Offers awaiting an answer"),
        count=pending.count(),
        empty=_("Offers sent to applicants will appear here with the days left to answer."),
        rows=card_rows,
    )


def conditional_card(ctx: home.HomeContext) -> home.Card:
    settled = Letter.objects.filter(
        candidate=OuterRef("pk"),
        kind=LetterKind.OFFER,
        answer__in=[OfferAnswer.ACCEPTED, OfferAnswer.REFUSED, OfferAnswer.LAPSED],
    )
    waiting = (
        Candidate.objects.for_organisation(ctx.organisation)
        .filter(decision=DecisionType.CONDITIONAL)
        .exclude(missing_document="")
        .filter(~Exists(settled))
    )
    rows = waiting.select_related("application", "item").order_by("document_deadline", "pk")
    card_rows = []
    for candidate in rows[: home.ROWS]:
        detail = candidate.missing_document
        tone = ""
        if candidate.document_deadline:
            days, tone = home.days_left_text(candidate.document_deadline, ctx.today)
            detail = f"{detail} – {days}"
        application = candidate.application
        card_rows.append(
            home.CardRow(
                f"{application.registration_number} – {application.applicant_last_name}",
                detail,
                url=reverse("allocation:letter_list", args=[candidate.item.session_id]),
                tone=tone,
            )
        )
    return home.Card(
        key="allocation.conditional_pending",
        title=_("Conditional decisions awaiting a document"),
        count=waiting.count(),
        empty=_(
            "Attributions under suspensive condition will appear here until the applicant "
            "hands in the missing document."
        ),
        rows=card_rows,
    )


def _week(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    return start, start + dt.timedelta(days=7)


def week_sessions_card(ctx: home.HomeContext) -> home.Card:
    start, end = _week(ctx.today)
    week = Session.objects.for_organisation(ctx.organisation).filter(
        opens_at__lt=end, closes_at__gte=start
    )
    rows = week.select_related("commission").order_by("opens_at", "pk")
    return home.Card(
        key="allocation.week_sessions",
        title=_("This week's commission sessions"),
        count=week.count(),
        empty=_("Commission sessions held this week will appear here."),
        url=reverse("allocation:session_list"),
        link_label=_("All sessions"),
        rows=[
            home.CardRow(
                s.commission.name,
                _("%(status)s, %(start)s → %(end)s")
                % {
                    "status": s.get_status_display(),
                    "start": _when(s.opens_at),
                    "end": _when(s.closes_at),
                },
                url=reverse("allocation:session_detail", args=[s.pk]),
            )
            for s in rows[: home.ROWS]
        ],
    )


def my_open_sessions_card(ctx: home.HomeContext) -> home.Card | None:
    """Open sessions of the commissions the person sits on; None for staff without a seat."""
    seats = list(
        CommissionMember.objects.for_organisation(ctx.organisation).filter(
            user=ctx.user, is_active=True
        )
    )
    if not seats and ctx.role != Role.COMMISSION_MEMBER:
        return None
    seat_of = {seat.commission_id: seat for seat in seats}
    sessions = list(
        Session.objects.for_organisation(ctx.organisation)
        .filter(commission_id__in=list(seat_of), status=SessionStatus.OPEN)
        .select_related("commission")
        .order_by("closes_at", "pk")
    )
    items = _items_with_my_positions(sessions, seats)
    rows = [_session_row(s, seat_of[s.commission_id], items.get(s.pk, [])) for s in sessions]
    return home.Card(
        key="allocation.my_open_sessions",
        title=_("Open sessions of my commissions"),
        count=len(rows),
        empty=_(
            "When a session of your commission opens, it will appear here with its closing "
            "time and the items you still have to decide on."
        ),
        url=reverse("allocation:my_sessions"),
        link_label=_("All my sessions"),
        rows=rows,
    )


def _items_with_my_positions(sessions, seats) -> dict[int, list]:
    """Agenda items of ``sessions`` with ``answered``: the member (by their seat) recorded a
    position on one of its candidates, or declared a conflict of interest (1 query)."""
    if not sessions:
        return {}
    seat_ids = [seat.pk for seat in seats]
    positioned = Position.objects.filter(member_id__in=seat_ids, candidate__item=OuterRef("pk"))
    conflict = ItemDeclaration.objects.filter(
        member_id__in=seat_ids, item=OuterRef("pk"), kind=DeclarationKind.CONFLICT
    )
    rows = (
        AgendaItem.objects.filter(session__in=sessions)
        .select_related("vacancy__dwelling")
        .annotate(answered=Exists(positioned) | Exists(conflict))
        .order_by("position", "pk")
    )
    grouped: dict[int, list] = {}
    for item in rows:
        grouped.setdefault(item.session_id, []).append(item)
    return grouped


def _session_row(session, seat, items) -> home.CardRow:
    done = sum(1 for item in items if item.answered)
    if seat.seat == Seat.ADVISORY:
        progress = _("advisory seat, no vote")
    else:
        progress = ngettext(
            "position taken on %(done)d item of %(total)d",
            "position taken on %(done)d items of %(total)d",
            done,
        ) % {
            "done": done,
            "total": len(items),
        }
    closes = _("closes %(when)s") % {"when": _when(session.closes_at)}
    return home.CardRow(
        session.commission.name,
        f"{closes} – {progress}",
        url=reverse("allocation:vote", args=[session.pk]),
        tone="" if done == len(items) else "warning",
        items=[
            (
                _("Item %(position)d – %(dwelling)s")
                % {"position": item.position, "dwelling": item.vacancy.dwelling.reference},
                item.answered,
            )
            for item in items
        ],
    )


def _has_seat_menu(request) -> bool:
    """ "My sessions" is for the people who sit on a commission: the commission member role,
    those who manage commissions (``commission.manage``), and anyone else only with an active
    seat (an accountant or HR officer without one does not see it). At most one query, kept
    on the request."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.role in {
        Role.SOCIAL_PARTNER,
        Role.FEDERATION_ANALYST,
        Role.RESERVATION_HOLDER,
    }:
        return False
    abilities = getattr(request, "abilities", {})
    if membership.role == Role.COMMISSION_MEMBER or abilities.get("commission.manage"):
        return True
    if not hasattr(request, "_relais_sits_on_commission"):
        from .models import CommissionMember

        request._relais_sits_on_commission = CommissionMember.objects.filter(
            user_id=request.user.pk, is_active=True
        ).exists()
    return request._relais_sits_on_commission


def register_menu() -> None:
    """Allocation's entries in the main menu."""
    entries = [
        (gettext_lazy("Applications"), "allocation:application_list", "allocation.view", 10),
        (gettext_lazy("Vacancies"), "allocation:vacancy_list", "allocation.view", 20),
        (gettext_lazy("Commissions"), "allocation:commission_list", "commission.manage", 30),
        (gettext_lazy("Sessions"), "allocation:session_list", "commission.manage", 40),
        (gettext_lazy("First-quartile indicator"), "allocation:fairness", "allocation.view", 60),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("allocation", label, url_name, ability=ability, order=order)
    navigation.register_item(
        "allocation",
        gettext_lazy("My sessions"),
        "allocation:my_sessions",
        show=_has_seat_menu,
        order=90,
    )


def register() -> None:
    from .letters import federation_template
    from .reservations.contributions import register as register_reservations

    register_menu()
    federation_template.register()
    register_reservations()
    home.register_card("allocation.vacancies_ready", roles=OFFICERS, order=20, build=vacancies_card)
    home.register_card(
        "allocation.sessions_to_prepare",
        roles={Role.ALLOCATION_OFFICER},
        order=30,
        build=sessions_to_prepare_card,
    )
    home.register_card(
        "allocation.letters_to_send", roles=OFFICERS, order=35, build=letters_to_send_card
    )
    home.register_card("allocation.offers_pending", roles=OFFICERS, order=40, build=offers_card)
    home.register_card(
        "allocation.conditional_pending", roles=OFFICERS, order=50, build=conditional_card
    )
    home.register_card(
        "allocation.week_sessions", roles={Role.DIRECTOR}, order=20, build=week_sessions_card
    )
    home.register_card(
        "allocation.my_open_sessions",
        roles=set(Role),
        order=15,
        build=my_open_sessions_card,
    )
    home.register_link(
        "allocation:application_list",
        gettext_lazy("Applications"),
        ability="allocation.view",
        order=20,
    )
    home.register_link(
        "allocation:vacancy_list", gettext_lazy("Vacancies"), ability="allocation.view", order=21
    )
    home.register_link(
        "allocation:letter_reasons",
        gettext_lazy("Reasons printed in letters"),
        ability="letters.reasons",
        order=22,
    )
    home.register_link(
        "allocation:eligibility_simulator",
        gettext_lazy("Eligibility simulator"),
        ability="eligibility.simulate",
        order=30,
    )
    crisis.register_effect(
        "remote_commissions",
        gettext_lazy("New commission sessions are proposed as remote sessions by default."),
        capability="allocation",
    )
