"""Writes of the federation's indicators: the refresh (computed figures), the members'
submissions (form or CSV) and the reminders to members that have not reported.

Refreshes are set-based: each indicator is one grouped query over every member at once, and
the values of a week are replaced in one transaction (a killed worker leaves the previous
figures in place; a second run writes the same rows: nothing doubled).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.core import audit
from relais.core.models import Organisation

from . import registry, selectors
from .models import IndicatorValue, RefreshRun, RegionalFigure, Source, WeeklyReport
from .registry import Figure, Week

# The week before the current one is refreshed too while members may still record its last
# days (Monday and Tuesday).
LATE_DAYS = 2


def member_ids() -> list[int]:
    """Every organisation that belongs to a federation."""
    return list(
        Organisation.objects.filter(federation__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass
class RefreshResult:
    weeks: int
    rows: int


def refresh(*, weeks=None, organisation_ids=None, now=None) -> RefreshResult:
    """Compute every indicator for ``weeks`` (``Week`` list) of ``organisation_ids`` (default
    every member); without ``weeks``, the incremental refresh (``incremental_plan``)."""
    now = now or timezone.now()
    ids = member_ids() if organisation_ids is None else list(organisation_ids)
    plan = {week: set(ids) for week in weeks} if weeks else incremental_plan(ids, now)
    marks = {
        key: capability.watermark()
        for key, capability in registry.CAPABILITIES.items()
        if capability.watermark is not None
    }
    run = RefreshRun.objects.create(started_at=now, marks=marks)
    in_use = {key: cap.in_use(ids) for key, cap in registry.CAPABILITIES.items()}
    rows = 0
    for week, members in sorted(plan.items(), key=lambda item: item[0].start):
        rows += _refresh_week(week, sorted(members), in_use)
    regional_rebuild([week.start for week in plan], ids)
    RefreshRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(), weeks=len(plan), rows=rows
    )
    return RefreshResult(len(plan), rows)


def incremental_plan(ids, now) -> dict:
    """{Week: member ids}: the current week for every member (and the previous one early in
    the week), plus the past weeks whose source rows changed since the last refresh began
    (a payment dated last week, a back-dated stock movement, a work site stopped on an
    earlier day…): only those members and weeks."""
    today = timezone.localdate(now)
    current = Week.of(today)
    plan = defaultdict(set)
    plan[current] |= set(ids)
    if today.weekday() < LATE_DAYS:
        plan[current.previous()] |= set(ids)
    last = RefreshRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()
    if last is not None:
        for capability in registry.CAPABILITIES.values():
            if capability.changed is None:
                continue
            for organisation_id, start in capability.changed(ids, last.started_at):
                plan[Week(start)].add(organisation_id)
        for key, capability in registry.CAPABILITIES.items():
            mark = (last.marks or {}).get(key)
            if capability.changed_after is None or mark is None:
                continue
            for organisation_id, start in capability.changed_after(ids, mark):
                plan[Week(start)].add(organisation_id)
    return {week: members for week, members in plan.items() if week.start <= current.start}


def _refresh_week(week: Week, ids: list[int], in_use: dict) -> int:
    figures = []
    for indicator in registry.indicators():
        users = [pk for pk in ids if pk in in_use.get(indicator.capability, ())]
        if not users:
            continue
        computed = indicator.compute(users, week)
        if indicator.unit == "count":
            # A member using the capability with nothing this week counts 0, not "not in use"
            # (in use: any row of the capability, of any week — ADR 0048).
            computed = {pk: computed.get(pk) or Figure(0, 0) for pk in users}
        for organisation_id, figure in computed.items():
            if figure is not None:
                figures.append((organisation_id, indicator.key, figure))
    with transaction.atomic():
        submitted = set(
            IndicatorValue.objects.filter(
                week_start=week.start, organisation_id__in=ids, source=Source.SUBMITTED
            ).values_list("organisation_id", "key")
        )
        IndicatorValue.objects.filter(
            week_start=week.start, organisation_id__in=ids, source=Source.COMPUTED
        ).delete()
        rows = [
            IndicatorValue(
                organisation_id=organisation_id,
                week_start=week.start,
                key=key,
                value=figure.value,
                base=figure.base,
                source=Source.COMPUTED,
            )
            for organisation_id, key, figure in figures
            if (organisation_id, key) not in submitted
        ]
        IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def regional_rebuild(week_starts, organisation_ids=None) -> int:
    """Rebuild the ``RegionalFigure`` rows of ``week_starts`` (Mondays) for the federations of
    ``organisation_ids`` (default every federation): the region and each département, from
    the disclosed cells of the members there (``selectors.regional``, the dashboard's own
    rule). Two queries per federation plus the writes, in one transaction; returns the rows."""
    week_starts = sorted(set(week_starts))
    if not week_starts:
        return 0
    federations = Organisation.objects.filter(federation__isnull=False)
    if organisation_ids is not None:
        federations = federations.filter(pk__in=list(organisation_ids))
    written = 0
    for federation_id in sorted(set(federations.values_list("federation_id", flat=True))):
        found = selectors.members(federation_id)
        areas = {"": {m.pk for m in found}}
        for member in found:
            if member.departement:
                areas.setdefault(member.departement, set()).add(member.pk)
        by_week = defaultdict(list)
        for row in selectors.values_for(list(areas[""]), week_starts):
            by_week[row.week_start].append(row)
        figures = [
            RegionalFigure(
                federation_id=federation_id,
                area=area,
                week_start=week_start,
                key=figure.indicator.key,
                value=figure.value,
                members=figure.members,
                hidden=figure.hidden,
                median=figure.median,
            )
            for week_start in week_starts
            for area, ids in areas.items()
            for figure in selectors.regional(
                [r for r in by_week[week_start] if r.organisation_id in ids]
            )
        ]
        with transaction.atomic():
            RegionalFigure.objects.filter(
                federation_id=federation_id, week_start__in=week_starts
            ).delete()
            RegionalFigure.objects.bulk_create(figures, batch_size=1000)
        written += len(figures)
    return written


# Submissions --------------------------------------------------------------------------------


def figures_submit(*, organisation, actor, figures: dict, origin: str) -> WeeklyReport | None:
    """Store the member's own figures: ``{(week_start, key): (value, base or None)}``, already
    validated (``forms``); each replaces the week's figure of that key (computed or
    submitted). One audit event per week; ``origin`` is "form" or "csv"."""
    if not figures:
        return None
    now = timezone.now()
    by_week = defaultdict(dict)
    for (week_start, key), (value, base) in figures.items():
        by_week[week_start][key] = (value, base)
    report = None
    with transaction.atomic():
        for week_start, values in sorted(by_week.items()):
            IndicatorValue.objects.filter(
                organisation=organisation, week_start=week_start, key__in=list(values)
            ).delete()
            IndicatorValue.objects.bulk_create(
                IndicatorValue(
                    organisation=organisation,
                    week_start=week_start,
                    key=key,
                    value=value,
                    base=base,
                    source=Source.SUBMITTED,
                )
                for key, (value, base) in values.items()
            )
            report, _created = WeeklyReport.objects.update_or_create(
                organisation=organisation,
                week_start=week_start,
                defaults={"submitted_at": now, "submitted_by": actor},
            )
            audit.record(
                action="federation.figures_submitted",
                organisation=organisation,
                actor=actor,
                obj=report,
                changes={"week": Week(week_start).code, "origin": origin, "figures": len(values)},
            )
        regional_rebuild(list(by_week), [organisation.pk])
    return report


# Reminders ----------------------------------------------------------------------------------

REMINDER_PURPOSE = "federation.reminder"


def reminder_recipients(organisation) -> list[str]:
    """The member's contact for partners and its directors' e-mails (sorted, no repeats)."""
    from relais.core.models import Membership
    from relais.core.roles import Role

    emails = set(
        Membership.objects.filter(organisation=organisation, role=Role.DIRECTOR, is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if organisation.contact_email:
        emails.add(organisation.contact_email)
    return sorted(emails)


def reminder_send(*, organisation, actor, week: Week, federation) -> int:
    """E-mail the member that its figures of ``week`` are missing (outbox, at most once a day
    per address: a double click sends nothing more); returns the messages queued."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from relais.core.outbox.services import queue_message

    recipients = reminder_recipients(organisation)
    today = timezone.localdate()
    link = settings.SITE_URL.rstrip("/") + reverse("federation:my_figures")
    with override("fr"):
        subject = _("%(federation)s: your figures for the week of %(day)s") % {
            "federation": federation.name,
            "day": week.start.strftime("%d/%m/%Y"),
        }
        body = _(
            "Hello,\n\n%(federation)s has not received the figures of %(member)s for the week "
            "of %(day)s. You can submit them in Relais, by form or CSV file: %(link)s\n\n"
            "Thank you."
        ) % {
            "federation": federation.name,
            "member": organisation.name,
            "day": week.start.strftime("%d/%m/%Y"),
            "link": link,
        }
    with transaction.atomic():
        queued = 0
        for email in recipients:
            message = queue_message(
                organisation=organisation,
                channel="email",
                to=email,
                subject=subject,
                body=body,
                purpose=REMINDER_PURPOSE,
                dedupe_key=f"federation-reminder:{week.code}:{today.isoformat()}:{email}",
            )
            queued += message is not None
        report, _created = WeeklyReport.objects.get_or_create(
            organisation=organisation, week_start=week.start
        )
        WeeklyReport.objects.filter(pk=report.pk).update(
            reminded_at=timezone.now(), reminders=report.reminders + 1
        )
        audit.record(
            action="federation.reminder_sent",
            organisation=organisation,
            actor=actor,
            obj=report,
            changes={"week": week.code, "recipients": len(recipients)},
        )
    return queued
