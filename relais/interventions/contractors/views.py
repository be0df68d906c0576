"""Contractor pages: the list, a company's form with its contacts, its operating status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.tenancy import get_for_request, require_ability
from relais.formats import of_name

from ..models import Contractor, OperatingStatus
from . import selectors, services
from .forms import ContactFormSet, ContractorForm, StatusForm


@login_required
def contractor_list(request):
    require_ability(request, "intervention.view")
    context = {
        "contractors": selectors.contractor_list(request.organisation),
        "can_manage": request.abilities.get("contractor.manage"),
        "statuses": OperatingStatus.choices,
    }
    return render(request, "interventions/contractors/list.html", context)


def _edit(request, contractor):
    organisation = request.organisation
    data = request.POST if request.method == "POST" else None
    form = ContractorForm(data, instance=contractor, organisation=organisation)
    contacts = ContactFormSet(data, instance=contractor, prefix="contacts")
    if data is not None and form.is_valid() and contacts.is_valid():
        services.contractor_save(
            organisation=organisation, actor=request.user, form=form, contacts=contacts
        )
        messages.success(request, _("Contractor saved."))
        return redirect("interventions:contractor_list")
    context = {"form": form, "contacts": contacts, "contractor": contractor}
    status = 400 if data is not None else 200
    return render(request, "interventions/contractors/form.html", context, status=status)


@login_required
def contractor_create(request):
    require_ability(request, "contractor.manage")
    return _edit(request, Contractor(organisation=request.organisation))


@login_required
def contractor_edit(request, pk):
    contractor = get_for_request(
        request, Contractor.objects.all(), ability="contractor.manage", pk=pk
    )
    return _edit(request, contractor)


@login_required
@require_POST
def contractor_status(request, pk):
    """The operating status alone, from the list (a quick update after a call)."""
    contractor = get_for_request(
        request, Contractor.objects.all(), ability="contractor.manage", pk=pk
    )
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an operating status."))
        return redirect("interventions:contractor_list")
    services.contractor_status_set(
        contractor=contractor,
        actor=request.user,
        status=form.cleaned_data["operating_status"],
        note=form.cleaned_data["operating_status_note"],
    )
    messages.success(
        request, _("Operating status %(of_name)s updated.") % {"of_name": of_name(contractor.name)}
    )
    return redirect("interventions:contractor_list")
