"""The contractor's pages, opened by the work order's link (no account).

One address per work order; the page shows the job and the form of the next step. Each POST
names its ``step`` and carries its idempotency key; after a step the page is shown again
(post/redirect/get), so reloading never resubmits. A closed link (expired, revoked) answers
410 with a French page saying whom to ask.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from relais.core.form_organisation import organisation_check_exempt

from ..models import WorkOrder, WorkOrderStatus
from ..requests.services import RequestRefused
from . import forms, links, services

S = WorkOrderStatus
OK = messages.SUCCESS
# step → (form class, statuses in which the page offers it), in the page's order: the next
# step first, rescheduling and declining last.
STEPS = {
    "accept": (forms.AcceptForm, (S.SENT,)),
    "health": (forms.HealthForm, (S.SCHEDULED,)),
    "complete": (forms.CompleteForm, (S.SCHEDULED,)),
    "schedule": (forms.SlotForm, (S.ACCEPTED, S.SCHEDULED, S.STOPPED)),
    "decline": (forms.DeclineForm, (S.SENT, S.ACCEPTED)),
}


def _find(token: str):
    return (
        WorkOrder.objects.select_related(
            "organisation",
            "contractor",
            "request__category",
            "request__household",
            "request__dwelling__building__commune",
            "request__building__commune",
        )
        .filter(link_token_hash=links.token_hash(token))
        .first()
    )


def _offered(work_order) -> list[str]:
    """The steps the page offers now: the questionnaire before the completion."""
    offered = [step for step, (_form, statuses) in STEPS.items() if work_order.status in statuses]
    if work_order.status == S.SCHEDULED:
        offered.remove("complete" if work_order.health_answered_at is None else "health")
    return offered


@organisation_check_exempt
@never_cache
def contractor_link(request, token):
    work_order = _find(token)
    if work_order is None:
        return render(
            request, "interventions/work_orders/link_closed.html", {"state": "unknown"}, status=404
        )
    state = links.link_state(
        expires_at=work_order.link_expires_at,
        revoked_at=work_order.link_revoked_at,
        now=timezone.now(),
    )
    if state is not links.LinkState.VALID:
        context = {"state": state.value, "organisation": work_order.organisation}
        return render(request, "interventions/work_orders/link_closed.html", context, status=410)
    bound = None
    if request.method == "POST":
        bound, response = _submit(request, work_order, token)
        if response is not None:
            return response
    offered = _offered(work_order)
    step_forms = {step: STEPS[step][0]() for step in offered}
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    context = {"work_order": work_order, "forms": step_forms, "found": work_order.request}
    return render(
        request,
        "interventions/work_orders/link.html",
        context,
        status=400 if bound is not None else 200,
    )


def _submit(request, work_order, token):
    """(bound step form with errors, None) or (None, redirect) after a step."""
    step = request.POST.get("step", "")
    if step not in STEPS:
        messages.error(request, _("This action is not available."))
        return None, redirect("interventions:contractor_link", token=token)
    form = STEPS[step][0](request.POST, request.FILES)
    if not form.is_valid():
        return (step, form), None
    data, key = form.cleaned_data, form.cleaned_data["key"]
    try:
        level, message = _run(step, work_order, key, data, form)
    except (services.StepRefused, RequestRefused) as refused:
        messages.error(request, str(refused))
    else:
        messages.add_message(request, level, message)
    return None, redirect("interventions:contractor_link", token=token)


def _run(step, work_order, key, data, form) -> tuple[int, str]:
    """Run the step's service; (message level, what the contractor reads)."""
    if step == "accept":
        services.work_order_accept(work_order=work_order, key=key)
        return OK, _("Thank you: the work order is accepted. Now propose a visit to the tenant.")
    if step == "decline":
        services.work_order_decline(work_order=work_order, key=key, reason=data["reason"])
        return OK, _("The work order is declined; the landlord will find another company.")
    if step == "schedule":
        services.work_order_schedule(
            work_order=work_order, key=key, start=data["starts_at"], end=data["ends_at"]
        )
        return OK, _(
            "Visit recorded. At the door, fill in the health questionnaire with the tenant."
        )
    if step == "health":
        _wo, _replayed, outcome = services.work_order_health(
            work_order=work_order, key=key, answers=form.answers(), emergency=data["emergency"]
        )
        if not outcome.proceed:
            return messages.ERROR, _(
                "Do not enter: an answer shows a health risk. The visit is stopped; propose "
                "another date, or call the landlord if the emergency cannot wait."
            )
        if outcome.emergency:
            return messages.WARNING, _(
                "An answer shows a health risk, but the emergency requires the visit: enter "
                "with an FFP2 mask and gloves, keep your distance and ventilate."
            )
        return OK, _("No health risk reported: you may enter.")
    services.work_order_complete(
        work_order=work_order, key=key, note=data["note"], photos=data["photos"]
    )
    return OK, _("Thank you: the work is recorded as done and the tenant is told.")
