"""Pages of the caretakers' rounds.

- the caretaker's day (``today``), ticks and remarks (POST; a tick answers JSON to the page's
  script, a redirect without it);
- a building's rounds, caretaker and notice (``building``, ``round_create``, ``round_edit``,
  ``caretaker_set``, ``notice_pdf``); replacements; the communes' waste collection
  calendars (``collection_list``, ``collection_edit``, ``collection_delete``); the manager's
  supervision (missed passages, remarks and their requests); coverage and its CSV export;
- the public building page (no login, no personal data), reached by the notice's QR code.
"""

import csv
import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from relais.core.models import CrisisMode, Organisation
from relais.core.selectors import current_crisis_state
from relais.core.tenancy import get_for_request, require_ability
from relais.housing.models import Building
from relais.interventions.dashboard import charts

from . import contributions, notice, selectors, services
from .forms import (
    CaretakerForm,
    CollectionForm,
    RemarkForm,
    ReplacementForm,
    RoundForm,
    remark_category_groups,
)
from .models import (
    BuildingCaretaker,
    CollectionStream,
    Replacement,
    RoundStep,
    RoundTemplate,
    StepRemark,
)


def _key() -> str:
    return uuid.uuid4().hex


@login_required
def today(request):
    """The logged-in caretaker's passages of today, each step a big button."""
    require_ability(request, "round.do")
    return _today_page(request)


def _today_page(request, refused=None, status=200):
    """The checklist; ``refused``: a (step, RemarkForm) whose remark was refused, shown
    open at that step with its errors and the text typed kept (answered with ``status``)."""
    day = timezone.localdate()
    rounds = list(selectors.rounds_of(request.user, request.organisation, day))
    shown = False
    for occurrence in rounds:
        for step in occurrence.steps.all():
            step.key = _key()
            step.remark_key = _key()
            step.remark_errors, step.remark_text = [], ""
            if refused is not None and step.pk == refused[0].pk:
                step.remark_errors = [e for errors in refused[1].errors.values() for e in errors]
                step.remark_text = refused[1].data.get("text", "")
                shown = True
    if refused is not None and not shown:  # a step of another day: said at the top
        for errors in refused[1].errors.values():
            messages.error(request, " ".join(errors))
    groups = remark_category_groups(request.organisation)
    context = {"rounds": rounds, "day": day, "category_groups": groups}
    return render(request, "proximity/today.html", context, status=status)


def _step_for(request, pk):
    """A step of a passage assigned to the caretaker (404 otherwise)."""
    require_ability(request, "round.do")
    steps = RoundStep.objects.filter(occurrence__assignee=request.user).select_related("occurrence")
    return get_for_request(request, steps, pk=pk)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def step_tick(request, pk):
    step = _step_for(request, pk)
    done_at = parse_datetime(request.POST.get("done_at", "") or "")
    if done_at is not None and timezone.is_naive(done_at):
        done_at = None
    try:
        step, recorded = services.step_tick(
            organisation=request.organisation,
            actor=request.user,
            step_id=step.pk,
            client_key=request.POST.get("key", ""),
            done_at=done_at,
        )
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("proximity:today")
    local = timezone.localtime(step.done_at)
    if _wants_json(request):
        return JsonResponse({"step": step.pk, "recorded": recorded, "done_at": f"{local:%H:%M}"})
    messages.success(
        request, _("“%(step)s” done at %(time)s.") % {"step": step.label, "time": f"{local:%H:%M}"}
    )
    return redirect("proximity:today")


@login_required
@require_POST
def step_remark(request, pk):
    step = _step_for(request, pk)
    form = RemarkForm(request.POST, request.FILES, organisation=request.organisation)
    if not form.is_valid():
        # The form's action ends with #step-<id>: the page comes back at that step.
        return _today_page(request, refused=(step, form), status=400)
    remark = services.remark_add(
        organisation=request.organisation,
        actor=request.user,
        step=step,
        data=services.NewRemark(
            text=form.cleaned_data["text"],
            photo=form.cleaned_data["photo"],
            client_key=form.cleaned_data["key"],
            category=form.cleaned_data["category"],
        ),
    )
    messages.success(
        request,
        _("Remark sent to the manager as request %(number)s.")
        % {"number": remark.request.tracking_number if remark.request else "—"},
    )
    return redirect("proximity:today")


def _building(request, pk, ability):
    queryset = Building.objects.select_related("residence", "organisation", "commune")
    return get_for_request(request, queryset, ability=ability, pk=pk)


