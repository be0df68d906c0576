"""Vacancy pages: the pipeline list, a vacancy (dates, moves), its candidates and the proposal
to a commission session; the fairness indicator. Views are thin: tenancy and abilities, then
selectors or services."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.filters import filter_status
from relais.core.models import Organisation
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability

from ..commissions.agenda import agenda_item_add
from ..eligibility.benefits import HIGH_EFFORT_RATE
from ..eligibility.ceilings import EligibilityError
from ..models import Vacancy, VacancyStatus
from ..reservations.services import open_reservation
from . import selectors
from .candidates import search_candidates
from .fairness import fairness
from .forms import (
    LeaseSignForm,
    ProposalForm,
    TransitionForm,
    VacancyCreateForm,
    VacancyEditForm,
    VacancyFilter,
    occupant_formset,
)
from .letting import LeaseTerms, Person, accepted_offer, lease_sign
from .services import (
    EDITABLE_FIELDS,
    MANUAL_TRANSITIONS,
    TRANSITIONS,
    candidates_viewed,
    vacancy_create,
    vacancy_days,
    vacancy_transition,
    vacancy_update,
)

PAGE_SIZE = 50
PROPOSABLE = (VacancyStatus.READY, VacancyStatus.ON_AGENDA)
# A vacancy allocated or let has its applicant: no ranked candidates are searched any more.
DECIDED = (VacancyStatus.ALLOCATED, VacancyStatus.LET)


@login_required
def vacancy_list(request):
    require_ability(request, "allocation.view")
    queryset = selectors.vacancies(request.organisation)
    filterset = VacancyFilter(request.GET, queryset=queryset)
    rows = filterset.qs.order_by("-notice_received_on", "-pk") if filterset.is_valid() else []
    page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for vacancy in page.object_list:
        vacancy.days = vacancy_days(vacancy, today)
    context = {"filter": filterset, "page": page}
    template = "allocation/vacancy_list.html"
    return render(
        request,
        f"{template}#results" if request.htmx else template,
        context,
        status=filter_status(request, filterset),
    )


@login_required
def vacancy_create_view(request):
    require_ability(request, "allocation.edit")
    initial = {"dwelling": request.GET.get("dwelling", ""), "notice_received_on": None}
    form = VacancyCreateForm(
        request.POST or None, organisation=request.organisation, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vacancy = vacancy_create(
                organisation=request.organisation,
                actor=request.user,
                dwelling=data["dwelling"],
                notice_received_on=data["notice_received_on"],
                vacated_on=data["vacated_on"],
                charges_cents=data["charges"] or 0,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vacancy opened."))
            return redirect("allocation:vacancy_detail", pk=vacancy.pk)
    return _form_page(request, form, _("New vacancy"), reverse("allocation:vacancy_list"))


def _form_page(request, form, title, cancel_url):
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(
        request, "allocation/vacancy_form.html", context, status=400 if form.errors else 200
    )


@login_required
def vacancy_detail(request, pk):
    vacancy = get_for_request(
        request, selectors.vacancy_for_page(request.organisation), ability="allocation.view", pk=pk
    )
    items = list(selectors.agenda_items(vacancy))
    context = {
        "vacancy": vacancy,
        "days": vacancy_days(vacancy),
        "timeline": selectors.timeline(vacancy, items),
        "moves": [VacancyStatus(status) for status in MANUAL_TRANSITIONS[vacancy.status]],
        "transition_form": TransitionForm(),
        "decided": vacancy.status in DECIDED,
        "offer": accepted_offer(vacancy) if vacancy.status in DECIDED else None,
        "reservation": None if vacancy.status in DECIDED else open_reservation(vacancy),
    }
    return render(request, "allocation/vacancy_detail.html", context)


@login_required
def vacancy_edit(request, pk):
    require_ability(request, "allocation.edit")
    vacancy = get_for_request(request, selectors.vacancy_for_page(request.organisation), pk=pk)
    form = VacancyEditForm(request.POST or None, instance=vacancy)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.fields}
        try:
            vacancy_update(
                vacancy=vacancy,
                actor=request.user,
                charges_cents=form.cleaned_data["charges"],
                **values,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vacancy saved."))
            return redirect("allocation:vacancy_detail", pk=vacancy.pk)
    title = _("Vacancy of dwelling %(ref)s") % {"ref": vacancy.dwelling.reference}
    return _form_page(request, form, title, reverse("allocation:vacancy_detail", args=[pk]))


@login_required
@require_POST
def vacancy_transition_view(request, pk):
    require_ability(request, "allocation.edit")
    vacancy = get_for_request(request, Vacancy.objects, pk=pk)
    form = TransitionForm(request.POST)
    to = form.cleaned_data["to"] if form.is_valid() else None
    if to in TRANSITIONS[vacancy.status] and to not in MANUAL_TRANSITIONS[vacancy.status]:
        # The other moves follow their events: the agenda, the decision, the signed lease.
        messages.error(request, _("This move follows its event: it cannot be made by hand."))
    elif form.is_valid():
        try:
            vacancy_transition(
                vacancy=vacancy,
                actor=request.user,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Vacancy moved on."))
    else:
        messages.error(request, _("Choose a valid move and date."))
    return redirect("allocation:vacancy_detail", pk=vacancy.pk)


@login_required
def vacancy_candidates(request, pk):
    """The ranked candidates of a vacancy, and the officer's proposal to a draft session."""
    vacancy = get_for_request(
        request, selectors.vacancy_for_page(request.organisation), ability="allocation.view", pk=pk
    )
    can_propose = request.abilities["allocation.edit"] and request.abilities["commission.manage"]
    if request.method == "POST" and not can_propose:
        raise PermissionDenied
    if vacancy.status in DECIDED:
        template = "allocation/candidate_search.html"
        context = {"vacancy": vacancy, "decided": True, "offer": accepted_offer(vacancy)}
        return render(request, f"{template}#candidates" if request.htmx else template, context)
    rows, error = [], ""
    try:
        rows = search_candidates(vacancy)
    except EligibilityError as exc:
        error = exc.message
    ids = [row.application.pk for row in rows]
    candidates_viewed(vacancy=vacancy, actor=request.user, application_ids=ids)
    form = None
    if can_propose and vacancy.status in PROPOSABLE and ids:
        form = ProposalForm(
            request.POST or None,
            organisation=request.organisation,
            application_ids=ids,
            initial={"session": request.GET.get("session")},  # from a session's agenda
        )
        if request.method == "POST" and _propose(request, vacancy, form):
            return redirect("allocation:session_detail", pk=form.cleaned_data["session"].pk)
    elif request.method == "POST":
        messages.error(request, _("This vacancy has no candidate to propose now."))
    reservation = open_reservation(vacancy)
    context = {
        "vacancy": vacancy,
        "error": error,
        "form": form,
        "reservation": reservation,
        "high_effort": int(HIGH_EFFORT_RATE * 100),
        "entries": _entries(rows, form, request.organisation, reservation),
        "sessions": list(form.fields["session"].queryset) if form else [],
        "commissions": selectors.commissions(request.organisation) if form else [],
    }
    template = "allocation/candidate_search.html"
    return render(
        request,
        f"{template}#candidates" if request.htmx else template,
        context,
        status=400 if request.method == "POST" else 200,
    )


