"""The indicators computed from the members' live data, one grouped query each over every
member (reads only: the federation never writes another capability's rows).

Weeks are ISO weeks in Europe/Paris (``registry.Week``). Rates are per cent (0–100) with the
count they rest on as ``base``; money is integer cents. Figures that describe a state rather
than the week's events (arrears, days of cover) are the state at the end of the week when
computed then; past weeks keep the snapshot stored at the time.
"""

import datetime as dt
from statistics import median

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from relais.core.models import Organisation

from .registry import Figure, Week

COVER_WINDOW_DAYS = 28  # daily use of protective equipment: issues of the last four weeks


def users(model):
    """in_use for a capability: members with at least one row of ``model`` (one query, an
    EXISTS per member on the organisation index)."""

    def in_use(organisation_ids):
        rows = model.objects.filter(organisation_id=OuterRef("pk"))
        found = Organisation.objects.filter(Exists(rows), pk__in=organisation_ids)
        return set(found.values_list("pk", flat=True))

    return in_use


def _rate(met: int, measured: int) -> Figure | None:
    if not measured:
        return None
    return Figure(round(100 * met / measured, 1), measured)


def _grouped(queryset, **annotations):
    return queryset.order_by().values("organisation_id").annotate(**annotations)


# A back-dated row changes every later week's snapshot (stock, arrears) up to the current one;
# beyond a year back the weeks are not recomputed (no member reports on them any more).
MAX_BACK_WEEKS = 53


def _weeks_from(rows) -> set:
    """{(organisation id, week start)} of every week from each row's week to the current one
    (at most ``MAX_BACK_WEEKS``): what a back-dated row of a running total changes."""
    current = Week.of(timezone.localdate())
    earliest = {}
    for organisation_id, when in rows:
        if isinstance(when, dt.datetime):
            when = timezone.localdate(when)
        start = max(Week.of(when).start, current.previous(MAX_BACK_WEEKS).start)
        earliest[organisation_id] = min(start, earliest.get(organisation_id, start))
    found = set()
    for organisation_id, start in earliest.items():
        week = Week(start)
        while week.start <= current.start:
            found.add((organisation_id, week.start))
            week = Week(week.end)
    return found


def _audited(ids, since, actions) -> dict[int, int]:
    """{object id: organisation id} of the objects whose audit events of ``actions`` were
    recorded since ``since`` (the audit log is the change record of rows without their own
    change timestamp; index ``organisation, -created_at``)."""
    from relais.core.models import AuditEvent

    rows = AuditEvent.objects.filter(
        organisation_id__in=ids, created_at__gte=since, action__in=actions
    ).values_list("object_id", "organisation_id")
    return {int(pk): org for pk, org in rows if pk and pk.isdigit()}


def _weeks_of(rows) -> set:
    """{(organisation id, week start)} from (organisation id, date or datetime) pairs."""
    found = set()
    for organisation_id, when in rows:
        if when is None:
            continue
        if isinstance(when, dt.datetime):
            when = timezone.localdate(when)
        found.add((organisation_id, Week.of(when).start))
    return found


# Interventions --------------------------------------------------------------------------------


def urgent_requests(ids, week: Week):
    from relais.interventions.models import InterventionRequest
    from relais.interventions.on_call.rules import URGENT_PRIORITIES

    start, end = week.bounds()
    rows = _grouped(
        InterventionRequest.objects.filter(
            organisation_id__in=ids,
            reported_at__gte=start,
            reported_at__lt=end,
            priority__in=URGENT_PRIORITIES,
        ),
        n=Count("pk"),
    )
    return {r["organisation_id"]: Figure(r["n"], r["n"]) for r in rows}


def sla(ids, week: Week):
    """Work orders due in the week, done by their due time, of those measured (done, or still
    open past their due time)."""
    from relais.interventions.models import WorkOrder, WorkOrderStatus
    from relais.interventions.work_orders.selectors import MEASURED

    start, end = week.bounds()
    now = timezone.now()
    measured = MEASURED & (Q(status=WorkOrderStatus.COMPLETED) | Q(due_at__lt=now))
    met = Q(status=WorkOrderStatus.COMPLETED, completed_at__lte=F("due_at"))
    rows = _grouped(
        WorkOrder.objects.filter(
            measured, organisation_id__in=ids, due_at__gte=start, due_at__lt=end
        ),
        measured=Count("pk"),
        met=Count("pk", filter=met),
    )
    return {r["organisation_id"]: _rate(r["met"], r["measured"]) for r in rows if r["measured"]}


