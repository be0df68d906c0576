"""On-call pages: the rota per agency (planned by directors and managers), and the
acknowledgement page opened from the alert's SMS (signed link, no account needed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from relais.core.form_organisation import organisation_check_exempt
from relais.core.tenancy import get_for_request, require_ability

from ..models import OnCallAlert, OnCallShift
from . import notify, selectors, services
from .forms import ShiftForm

# An acknowledgement link is valid this long (an alert is about a request of the last day).
ACK_MAX_AGE = 48 * 3600


@login_required
def shift_list(request):
    require_ability(request, "intervention.view")
    now = timezone.now()
    organisation = request.organisation
    context = {
        "shifts": selectors.shifts(organisation, since=now),
        "current": {s.pk for s in selectors.on_call_now(organisation, now).values()},
        "alerts": selectors.recent_alerts(organisation),
        "can_plan": request.abilities.get("on_call.plan"),
    }
    return render(request, "interventions/on_call/list.html", context)


def _edit(request, shift):
    form = ShiftForm(request.POST or None, instance=shift, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.shift_save(
            organisation=request.organisation, actor=request.user, shift=form.instance
        )
        messages.success(request, _("On-call shift saved."))
        return redirect("interventions:on_call_list")
    status = 400 if form.is_bound else 200
    context = {"form": form, "shift": shift}
    return render(request, "interventions/on_call/form.html", context, status=status)


@login_required
def shift_create(request):
    require_ability(request, "on_call.plan")
    return _edit(request, OnCallShift(organisation=request.organisation))


@login_required
def shift_edit(request, pk):
    shift = get_for_request(request, OnCallShift.objects.all(), ability="on_call.plan", pk=pk)
    return _edit(request, shift)


@login_required
@require_POST
def shift_delete(request, pk):
    shift = get_for_request(request, OnCallShift.objects.all(), ability="on_call.plan", pk=pk)
    if shift.alerts.exists():
        messages.error(request, _("Someone was alerted on this shift: it stays in the history."))
    else:
        services.shift_delete(organisation=request.organisation, actor=request.user, shift=shift)
        messages.success(request, _("On-call shift removed."))
    return redirect("interventions:on_call_list")


@organisation_check_exempt
@never_cache
def alert_ack(request, token):
    """GET shows the request and a button; POST acknowledges (a link preview fetching the
    page acknowledges nothing)."""
    try:
        alert_id = signing.loads(token, salt=notify.ACK_SALT, max_age=ACK_MAX_AGE)
    except signing.BadSignature:
        return render(request, "interventions/on_call/ack.html", {"invalid": True}, status=410)
    alert = (
        OnCallAlert.objects.select_related(
            "organisation",
            "shift",
            "request__category",
            "request__dwelling__building",
            "request__building",
            "request__household",
        )
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return render(request, "interventions/on_call/ack.html", {"invalid": True}, status=410)
    if request.method == "POST":
        services.alert_acknowledge(alert=alert, actor=request.user)
        messages.success(request, _("Thank you: the request is yours; nobody else is alerted."))
        return redirect("interventions:on_call_ack", token=token)
    return render(
        request, "interventions/on_call/ack.html", {"alert": alert, "found": alert.request}
    )
