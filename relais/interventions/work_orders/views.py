"""Work order pages: staff send a request to a contractor and follow it; the contractor works
through the link (``contractor_link``, no account, no JavaScript needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability

from ..contractors.selectors import suggestions
from ..models import InterventionRequest, RequestStatus, WorkOrder
from ..requests.services import RequestRefused
from . import forms, links, selectors, services
from .health import QUESTIONS

PAGE_SIZE = 50


@login_required
def work_order_list(request):
    """All work orders, or the overdue ones (``?overdue=1``, the technicians' home card)."""
    require_ability(request, "intervention.view")
    now = timezone.now()
    only_overdue = request.GET.get("overdue") == "1"
    found = (
        selectors.overdue(request.organisation, now)
        if only_overdue
        else selectors.for_organisation(request.organisation)
    )
    found = found.select_related("request__category", "contractor").order_by("due_at", "pk")
    page = ListPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "only_overdue": only_overdue, "now": now}
    return render(request, "interventions/work_orders/list.html", context)


@login_required
def work_order_create(request, request_pk):
    """Choose a contractor among the suggestions for a triaged request and send it."""
    found = get_for_request(
        request,
        InterventionRequest.objects.select_related("category", "dwelling__building"),
        ability="work_order.dispatch",
        pk=request_pk,
    )
    proposals = suggestions(found)
    form = forms.SendForm(request.POST or None, suggestions=proposals)
    if request.method == "POST" and form.is_valid():
        try:
            work_order, _token = services.work_order_create(
                organisation=request.organisation,
                actor=request.user,
                request=found,
                contractor=form.cleaned_data["contractor"],
                instructions=form.cleaned_data["instructions"],
            )
        except (RequestRefused, services.StepRefused) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, _("Work order sent to %(name)s.") % {"name": work_order.contractor.name}
            )
            return redirect("interventions:work_order_detail", work_order.pk)
    context = {"found": found, "form": form, "ready": found.status == RequestStatus.TRIAGED}
    status = 400 if form.is_bound else 200
    return render(request, "interventions/work_orders/send.html", context, status=status)


@login_required
def work_order_detail(request, pk):
    work_order = get_for_request(
        request, selectors.detail(request.organisation), ability="intervention.view", pk=pk
    )
    state = links.link_state(
        expires_at=work_order.link_expires_at,
        revoked_at=work_order.link_revoked_at,
        now=timezone.now(),
    )
    # The questionnaire's answers are health data: those who act on them only, each reading
    # audited; the others see whether the visit went ahead (the status).
    answers = []
    if work_order.health_answers and request.abilities.get("intervention.view_sensitive"):
        answers = _answers(work_order)
        audit.record(
            action="work_order.health_viewed",
            organisation=request.organisation,
            actor=request.user,
            obj=work_order,
        )
    context = {
        "work_order": work_order,
        "link_state": state.value,
        "answers": answers,
        "photos": work_order.photos.all(),
        "can_dispatch": request.abilities.get("work_order.dispatch"),
    }
    return render(request, "interventions/work_orders/detail.html", context)


def _answers(work_order) -> list[tuple[str, bool]]:
    return [
        (str(question), work_order.health_answers[code])
        for code, (question, _risky) in QUESTIONS.items()
        if code in work_order.health_answers
    ]


@login_required
@require_POST
def work_order_revoke(request, pk):
    work_order = get_for_request(
        request, WorkOrder.objects.all(), ability="work_order.dispatch", pk=pk
    )
    services.work_order_revoke(work_order=work_order, actor=request.user)
    messages.success(request, _("The contractor's link no longer works."))
    return redirect("interventions:work_order_detail", pk)


@login_required
@require_POST
def work_order_new_link(request, pk):
    work_order = get_for_request(
        request, WorkOrder.objects.all(), ability="work_order.dispatch", pk=pk
    )
    try:
        services.work_order_new_link(work_order=work_order, actor=request.user)
    except services.StepRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("A new link was sent to the contractor."))
    return redirect("interventions:work_order_detail", pk)


@login_required
def work_order_photo(request, pk, photo_pk):
    """A completion photo, to staff of the organisation only (not under a public URL)."""
    from django.http import FileResponse

    work_order = get_for_request(
        request, WorkOrder.objects.all(), ability="intervention.view", pk=pk
    )
    photo = work_order.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