def interventions_changed(ids, since):
    from relais.interventions.models import InterventionRequest

    rows = InterventionRequest.objects.filter(organisation_id__in=ids, updated_at__gte=since)
    return _weeks_of(rows.values_list("organisation_id", "reported_at"))


# Proximity ------------------------------------------------------------------------------------


def rounds_coverage(ids, week: Week):
    """Passages done of the passages due in the week (done or missed)."""
    from relais.proximity.models import OccurrenceStatus, RoundOccurrence

    rows = _grouped(
        RoundOccurrence.objects.filter(
            organisation_id__in=ids,
            day__gte=week.start,
            day__lt=week.end,
            status__in=[OccurrenceStatus.DONE, OccurrenceStatus.MISSED],
        ),
        due=Count("pk"),
        done=Count("pk", filter=Q(status=OccurrenceStatus.DONE)),
    )
    return {r["organisation_id"]: _rate(r["done"], r["due"]) for r in rows if r["due"]}


def proximity_changed(ids, since):
    from relais.proximity.models import RoundOccurrence

    rows = RoundOccurrence.objects.filter(organisation_id__in=ids, completed_at__gte=since)
    return _weeks_of(rows.values_list("organisation_id", "day").distinct())


# Outreach -------------------------------------------------------------------------------------


def calls(ids, week: Week):
    from relais.outreach.models import Call

    start, end = week.bounds()
    rows = _grouped(
        Call.objects.filter(organisation_id__in=ids, called_at__gte=start, called_at__lt=end),
        n=Count("pk"),
    )
    return {r["organisation_id"]: Figure(r["n"], r["n"]) for r in rows}


def register_coverage(ids, week: Week):
    """People on the register during the week reached by a call in the week (two queries)."""
    from relais.outreach.models import Call, Outcome, RegisterEntry

    start, end = week.bounds()
    on_register = RegisterEntry.objects.filter(
        Q(left_at__isnull=True) | Q(left_at__gte=start),
        organisation_id__in=ids,
        entered_at__lt=end,
    )
    reached = Call.objects.filter(
        organisation_id__in=ids,
        called_at__gte=start,
        called_at__lt=end,
        outcome__in=[Outcome.FINE, Outcome.NEEDS],
    )
    entries = {r["organisation_id"]: r["n"] for r in _grouped(on_register, n=Count("pk"))}
    done = {
        r["organisation_id"]: r["n"]
        for r in _grouped(reached, n=Count("follow__entry_id", distinct=True))
    }
    return {org: _rate(done.get(org, 0), n) for org, n in entries.items() if n}


def outreach_changed(ids, since):
    from relais.outreach.models import Call

    rows = Call.objects.filter(organisation_id__in=ids, called_at__gte=since)
    return _weeks_of(rows.values_list("organisation_id", "called_at"))


# Allocation -----------------------------------------------------------------------------------


def allocation_changed(ids, since):
    """Sessions closed since ``since`` (the week of the close) and vacancies whose dates
    changed since (audit log): the week their lease was signed in."""
    from relais.allocation.models import Session, Vacancy

    found = _weeks_of(
        Session.objects.filter(organisation_id__in=ids, closed_at__gte=since).values_list(
            "organisation_id", "closed_at"
        )
    )
    changed = _audited(ids, since, ["vacancy.status_changed", "vacancy.updated"])
    if changed:
        signed = Vacancy.objects.filter(pk__in=list(changed), lease_signed_on__isnull=False)
        found |= _weeks_of(signed.values_list("organisation_id", "lease_signed_on"))
    return found


def commissions_held(ids, week: Week):
    from relais.allocation.models import Session

    start, end = week.bounds()
    rows = _grouped(
        Session.objects.filter(organisation_id__in=ids, closed_at__gte=start, closed_at__lt=end),
        n=Count("pk"),
    )
    return {r["organisation_id"]: Figure(r["n"], r["n"]) for r in rows}


def allocations(ids, week: Week):
    """Dwellings attributed (an agenda item with an attribution, ranked or conditional
    included) in sessions closed in the week."""
    from relais.allocation.models import AgendaItem, Candidate, DecisionType

    start, end = week.bounds()
    attributed = Candidate.objects.filter(
        item=OuterRef("pk"),
        decision__in=[DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL],
    )
    rows = _grouped(
        AgendaItem.objects.filter(
            Exists(attributed),
            organisation_id__in=ids,
            session__closed_at__gte=start,
            session__closed_at__lt=end,
        ),
        n=Count("pk"),
    )
    return {r["organisation_id"]: Figure(r["n"], r["n"]) for r in rows}