@login_required
def building(request, pk):
    found = _building(request, pk, "round.view")
    assignment = BuildingCaretaker.objects.filter(building=found).select_related("caretaker")
    templates = RoundTemplate.objects.filter(building=found).prefetch_related("steps")
    current = assignment.select_related("backup").first()
    initial = {"caretaker": current.caretaker_id, "backup": current.backup_id} if current else {}
    context = {
        "building": found,
        "templates": templates,
        "assignment": current,
        "state": selectors.building_state(found, timezone.now()),
        "caretaker_form": CaretakerForm(organisation=request.organisation, initial=initial),
        "can_plan": request.abilities.get("round.plan"),
        "collections": selectors.next_collections(found, timezone.localdate()),
        "follows_collection": any(t.follows_collection for t in templates),
    }
    return render(request, "proximity/building.html", context)


@login_required
def round_create(request, pk):
    found = _building(request, pk, "round.plan")
    initial = {"kind": request.GET.get("kind") or "disinfection"}
    if initial["kind"] not in dict(RoundTemplate._meta.get_field("kind").choices):
        initial["kind"] = "disinfection"
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        template = form.save()
        template.building = found
        services.round_create(
            organisation=request.organisation,
            actor=request.user,
            template=template,
            steps=form.cleaned_data["steps"],
        )
        messages.success(request, _("Round saved: its passages are planned from today."))
        return redirect("proximity:building", pk=found.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "building": found}
    return render(request, "proximity/round_form.html", context, status=status)


