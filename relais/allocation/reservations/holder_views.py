"""The reservation holder's pages: the vacancies of its flow across landlords and its
designations (``access`` 404s everything else), and the same designation page opened by a
link without an account (hashed, expiring, revocable: ``core.links``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from relais.core import links
from relais.core.form_organisation import organisation_check_exempt

from ..models import MAX_DESIGNATIONS, HolderKind, VacancyAssignment
from . import services
from .access import get_assignment_for_holder, holder_assignments, holder_for_request
from .forms import DesignationForm
from .selectors import WAITING

TEMPLATE = "allocation/reservations/holder_assignment.html"


@login_required
def holder_assignment_list(request):
    holder = holder_for_request(request)
    today = timezone.localdate()
    rows = (
        holder_assignments(holder)
        .select_related("organisation", "agreement", "commune", "vacancy__dwelling")
        .prefetch_related("designations")
        .order_by("-assigned_on", "-pk")
    )
    waiting = [a for a in rows if a.designation_open(today)]
    others = [a for a in rows if not a.designation_open(today)][:100]
    context = {"holder": holder, "waiting": waiting, "others": others, "today": today}
    return render(request, "allocation/reservations/holder_list.html", context)


def _designation_page(request, assignment, *, actor, through_link: bool, done_url: str):
    """The vacancy, the designations so far and, while open, the form for the free slots."""
    today = timezone.localdate()
    designations = list(assignment.designations.select_related("application").order_by("rank"))
    slots = MAX_DESIGNATIONS - len(designations)
    is_open = assignment.designation_open(today) and slots > 0
    dalo = assignment.agreement.holder.kind == HolderKind.STATE
    form = DesignationForm(request.POST or None, slots=slots, dalo=dalo) if is_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.designate(
                assignment=assignment,
                actor=actor,
                wanted=form.wanted(),
                through_link=through_link,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The designations are recorded."))
            return redirect(done_url)
    context = {
        "assignment": assignment,
        "designations": designations,
        "form": form,
        "is_open": is_open,
        "through_link": through_link,
        "today": today,
        "waiting_statuses": WAITING,
    }
    return render(request, TEMPLATE, context, status=400 if form and form.errors else 200)


@login_required
def holder_assignment_detail(request, pk):
    _holder, assignment = get_assignment_for_holder(request, pk)
    return _designation_page(
        request, assignment, actor=request.user, through_link=False, done_url=request.path
    )


@organisation_check_exempt
@never_cache
def reservation_link(request, token):
    assignment = (
        VacancyAssignment.objects.select_related(
            "organisation",
            "agreement__holder__organisation",
            "commune",
            "vacancy__dwelling__building",
        )
        .filter(link_token_hash=links.token_hash(token), agreement__isnull=False)
        .first()
    )
    closed = "allocation/reservations/link_closed.html"
    if assignment is None:
        return render(request, closed, {"state": "unknown"}, status=404)
    state = links.link_state(
        expires_at=assignment.link_expires_at,
        revoked_at=assignment.link_revoked_at,
        now=timezone.now(),
    )
    if state is not links.LinkState.VALID:
        context = {"state": state.value, "organisation": assignment.organisation}
        return render(request, closed, context, status=410)
    return _designation_page(
        request, assignment, actor=None, through_link=True, done_url=request.path
    )