def first_quartile_share(ids, week: Week):
    """Share of the leases signed in the week (accepted offers) that went to households of the
    first quartile of income of their EPCI (article L441-1 CCH; same test as
    ``allocation.vacancies.fairness``), among those whose EPCI has a threshold."""
    from relais.allocation.models import Letter, LetterKind, OfferAnswer, QuartileThreshold
    from relais.allocation.vacancies.fairness import FIRST_ADULT_UC10, OTHER_UC10, UNDER_14_UC10

    vacancy = "candidate__item__vacancy__"
    application = "candidate__application__"
    epci = f"{vacancy}dwelling__building__commune__epci_id"
    threshold = QuartileThreshold.objects.filter(
        epci_id=OuterRef(epci), year=week.start.year
    ).values("amount_eur")[:1]
    units10 = (
        FIRST_ADULT_UC10
        + (F(f"{application}persons") - 1 - F(f"{application}members_under_14")) * OTHER_UC10
        + F(f"{application}members_under_14") * UNDER_14_UC10
    )
    first = Q(
        LessThanOrEqual(
            F(f"{application}monthly_resources_cents") * 120, F("threshold") * 100 * units10
        )
    )
    letters = Letter.objects.filter(
        organisation_id__in=ids,
        kind=LetterKind.OFFER,
        answer=OfferAnswer.ACCEPTED,
        **{f"{vacancy}lease_signed_on__gte": week.start, f"{vacancy}lease_signed_on__lt": week.end},
    ).annotate(threshold=Subquery(threshold, output_field=IntegerField()))
    rows = _grouped(
        letters.filter(threshold__isnull=False),
        n=Count(f"{vacancy}id", distinct=True),
        first=Count(f"{vacancy}id", distinct=True, filter=first),
    )
    return {r["organisation_id"]: _rate(r["first"], r["n"]) for r in rows if r["n"]}


# Supplies -------------------------------------------------------------------------------------


def days_of_cover(ids, week: Week):
    """The median cover of the items used (days): for each item issued at the member, stock at
    the end of the week divided by the daily use over the four weeks before; the member's
    figure is the median over its items, so one item run out does not make the whole stock
    read « 0 day » (ADR 0048) (two grouped queries: the stock of a week not over is the kept
    balances (ADR 0053), of a past week the movements before its end, read from the covering
    index ``supplies_mv_stock``; the issues from ``supplies_mv_kind``)."""
    from relais.supplies.models import Movement, MovementKind, StockBalance

    _start, end = week.bounds()
    if end <= timezone.now():
        stock = Movement.objects.filter(organisation_id__in=ids, occurred_at__lt=end)
        column = "quantity"
    else:
        stock = StockBalance.objects.filter(organisation_id__in=ids)
        column = "units"
    units = {
        (org, item): total
        for org, item, total in stock.order_by()
        .values_list("organisation_id", "item_id")
        .annotate(total=Sum(column))
    }
    issued = (
        Movement.objects.filter(
            organisation_id__in=ids,
            kind=MovementKind.ISSUE,
            occurred_at__gte=end - dt.timedelta(days=COVER_WINDOW_DAYS),
            occurred_at__lt=end,
        )
        .order_by()
        .values_list("organisation_id", "item_id")
        .annotate(total=Sum("quantity"))
    )
    covers: dict[int, list[float]] = {}
    for organisation_id, item, total in issued:
        daily = -(total or 0) / COVER_WINDOW_DAYS
        if daily <= 0:
            continue
        days = max(units.get((organisation_id, item), 0), 0) / daily
        covers.setdefault(organisation_id, []).append(days)
    return {org: Figure(round(median(days), 1)) for org, days in covers.items()}


def supplies_watermark() -> int:
    """The highest stock movement id (movements are never updated nor deleted, ADR 0044)."""
    from django.db.models import Max

    from relais.supplies.models import Movement

    return Movement.objects.aggregate(top=Max("pk"))["top"] or 0


def supplies_changed_after(ids, mark: int):
    """Movements added since ``mark``: every week from the one they are dated in to the
    current one (the stock at the end of each of them includes a back-dated movement)."""
    from django.db.models import Min

    from relais.supplies.models import Movement

    rows = (
        Movement.objects.filter(organisation_id__in=ids, pk__gt=mark)
        .order_by()
        .values_list("organisation_id")
        .annotate(first=Min("occurred_at"))
    )
    return _weeks_from(rows)


