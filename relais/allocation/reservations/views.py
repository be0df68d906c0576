"""The landlord's reservation pages: agreements, the vacancies of the holders' flows (override,
link, hand-back, agenda), the yearly balance (CSV) and the overdue DALO households."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability

from ..commissions import selectors as commission_selectors
from ..models import ReservationAgreement, VacancyAssignment
from . import selectors, services
from .forms import AgendaForm, AgreementForm, OverrideForm

VIEW, MANAGE = "reservation.view", "reservation.manage"


def _year(request) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
def agreement_list(request):
    require_ability(request, VIEW)
    agreements = (
        ReservationAgreement.objects.for_organisation(request.organisation)
        .select_related("holder__organisation", "departement")
        .prefetch_related("communes")
    )
    return render(
        request, "allocation/reservations/agreement_list.html", {"agreements": agreements}
    )


def _agreement_form(request, agreement):
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(
                organisation=request.organisation,
                actor=request.user,
                agreement=form.save(),
                communes=form.cleaned_data["commune_codes"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The agreement is saved."))
            return redirect("allocation:agreement_list")
    title = _("Edit the agreement") if agreement.pk else _("New reservation agreement")
    context = {"form": form, "title": title, "cancel_url": reverse("allocation:agreement_list")}
    return render(
        request,
        "allocation/reservations/agreement_form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
def agreement_create(request):
    require_ability(request, MANAGE)
    return _agreement_form(request, ReservationAgreement(organisation=request.organisation))


@login_required
def agreement_edit(request, pk):
    agreement = get_for_request(request, ReservationAgreement.objects, ability=MANAGE, pk=pk)
    return _agreement_form(request, agreement)


def _assignments(organisation):
    return VacancyAssignment.objects.for_organisation(organisation).select_related(
        "agreement__holder__organisation", "vacancy__dwelling", "commune"
    )


@login_required
def assignment_list(request):
    """The vacancies of the holders' flows this year, latest first."""
    require_ability(request, VIEW)
    year = _year(request)
    rows = (
        _assignments(request.organisation)
        .filter(year=year, agreement__isnull=False)
        .prefetch_related("designations")
    )
    page = ListPaginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "year": year, "today": timezone.localdate()}
    return render(request, "allocation/reservations/assignment_list.html", context)


@login_required
def assignment_detail(request, pk):
    assignment = get_for_request(request, _assignments(request.organisation), ability=VIEW, pk=pk)
    designations = assignment.designations.select_related(
        "application", "application__organisation"
    ).order_by("rank")
    agenda_form = AgendaForm(organisation=request.organisation)
    context = {
        "assignment": assignment,
        "designations": designations,
        "today": timezone.localdate(),
        "waiting_statuses": selectors.WAITING,
        "override_form": OverrideForm(organisation=request.organisation),
        "agenda_form": agenda_form,
        # No session in preparation: the page links to creating one instead of an empty select.
        "has_draft_session": agenda_form.fields["session"].queryset.exists(),
        "commissions": commission_selectors.commissions(request.organisation).order_by("name"),
        "agenda_items": assignment.vacancy.agenda_items.select_related("session__commission"),
    }
    return render(request, "allocation/reservations/assignment_detail.html", context)


def _act(request, pk, action, done: str):
    assignment = get_for_request(request, VacancyAssignment.objects, ability=MANAGE, pk=pk)
    try:
        action(assignment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("allocation:assignment_detail", pk=assignment.pk)


@login_required
@require_POST
def assignment_override(request, pk):
    form = OverrideForm(request.POST, organisation=request.organisation)

    def action(assignment):
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the override."))
        services.assignment_override(
            assignment=assignment,
            actor=request.user,
            agreement=form.cleaned_data["agreement"],
            reason=form.cleaned_data["reason"],
        )

    return _act(request, pk, action, _("The vacancy's flow is changed."))


@login_required
@require_POST
def assignment_link_send(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.link_send(assignment=a, actor=request.user),
        _("A new link is sent to the holder; the previous one no longer opens."),
    )


@login_required
@require_POST
def assignment_link_revoke(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.link_revoke(assignment=a, actor=request.user),
        _("The holder's link is revoked."),
    )


@login_required
@require_POST
def assignment_release(request, pk):
    return _act(
        request,
        pk,
        lambda a: services.assignment_release(assignment=a, actor=request.user),
        _("The vacancy is back in your hands: propose your own candidates."),
    )


@login_required
@require_POST
def assignment_agenda(request, pk):
    form = AgendaForm(request.POST, organisation=request.organisation)

    def action(assignment):
        if not form.is_valid():
            raise ValidationError(_("Choose a session in preparation."))
        services.assignment_to_agenda(
            assignment=assignment, session=form.cleaned_data["session"], actor=request.user
        )

    return _act(request, pk, action, _("The designated candidates are on the agenda."))


@login_required
def balance(request):
    require_ability(request, VIEW)
    year = _year(request)
    rows, shares = selectors.balance(request.organisation, year)
    context = {
        "rows": rows,
        "shares": shares,
        "year": year,
        "target": selectors.PRIORITY_TARGET_PERCENT,
        "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
    }
    return render(request, "allocation/reservations/balance.html", context)


@login_required
def balance_csv(request):
    require_ability(request, VIEW)
    year = _year(request)
    rows, shares = selectors.balance(request.organisation, year)
    priority = {s.holder.pk: s for s in shares}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            _("Holder"),
            _("Agreement"),
            _("Share (%)"),
            _("Flow"),
            _("Owed"),
            _("Assigned"),
            _("Designated"),
            _("Allocated"),
            _("Holder's allocations to DALO and priority households (%)"),
        ]
    )
    for row in rows:
        share = priority.get(row.agreement.holder_id)
        writer.writerow(
            [
                row.agreement.holder.organisation.name,
                row.agreement.reference,
                row.agreement.share_percent,
                row.flow,
                row.owed,
                row.assigned,
                row.designated,
                row.allocated,
                "" if share is None or share.percent is None else share.percent,
            ]
        )
    audit.record(
        action="reservation_balance.exported",
        organisation=request.organisation,
        actor=request.user,
        changes={"year": year},
    )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bilan-reservations-{year}.csv"'
    return response


@login_required
def dalo_overdue(request):
    require_ability(request, VIEW)
    today = timezone.localdate()
    rows = selectors.overdue_dalo(request.organisation, today)
    page = ListPaginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "allocation/reservations/dalo_overdue.html", {"page": page, "today": today}
    )
