"""Request pages: the tenant's public form and status page (no account), and the staff's
triage list, request page, phone-call form and actions. Views are thin: tenancy and
abilities, then selectors or services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.filters import filter_status
from relais.core.models import Organisation
from relais.core.pagination import ListPaginator
from relais.core.selectors import current_crisis_state
from relais.core.tenancy import get_for_request, require_ability
from relais.housing import selectors as housing_selectors
from relais.housing.models import Household, Lease

from ..categories.services import ensure_defaults
from ..models import InterventionRequest, RequestPhoto, RequestSource, RequestStatus
from . import selectors, services
from .forms import CallForm, CloseForm, PublicRequestForm, RequestFilter, TriageForm

PAGE_SIZE = 50


# Public pages (no account) -------------------------------------------------------------------


def public_request(request, slug):
    """The tenant's request form: identification, category, description, photos."""
    organisation = get_object_or_404(Organisation, slug=slug)
    ensure_defaults(organisation)
    form = PublicRequestForm(
        request.POST or None,
        request.FILES or None,
        organisation=organisation,
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tenant = form.tenant
        created = services.request_create(
            organisation=organisation,
            actor=None,
            source=RequestSource.WEB,
            data=services.NewRequest(
                household=tenant.household,
                lease=tenant.lease,
                dwelling=tenant.dwelling,
                category=data["category"],
                description=data["description"],
                availability=data["availability"],
                vulnerable_present=data["vulnerable_present"],
                contact_phone=str(data["contact_phone"] or ""),
                callback_requested=data["callback_requested"],
                photos=tuple(data["photos"]),
                submission_key=data["submission_key"] or None,
            ),
        )
        return redirect(
            "interventions:public_status", slug=organisation.slug, token=created.status_token
        )
    return render(
        request,
        "interventions/public_request.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )


def public_status(request, slug, token):
    """The request's status as the tenant sees it: no names, no address, no staff notes."""
    organisation = get_object_or_404(Organisation, slug=slug)
    found = get_object_or_404(
        InterventionRequest.objects.for_organisation(organisation).select_related("category"),
        status_token=token,
    )
    steps = found.events.order_by("at", "pk").values("status", "at")
    labels = dict(RequestStatus.choices)
    context = {
        "organisation": organisation,
        "found": found,
        "steps": [{"label": labels[s["status"]], "at": s["at"]} for s in steps],
        "photo_count": found.photos.count(),
    }
    response = render(request, "interventions/public_status.html", context)
    # The address is the key: keep it out of other sites' logs and of shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


# Staff pages ---------------------------------------------------------------------------------


@login_required
def request_list(request):
    """The triage list: the requests to triage by default, the most pressing first."""
    require_ability(request, "intervention.view")
    organisation = request.organisation
    filterset = RequestFilter(
        request.GET, queryset=InterventionRequest.objects.none(), organisation=organisation
    )
    if filterset.is_valid():
        wanted = selectors.TriageFilter(organisation, **filterset.form.cleaned_data)
        rows = selectors.TriageRows(wanted)
        page = selectors.TriagePaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = ListPaginator(InterventionRequest.objects.none(), PAGE_SIZE).get_page(1)
    context = {
        "filter": filterset,
        "page": page,
        "release": selectors.latest_release(organisation),
        "urgent_only": current_crisis_state(organisation).urgent_interventions_only,
    }
    template = "interventions/request_list.html"
    return render(
        request,
        f"{template}#results" if request.htmx else template,
        context,
        status=filter_status(request, filterset),
    )


@login_required
def request_detail(request, pk):
    organisation = request.organisation
    found = get_for_request(
        request, selectors.request_detail(organisation), ability="intervention.view", pk=pk
    )
    sensitive = request.abilities["intervention.view_sensitive"]
    if sensitive:
        services.request_viewed(request=found, actor=request.user)
    context = {
        "found": found,
        "history": selectors.history(found),
        "photos": found.photos.all(),
        "work_orders": found.work_orders.select_related("contractor").order_by("-sent_at", "-pk"),
        "can_send": found.status == RequestStatus.TRIAGED,
        "show_sensitive": sensitive,
        "triage_form": TriageForm(
            organisation=organisation,
            initial={"category": found.category_id, "priority": found.priority},
        ),
        "close_form": CloseForm(),
        "can_triage": found.status in (RequestStatus.NEW, RequestStatus.TRIAGED),
        "can_close": RequestStatus.CLOSED in services.MOVES[found.status],
    }
    return render(request, "interventions/request_detail.html", context)


@login_required
@require_POST
def request_triage(request, pk):
    organisation = request.organisation
    found = get_for_request(
        request,
        InterventionRequest.objects.all(),
        ability="intervention.triage",
        pk=pk,
    )
    form = TriageForm(request.POST, organisation=organisation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            found = services.request_triage(
                request=found,
                actor=request.user,
                category=data["category"],
                priority=data["priority"],
                note=data["note"],
            )
        except services.RequestRefused as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("Request %(number)s: %(status)s.")
                % {"number": found.tracking_number, "status": found.get_status_display()},
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} : {errors[0]}" if label else errors[0])
    return redirect("interventions:request_detail", pk=found.pk)


@login_required
@require_POST
def request_close(request, pk):
    found = get_for_request(
        request, InterventionRequest.objects.all(), ability="intervention.triage", pk=pk
    )
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is closed without works."))
        return redirect("interventions:request_detail", pk=found.pk)
    try:
        services.request_move(
            request=found,
            actor=request.user,
            status=RequestStatus.CLOSED,
            note=form.cleaned_data["note"],
        )
    except services.RequestRefused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The request is closed; the tenant is told."))
    return redirect("interventions:request_detail", pk=found.pk)


@login_required
@require_POST
def request_called_back(request, pk):
    found = get_for_request(
        request, InterventionRequest.objects.all(), ability="intervention.log_call", pk=pk
    )
    services.request_called_back(request=found, actor=request.user)
    messages.success(request, _("Call-back recorded."))
    return redirect("interventions:request_detail", pk=found.pk)


@login_required
def request_photo(request, pk, photo_pk):
    """A photo of a request, served to staff only (never under a public address)."""
    found = get_for_request(
        request, InterventionRequest.objects.all(), ability="intervention.view", pk=pk
    )
    photo = get_object_or_404(RequestPhoto, request=found, pk=photo_pk)
    try:
        # Re-encoded photos are small (≤ 2048 px JPEG): read whole, no file left open.
        with photo.image.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def call_log(request):
    """The telework desk: find the household (name, address, phone), then log the call."""
    require_ability(request, "intervention.log_call")
    organisation = request.organisation
    ensure_defaults(organisation)
    household = None
    if request.GET.get("household", "").isdigit():
        household = get_for_request(
            request, Household.objects.all(), pk=int(request.GET["household"])
        )
    if household is None:
        query = request.GET.get("q", "").strip()
        found = []
        if query:
            found = housing_selectors.search_households(
                housing_selectors.households(organisation), query
            ).order_by("name", "pk")[:20]
        context = {"query": query, "households": found}
        return render(request, "interventions/call_search.html", context)
    lease = (
        Lease.objects.for_organisation(organisation)
        .filter(household=household, end_date__isnull=True)
        .select_related("dwelling__building")
        .first()
    )
    form = CallForm(
        request.POST or None,
        organisation=organisation,
        initial={"reported_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = services.request_create(
            organisation=organisation,
            actor=request.user,
            source=RequestSource.PHONE,
            data=services.NewRequest(
                household=household,
                lease=lease,
                dwelling=lease.dwelling if lease else None,
                category=data["category"],
                description=data["description"],
                availability=data["availability"],
                vulnerable_present=data["vulnerable_present"],
                contact_phone=str(data["contact_phone"] or ""),
                callback_requested=data["callback_requested"],
                submission_key=data["submission_key"] or None,
                reported_at=data["reported_at"],
            ),
        )
        messages.success(
            request,
            _("Request %(number)s recorded (%(status)s).")
            % {"number": created.tracking_number, "status": created.get_status_display()},
        )
        return redirect("interventions:request_detail", pk=created.pk)
    context = {"household": household, "lease": lease, "form": form}
    return render(
        request, "interventions/call_form.html", context, status=400 if form.is_bound else 200
    )