# Rent -----------------------------------------------------------------------------------------


def collection_rate(ids, week: Week):
    """Paid of what was called for the month of the week's Monday (per cent of cents)."""
    from relais.rent.models import RentCall

    rows = _grouped(
        RentCall.objects.filter(organisation_id__in=ids, month=week.start.replace(day=1)),
        due=Sum("amount_cents"),
        paid=Sum("paid_cents"),
        calls=Count("pk"),
    )
    return {
        r["organisation_id"]: Figure(round(100 * r["paid"] / r["due"], 1), r["calls"])
        for r in rows
        if r["due"]
    }


def arrears(ids, week: Week):
    """What tenants owe on the calls up to the week's month, in cents; base: leases owing."""
    from relais.rent.models import RentCall

    rows = _grouped(
        RentCall.objects.filter(
            organisation_id__in=ids,
            month__lte=week.start.replace(day=1),
            paid_cents__lt=F("amount_cents"),
        ),
        owed=Sum(F("amount_cents") - F("paid_cents")),
        leases=Count("lease_id", distinct=True),
    )
    return {r["organisation_id"]: Figure(r["owed"], r["leases"]) for r in rows}


def rent_changed(ids, since):
    """Payments recorded since ``since`` — from the week they are dated in — and rent runs
    that wrote calls since (claimed, a batch or finished: ``heartbeat_at``/``finished_at``)
    — from the week of their month's first day —, each to the current week: the month's
    collection rate and the arrears, running totals, include them. A run for a past month
    thus refreshes that month's weeks. Two grouped queries."""
    from django.db.models import Min

    from relais.rent.models import Payment, RentRun

    rows = list(
        Payment.objects.filter(organisation_id__in=ids, created_at__gte=since)
        .order_by()
        .values_list("organisation_id")
        .annotate(first=Min("received_on"))
    )
    rows += (
        RentRun.objects.filter(
            Q(heartbeat_at__gte=since) | Q(finished_at__gte=since), organisation_id__in=ids
        )
        .order_by()
        .values_list("organisation_id")
        .annotate(first=Min("month"))
    )
    return _weeks_from(rows)


# Continuity -----------------------------------------------------------------------------------


def staff(statuses):
    def compute(ids, week: Week):
        """People a day with one of ``statuses``, on average over the days declared."""
        from relais.continuity.models import Declaration

        rows = _grouped(
            Declaration.objects.filter(
                organisation_id__in=ids, day__gte=week.start, day__lt=week.end
            ),
            days=Count("day", distinct=True),
            n=Count("pk", filter=Q(status__in=statuses)),
        )
        return {
            r["organisation_id"]: Figure(round(r["n"] / r["days"], 1), round(r["n"] / r["days"]))
            for r in rows
            if r["days"]
        }

    return compute


def continuity_changed(ids, since):
    from relais.continuity.models import Declaration

    rows = Declaration.objects.filter(organisation_id__in=ids, declared_at__gte=since)
    return _weeks_of(rows.values_list("organisation_id", "day").distinct())


# Work sites -----------------------------------------------------------------------------------


def worksites_changed(ids, since):
    """Sites stopped or restarted since ``since`` (audit log), possibly on an earlier day:
    the weeks of every stop and restart of their history (``Stoppage``, ADR 0054) — a new stop
    no longer hides the restart before it."""
    from relais.worksites.models import Stoppage

    changed = _audited(ids, since, ["worksite.stopped", "worksite.restart_signed"])
    if not changed:
        return set()
    rows = Stoppage.objects.filter(site_id__in=list(changed)).values_list(
        "organisation_id", "stopped_on", "restarted_on"
    )
    return _weeks_of(
        [(org, day) for org, stopped, restarted in rows for day in (stopped, restarted)]
    )


def sites(field):
    """Sites stopped (``field`` ``"stopped_on"``) or restarted (``"restarted_on"``) in the
    week, from their history of stops (ADR 0054): a site counts once however many times."""

    def compute(ids, week: Week):
        from relais.worksites.models import Stoppage

        rows = _grouped(
            Stoppage.objects.filter(
                organisation_id__in=ids,
                **{f"{field}__gte": week.start, f"{field}__lt": week.end},
            ),
            n=Count("site_id", distinct=True),
        )
        return {r["organisation_id"]: Figure(r["n"], r["n"]) for r in rows}

    return compute