@login_required
def round_edit(request, pk):
    """The manager edits a round: its times, frequency, crisis frequency and touch points."""
    queryset = RoundTemplate.objects.select_related("building__residence")
    template = get_for_request(request, queryset, ability="round.plan", pk=pk)
    form = RoundForm(request.POST or None, instance=template, initial={"kind": template.kind})
    if request.method == "POST" and form.is_valid():
        services.round_update(
            organisation=request.organisation,
            actor=request.user,
            template=form.save(),
            steps=form.cleaned_data["steps"],
        )
        messages.success(
            request, _("Round saved: the passages planned from now on follow the change.")
        )
        return redirect("proximity:building", pk=template.building_id)
    context = {"form": form, "building": template.building, "template": template}
    return render(
        request, "proximity/round_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_POST
def caretaker_set(request, pk):
    found = _building(request, pk, "round.plan")
    form = CaretakerForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        services.caretaker_set(
            organisation=request.organisation,
            actor=request.user,
            building=found,
            caretaker=form.cleaned_data["caretaker"],
            backup=form.cleaned_data["backup"],
        )
        messages.success(request, _("Caretaker saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("proximity:building", pk=found.pk)


@login_required
def notice_pdf(request, pk):
    found = _building(request, pk, "round.view")
    state = selectors.building_state(found, timezone.now())
    content = notice.notice_pdf(found, state, site_url=settings.SITE_URL)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{found.reference}.pdf"'
    return response


@login_required
def replacement_list(request):
    require_ability(request, "round.plan")
    organisation = request.organisation
    form = ReplacementForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.replacement_create(
            organisation=organisation, actor=request.user, replacement=form.save(commit=False)
        )
        messages.success(request, _("Replacement recorded."))
        return redirect("proximity:replacement_list")
    replacements = Replacement.objects.filter(
        organisation=organisation, ends_on__gte=timezone.localdate() - dt.timedelta(days=30)
    ).select_related("absent", "replacement")
    context = {"form": form, "replacements": replacements}
    return render(
        request, "proximity/replacements.html", context, status=400 if form.errors else 200
    )


@login_required
def collection_list(request):
    """The communes' waste collection calendars of the organisation, and a stream added."""
    require_ability(request, "round.plan")
    organisation = request.organisation
    form = CollectionForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        services.collection_save(organisation=organisation, actor=request.user, stream=form.save())
        messages.success(request, _("Collection saved."))
        return redirect("proximity:collection_list")
    context = {
        "form": form,
        "streams": selectors.collection_calendar(organisation, timezone.localdate()),
    }
    return render(
        request, "proximity/collections.html", context, status=400 if form.errors else 200
    )


@login_required
def collection_edit(request, pk):
    stream = get_for_request(request, CollectionStream.objects, ability="round.plan", pk=pk)
    form = CollectionForm(request.POST or None, instance=stream, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.collection_save(
            organisation=request.organisation, actor=request.user, stream=form.save()
        )
        messages.success(request, _("Collection saved."))
        return redirect("proximity:collection_list")
    context = {"form": form, "stream": stream}
    return render(
        request, "proximity/collection_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def collection_delete(request, pk):
    stream = get_for_request(request, CollectionStream.objects, ability="round.plan", pk=pk)
    services.collection_delete(organisation=request.organisation, actor=request.user, stream=stream)
    messages.success(request, _("Collection removed."))
    return redirect("proximity:collection_list")


@login_required
def supervision(request):
    """The manager's view of today: missed passages, remarks left by the caretakers."""
    require_ability(request, "round.plan")
    organisation = request.organisation
    reference = request.GET.get("building", "").strip()[:30]
    if reference:
        found = Building.objects.filter(organisation=organisation, reference__iexact=reference)
        found = found.values_list("pk", flat=True).first()
        if found is not None:
            return redirect("proximity:building", pk=found)
    context = {
        "missed": selectors.missed_on(organisation, timezone.localdate())[:100],
        "unassigned": contributions.unassigned_rows(
            selectors.unassigned_counts(organisation, timezone.localdate(), timezone.now())
        ),
        "remarks": selectors.open_remarks(organisation)[:100],
        "reference": reference,
        "not_found": bool(reference),
    }
    return render(request, "proximity/supervision.html", context)


@login_required
@require_POST
def remark_handled(request, pk):
    remark = get_for_request(request, StepRemark.objects, ability="round.plan", pk=pk)
    services.remark_handled(organisation=request.organisation, actor=request.user, remark=remark)
    return redirect("proximity:supervision")


@login_required
def remark_photo(request, pk):
    remark = get_for_request(request, StepRemark.objects, ability="round.plan", pk=pk)
    if not remark.photo:
        raise Http404
    return FileResponse(remark.photo.open("rb"), content_type="image/jpeg")


def _range(request) -> tuple[dt.date, dt.date]:
    """The coverage period from ``start``/``end`` (ISO dates); by default the crisis so far
    while the organisation is in crisis mode, else the last 14 days; at most a year."""
    today_ = timezone.localdate()
    end = parse_date(request.GET.get("end") or "") or today_
    start = parse_date(request.GET.get("start") or "")
    if start is None:
        state = current_crisis_state(request.organisation)
        in_crisis = state.pk is not None and state.mode == CrisisMode.CRISIS
        start = timezone.localdate(state.changed_at) if in_crisis else end - dt.timedelta(days=13)
    if start > end:
        start, end = end, start
    return max(start, end - dt.timedelta(days=366)), end


@login_required
def coverage(request):
    require_ability(request, "round.coverage")
    organisation = request.organisation
    start, end = _range(request)
    days = selectors.coverage_by_day(organisation, start, end)
    chart = charts.bars(
        [
            (
                f"{row['day']:%d/%m}",
                selectors.share(row["done"], row["planned"]),
                f"{row['done']} / {row['planned']}",
                "good" if selectors.share(row["done"], row["planned"]) >= 0.9 else "bad",
            )
            for row in days
        ],
        scale=1.0,
    )
    context = {
        "start": start,
        "end": end,
        "chart": chart,
        "chart_height": charts.height(chart),
        "buildings": selectors.coverage_by_building(organisation, start, end),
        "people": selectors.coverage_by_person(organisation, start, end),
        "totals": {key: sum(row[key] for row in days) for key in ("planned", "done", "missed")},
    }
    totals = context["totals"]
    context["totals_text"] = contributions.passages_sentence(
        totals["done"], totals["planned"], totals["missed"]
    )
    return render(request, "proximity/coverage.html", context)


class _Echo:
    def write(self, value):
        return value


@login_required
def coverage_csv(request):
    require_ability(request, "round.coverage")
    start, end = _range(request)
    writer = csv.writer(_Echo(), delimiter=";")
    header = [
        _("day"),
        _("building reference"),
        _("address"),
        _("passages planned"),
        _("passages done"),
        _("passages missed"),
    ]
    rows = (
        writer.writerow(
            [
                r["day"].isoformat(),
                r["building__reference"],
                r["building__address"],
                r["planned"],
                r["done"],
                r["missed"],
            ]  # noqa: E501
        )
        for r in selectors.coverage_rows(request.organisation, start, end)
    )
    response = StreamingHttpResponse(
        (line for part in ([writer.writerow(header)], rows) for line in part),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="tournees-{start}-{end}.csv"'
    return response


@never_cache
def public_building(request, slug, token):
    """What a tenant sees by scanning the notice: the address, the last disinfection and
    the next passage. No login; no name of any person."""
    organisation = get_object_or_404(Organisation, slug=slug)
    building_id = notice.building_id_from(token)
    if building_id is None:
        raise Http404
    buildings = Building.objects.select_related("commune")
    found = get_object_or_404(buildings, organisation=organisation, pk=building_id)
    state = selectors.building_state(found, timezone.now())
    context = {"organisation": organisation, "building": found, "state": state}
    return render(request, "proximity/public_building.html", context)