def _entries(rows, form, organisation, reservation=None) -> list[dict]:
    """Each row with what the officer ticked and typed, to show the form back after an error,
    the landlord that registered it when it is another one (the shared pool), and whether it
    may be proposed (while a holder's reservation is open, only its designated candidates)."""
    picked = set(form["candidates"].value() or []) if form is not None and form.is_bound else set()
    others = {row.application.organisation_id for row in rows} - {organisation.pk}
    names = dict(Organisation.objects.filter(pk__in=others).values_list("pk", "name"))
    return [
        {
            "row": row,
            "registered_by": names.get(row.application.organisation_id, ""),
            "checked": str(row.application.pk) in picked,
            "rank": form.data.get(f"rank_{row.application.pk}", "") if form is not None else "",
            "proposable": reservation is None or row.application.pk in reservation.designated,
        }
        for row in rows
    ]


def _propose(request, vacancy, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        agenda_item_add(
            session=data["session"],
            vacancy=vacancy,
            actor=request.user,
            application_ids=data["application_ids"],
            few_candidates_reason=data["few_candidates_reason"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("The vacancy and its candidates are on the session's agenda."))
    return True


@login_required
def fairness_view(request):
    require_ability(request, "allocation.view")
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year + 1)
    context = {"fairness": fairness(request.organisation, year), "years": (year - 1, year + 1)}
    return render(request, "allocation/fairness.html", context)


@login_required
def vacancy_lease_sign(request, pk):
    """The lease signed on the accepted offer: terms, household, occupants."""
    require_ability(request, "allocation.edit")
    vacancy = get_for_request(request, selectors.vacancy_for_page(request.organisation), pk=pk)
    offer = accepted_offer(vacancy)
    if vacancy.status != VacancyStatus.ALLOCATED or offer is None:
        messages.error(request, _("No accepted offer waits for its lease on this vacancy."))
        return redirect("allocation:vacancy_detail", pk=vacancy.pk)
    application = offer.candidate.application
    initial = {
        "rent": Decimal(vacancy.dwelling.rent_cents).scaleb(-2),  # 1234.56, 90.50
        "charges": Decimal(vacancy.charges_cents).scaleb(-2),
        "start_date": timezone.localdate(),
    }
    form = LeaseSignForm(request.POST or None, organisation=request.organisation, initial=initial)
    occupants = occupant_formset(application, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new_household = data["existing_household"] is None
        if not new_household or occupants.is_valid():
            others = [Person(**row) for row in occupants.cleaned_data] if new_household else []
            try:
                lease = lease_sign(
                    vacancy=vacancy,
                    actor=request.user,
                    terms=LeaseTerms(
                        data["reference"], data["start_date"], data["rent"], data["charges"]
                    ),
                    household_reference=data["household_reference"],
                    household=data["existing_household"],
                    others=others,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Lease %(reference)s signed: the application is struck off (housed).")
                    % {"reference": lease.reference},
                )
                return redirect("allocation:vacancy_detail", pk=vacancy.pk)
    context = {
        "vacancy": vacancy,
        "application": application,
        "form": form,
        "occupants": occupants,
    }
    return render(
        request,
        "allocation/lease_sign.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
