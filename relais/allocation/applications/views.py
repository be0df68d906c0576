"""Application pages: search, read (audited), create and edit, import and export; the
scoring grids. Views are thin: tenancy and abilities, then selectors or services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relais.core.filters import filter_status
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability
from relais.housing.io import exporters, jobs
from relais.housing.views_io import file_response, in_background, refused_status, to_job_page

from ..eligibility.decisions import income_to_update, required_income_year
from ..models import (
    Application,
    ApplicationStatus,
    PriorityCriterion,
    RenewalReminder,
    ScoringGrid,
)
from ..scoring import services as scoring
from . import io as io_applications
from . import selectors
from .documents import document_status, missing_documents
from .filters import ApplicationFilter
from .forms import ApplicationForm, ApplicationImportForm, RenewalForm
from .lifecycle import RENEWABLE, application_renew, reminder_mark_sent, reminders_to_send
from .pool import get_application_for_request, proposals_elsewhere
from .services import (
    application_create,
    application_update,
    application_viewed,
)

PAGE_SIZE = 50


@login_required
def application_list(request):
    require_ability(request, "allocation.view")
    if request.GET.get("registered_by") == "pool":
        queryset = selectors.pool_list(request.organisation)
    else:
        queryset = selectors.applications(request.organisation)
    filterset = ApplicationFilter(request.GET, queryset=queryset)
    rows = filterset.qs if filterset.is_valid() else queryset.none()
    page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_waiting_months(page.object_list, timezone.localdate())
    context = {"filter": filterset, "page": page}
    template = "allocation/application_list.html"
    return render(
        request,
        f"{template}#results" if request.htmx else template,
        context,
        status=filter_status(request, filterset),
    )


@login_required
def application_detail(request, pk):
    application = get_application_for_request(
        request, Application.objects.select_related("scored_with__epci", "organisation"), pk=pk
    )
    application_viewed(actor=request.user, application=application, reader=request.organisation)
    communes, epcis = selectors.wishes(application)
    context = {
        "application": application,
        "shared": application.shared,
        "proposals_elsewhere": proposals_elsewhere(application, request.organisation),
        "waiting_months": scoring.waiting_months(
            application.first_applied_on, timezone.localdate()
        ),
        "explanation": scoring.labelled(application.score_explanation),
        "communes": communes,
        "epcis": epcis,
        "priorities": [
            label
            for code, label in PriorityCriterion.choices
            if code in application.priority_criteria
        ],
        "documents": document_status(application),
        "missing": missing_documents(application),
        "renewal_form": RenewalForm(),
        "renewable": application.status in RENEWABLE,
        "allocated_vacancy": (
            selectors.accepted_vacancy(application)
            if application.status == ApplicationStatus.ALLOCATED
            else None
        ),
        "history": selectors.history(application),
        "income_to_update": income_to_update(application, timezone.localdate()),
        "income_year_needed": required_income_year(timezone.localdate()),
    }
    return render(request, "allocation/application_detail.html", context)


@login_required
def application_edit(request, pk=None):
    require_ability(request, "allocation.edit")
    organisation = request.organisation
    if pk:
        application = get_application_for_request(
            request, pk=pk, ability="allocation.edit", write=True
        )
        if request.method == "GET":
            application_viewed(actor=request.user, application=application, via="edit")
        wishes = selectors.wishes(application)
        title = _("Edit application %(number)s") % {"number": application.registration_number}
        cancel_url = reverse("allocation:application_detail", args=[pk])
    else:
        application = Application(organisation=organisation)
        wishes = ((), ())
        title, cancel_url = _("New application"), reverse("allocation:application_list")
    form = ApplicationForm(
        request.POST or None, instance=application, organisation=organisation, wishes=wishes
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, form, created=pk is None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Application saved."))
            return redirect("allocation:application_detail", pk=form.instance.pk)
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(
        request, "allocation/application_form.html", context, status=400 if form.errors else 200
    )


def _save(request, form, *, created: bool):
    wishes = {
        "wished_communes": form.cleaned_data["wished_communes"],
        "wished_epcis": form.cleaned_data["wished_epcis"],
    }
    if created:
        application_create(
            organisation=request.organisation,
            actor=request.user,
            application=form.instance,
            **wishes,
        )
    else:
        application_update(actor=request.user, application=form.instance, **wishes)


@login_required
@require_POST
def application_renew_view(request, pk):
    """The "renew" button of the application page (staff record the applicant's renewal)."""
    application = get_application_for_request(request, pk=pk, ability="allocation.edit", write=True)
    form = RenewalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the renewal date."))
        return redirect("allocation:application_detail", pk=application.pk)
    try:
        renewed = application_renew(
            actor=request.user, application=application, on=form.cleaned_data["on"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Application renewed: valid until %(date)s.")
            % {"date": date_format(renewed.expires_on, "SHORT_DATE_FORMAT")},
        )
    return redirect("allocation:application_detail", pk=application.pk)


@login_required
def reminder_list(request):
    """Renewal reminders waiting for staff: letters to print, texts to send, calls to make."""
    require_ability(request, "allocation.edit")
    page = ListPaginator(reminders_to_send(request.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "allocation/reminder_list.html", {"page": page})


@login_required
@require_POST
def reminder_sent(request, pk):
    reminder = get_for_request(
        request,
        RenewalReminder.objects.select_related("application", "organisation"),
        ability="allocation.edit",
        pk=pk,
    )
    reminder_mark_sent(actor=request.user, reminder=reminder)
    messages.success(
        request,
        _("Reminder of %(number)s recorded as sent.")
        % {"number": reminder.application.registration_number},
    )
    return redirect("allocation:reminder_list")


# Import and export ---------------------------------------------------------------------------


@login_required
def application_import(request):
    require_ability(request, "allocation.import")
    form = ApplicationImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if in_background(upload):
            job = jobs.import_job_start(
                organisation=request.organisation,
                actor=request.user,
                kind=io_applications.KIND,
                file=upload,
                sensitive=False,
            )
            return to_job_page(request, job)
        result = io_applications.applications_import(
            organisation=request.organisation, actor=request.user, file=upload
        )
        if result.ok:
            template = "allocation/application_import_result.html"
            return render(
                request, f"{template}#result" if request.htmx else template, {"result": result}
            )
    template = "allocation/application_import.html"
    context = {"form": form, "result": result, "format": io_applications.APPLICATIONS}
    page = f"{template}#import-panel" if request.htmx else template
    return render(request, page, context, status=refused_status(request, form, result))


@login_required
@require_GET
def application_import_template(request, file_type):
    require_ability(request, "allocation.import")
    name = exporters.file_name(request.organisation, io_applications.KIND, file_type, template=True)
    return file_response(
        name, io_applications.KIND, file_type, io_applications.APPLICATIONS.columns, rows=()
    )


@login_required
@require_GET
def application_export(request, file_type):
    require_ability(request, "allocation.view")
    rows = io_applications.applications_export(
        organisation=request.organisation, actor=request.user, file_type=file_type
    )
    name = exporters.file_name(request.organisation, io_applications.KIND, file_type)
    return file_response(
        name, io_applications.KIND, file_type, io_applications.APPLICATIONS.columns, rows
    )


# Scoring grids -------------------------------------------------------------------------------


@login_required
def scoring_grid_list(request):
    require_ability(request, "allocation.view")
    today = timezone.localdate()
    grids = list(selectors.grids())
    in_force = {grid.pk for grid in scoring.in_force(grids, today).values()}
    return render(
        request,
        "allocation/scoring_grid_list.html",
        {"grids": grids, "in_force": in_force, "today": today},
    )


@login_required
def scoring_grid_detail(request, pk):
    """Grids are shared reference data (no organisation): any allocation role reads them."""
    require_ability(request, "allocation.view")
    grid = get_object_or_404(ScoringGrid.objects.select_related("epci"), pk=pk)
    context = {
        "grid": grid,
        "criteria": scoring.described(grid.criteria),
        "usage": selectors.grid_usage(request.organisation, grid),
    }
    return render(request, "allocation/scoring_grid_detail.html", context)
