"""Continuity pages under ``/continuite/``: the overview, one's day (a phone in one hand),
the team, the directory, the plan and its activities, the two-week coverage, the decision log
and the situation reports."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.selectors import current_crisis_state
from relais.core.tenancy import get_for_request, require_ability

from . import pdf, selectors, services
from .forms import ActivityForm, DecisionForm, DeclareForm, MinimumFormSet, StaffForm
from .models import HEALTH_STATUSES, CriticalActivity, DayStatus, SituationReport, StaffMember

COVERAGE_DAYS = 14
STATUS_LABELS = dict(DayStatus.choices)


def _health(request) -> bool:
    return bool(request.abilities.get("staff.view_health"))


def _with_statuses(request, people, day: dt.date, page: str) -> list:
    """``people`` with ``status`` / ``status_label`` of ``day`` as this reader may see them;
    showing health data (a health status or the vulnerable flag) to HR is audited."""
    people = list(people)
    found = selectors.declarations_on(request.organisation, day, [p.pk for p in people])
    health = _health(request)
    shown_health = 0
    for person in people:
        declared = found.get(person.pk)
        raw = declared.status if declared else None
        person.status = selectors.shown_status(raw, can_view_health=health)
        person.status_label = STATUS_LABELS.get(person.status, _("Not declared"))
        if health and (raw in HEALTH_STATUSES or person.vulnerable):
            shown_health += 1
    if shown_health:
        audit.record(
            action="continuity.health_viewed",
            organisation=request.organisation,
            actor=request.user,
            changes={"page": page, "people": shown_health, "day": day.isoformat()},
        )
    return people


@login_required
def overview(request):
    require_ability(request, "continuity.view")
    today = timezone.localdate()
    context = {
        "plan": selectors.plan_of(request.organisation),
        "active": current_crisis_state(request.organisation).continuity_plan_active,
        "coverage": selectors.coverage_on(request.organisation, today),
        "totals": selectors.status_totals(request.organisation, today),
        "today": today,
    }
    return render(request, "continuity/overview.html", context)


@login_required
def declare(request):
    require_ability(request, "continuity.declare")
    staff = selectors.staff_for_user(request.organisation, request.user)
    form = DeclareForm(request.POST or None)
    if staff is not None and request.method == "POST" and form.is_valid():
        day, status = form.cleaned_data["day"], form.cleaned_data["status"]
        services.day_declare(
            organisation=request.organisation,
            actor=request.user,
            staff=staff,
            day=day,
            status=status,
        )
        messages.success(
            request,
            _("%(day)s: %(status)s. Thank you.")
            % {"day": pdf.fr_date(day), "status": STATUS_LABELS[status]},
        )
        return redirect("continuity:declare")
    today = timezone.localdate()
    recent = []
    if staff is not None:
        recent = staff.declarations.filter(day__gte=today - dt.timedelta(days=6)).order_by("-day")
    context = {
        "staff": staff,
        "form": form,
        "today": today,
        "declared": next((d for d in recent if d.day == today), None),
        "recent": recent[:7] if recent else [],
        "statuses": DayStatus.choices,
        "available": ["on_site", "telework"],
    }
    return render(request, "continuity/declare.html", context, status=400 if form.errors else 200)


def _team(request):
    """Whom this person declares for: their team; HR and directors, everyone."""
    if _health(request):
        return selectors.staff_directory(request.organisation)
    return selectors.team_of(request.organisation, request.user)


@login_required
def team(request):
    require_ability(request, "continuity.declare_team")
    today = timezone.localdate()
    people = _with_statuses(request, _team(request), today, "team")
    context = {
        "people": people,
        "today": today,
        "choices": [
            (v, STATUS_LABELS[v]) for v in DayStatus if _health(request) or v not in HEALTH_STATUSES
        ],
    }
    return render(request, "continuity/team.html", context)


@login_required
@require_POST
def team_declare(request, pk):
    require_ability(request, "continuity.declare_team")
    staff = get_for_request(request, _team(request), pk=pk)
    form = DeclareForm(request.POST, health=_health(request))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("continuity:team")
    day, status = form.cleaned_data["day"], form.cleaned_data["status"]
    existing = selectors.declarations_on(request.organisation, day, [staff.pk]).get(staff.pk)
    shown = existing and selectors.shown_status(existing.status, can_view_health=_health(request))
    if shown != status:  # "absent" over a sick day the manager cannot see would erase it
        services.day_declare(
            organisation=request.organisation,
            actor=request.user,
            staff=staff,
            day=day,
            status=status,
        )
    messages.success(request, _("Day declared for %(name)s.") % {"name": staff})
    return redirect("continuity:team")


@login_required
def staff_list(request):
    require_ability(request, "continuity.view")
    today = timezone.localdate()
    people = _with_statuses(
        request, selectors.staff_directory(request.organisation), today, "directory"
    )
    context = {"people": people, "today": today, "health": _health(request)}
    return render(request, "continuity/staff_list.html", context)


def _staff_edit(request, staff):
    form = StaffForm(
        request.POST or None,
        instance=staff,
        organisation=request.organisation,
        health=_health(request),
    )
    if request.method == "POST" and form.is_valid():
        services.staff_save(
            organisation=request.organisation, actor=request.user, staff=form.instance
        )
        messages.success(request, _("Staff directory saved."))
        return redirect("continuity:staff_list")
    status = 400 if form.is_bound else 200
    return render(
        request, "continuity/staff_form.html", {"form": form, "staff": staff}, status=status
    )


@login_required
def staff_create(request):
    require_ability(request, "staff.manage")
    return _staff_edit(request, StaffMember(organisation=request.organisation))


@login_required
def staff_edit(request, pk):
    staff = get_for_request(request, StaffMember.objects.all(), ability="staff.manage", pk=pk)
    return _staff_edit(request, staff)


@login_required
def plan(request):
    require_ability(request, "continuity.view")
    found = selectors.plan_of(request.organisation)
    context = {
        "plan": found,
        "activities": selectors.activities(request.organisation) if found else [],
        "versions": found.versions.select_related("created_by")[:10] if found else [],
        "active": current_crisis_state(request.organisation).continuity_plan_active,
    }
    return render(request, "continuity/plan.html", context)


@login_required
@require_POST
def plan_adopt(request):
    require_ability(request, "continuity.plan_edit")
    services.plan_adopt(organisation=request.organisation, actor=request.user)
    messages.success(request, _("The continuity plan is adopted: adapt its activities."))
    return redirect("continuity:plan")


@login_required
def activity_edit(request, pk):
    activity = get_for_request(
        request, CriticalActivity.objects.all(), ability="continuity.plan_edit", pk=pk
    )
    data = request.POST or None
    form = ActivityForm(data, instance=activity, organisation=request.organisation)
    formset = MinimumFormSet(
        data, instance=activity, form_kwargs={"organisation": request.organisation}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        minimums = formset.save(commit=False)
        services.activity_save(
            organisation=request.organisation,
            actor=request.user,
            activity=form.instance,
            minimums=minimums,
            deleted=formset.deleted_objects,
        )
        messages.success(request, _("Activity saved: the plan has a new version."))
        return redirect("continuity:plan")
    context = {"form": form, "formset": formset, "activity": activity}
    status = 400 if form.is_bound else 200
    return render(request, "continuity/activity_form.html", context, status=status)


@login_required
def coverage(request):
    require_ability(request, "continuity.view")
    today = timezone.localdate()
    days = [today + dt.timedelta(days=offset) for offset in range(-6, COVERAGE_DAYS - 6)]
    context = {
        "days": days,
        "today": today,
        "rows": selectors.coverage_for_days(request.organisation, days),
    }
    return render(request, "continuity/coverage.html", context)


@login_required
def decision_log(request):
    require_ability(request, "continuity.log_view")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.abilities.get("continuity.decide"):
            raise PermissionDenied
        if form.is_valid():
            services.decision_log(
                organisation=request.organisation, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("Decision logged."))
            return redirect("continuity:decision_log")
    context = {
        "form": form,
        "entries": selectors.decision_log(request.organisation),
        "problems": selectors.decision_log_problems(request.organisation),
    }
    return render(
        request, "continuity/decision_log.html", context, status=400 if form.errors else 200
    )


@login_required
def decision_log_pdf(request):
    require_ability(request, "continuity.log_view")
    organisation = request.organisation
    content = pdf.decision_log_pdf(
        organisation,
        list(selectors.decision_log(organisation).order_by("decided_at", "pk")),
        problems=selectors.decision_log_problems(organisation),
        now=timezone.now(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="journal-des-decisions.pdf"'
    return response


@login_required
def report_list(request):
    require_ability(request, "continuity.report")
    reports = SituationReport.objects.for_organisation(request.organisation).defer("pdf")[:30]
    return render(request, "continuity/report_list.html", {"reports": reports})


@login_required
@require_POST
def report_build(request):
    require_ability(request, "continuity.report")
    found = services.report_build(
        organisation=request.organisation, day=timezone.localdate(), actor=request.user
    )
    messages.success(request, _("Today's situation report is built and e-mailed to the directors."))
    return redirect("continuity:report_detail", pk=found.pk)


@login_required
def report_detail(request, pk):
    found = get_for_request(
        request, SituationReport.objects.defer("pdf"), ability="continuity.report", pk=pk
    )
    rows = [{**row, "shown": pdf.figure_value(row)} for row in found.figures]
    return render(request, "continuity/report_detail.html", {"report": found, "rows": rows})


@login_required
def report_pdf(request, pk):
    found = get_for_request(
        request, SituationReport.objects.all(), ability="continuity.report", pk=pk
    )
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="point-de-situation-{found.day}.pdf"'
    return response
