"""Housing pages: browse and search the stock and the households, create and edit them.

Every object is fetched with ``get_for_request`` (404 across organisations); lists are
paginated and render the table partial alone for htmx requests.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from relais.core.filters import filter_status
from relais.core.pagination import ListPaginator
from relais.core.search import compact
from relais.core.tenancy import get_for_request, require_ability

from . import selectors, services
from .filters import BuildingFilter, DwellingFilter, HouseholdFilter, ResidenceFilter
from .forms import (
    BuildingForm,
    DwellingForm,
    HouseholdForm,
    LeaseEndForm,
    LeaseStartForm,
    OccupantForm,
    ResidenceForm,
)
from .models import Building, Commune, Dwelling, Household, Lease, Occupant, Residence

PAGE_SIZE = 50


def _list(request, *, queryset, filterset_class, template, ordering):
    filterset = filterset_class(request.GET, queryset=queryset)
    rows = filterset.qs.order_by(*ordering) if filterset.is_valid() else queryset.none()
    page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page}
    status = filter_status(request, filterset)
    if request.htmx:
        return render(request, f"{template}#results", context, status=status)
    return render(request, template, context, status=status)


def _save_form(request, form, *, organisation, entity: str, success_message: str):
    """Validate ``form`` and save its instance through the audited service; True on success."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        services.record_save(
            organisation=organisation, actor=request.user, instance=form.instance, entity=entity
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, success_message)
    return True


def _form_page(request, form, *, title, cancel_url):
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
        status=400 if form.errors else 200,
    )


# Residences ------------------------------------------------------------------------------


@login_required
def residence_list(request):
    require_ability(request, "housing.view")
    return _list(
        request,
        queryset=selectors.residences(request.organisation),
        filterset_class=ResidenceFilter,
        template="housing/residence_list.html",
        ordering=["name", "pk"],
    )


@login_required
def residence_detail(request, pk):
    residence = get_for_request(
        request, selectors.residences(request.organisation), ability="housing.view", pk=pk
    )
    buildings = selectors.buildings(request.organisation).filter(residence=residence)
    return render(
        request,
        "housing/residence_detail.html",
        {"residence": residence, "buildings": buildings.order_by("reference")},
    )


@login_required
def residence_edit(request, pk=None):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    instance = get_for_request(request, Residence.objects, pk=pk) if pk else None
    form = ResidenceForm(request.POST or None, instance=instance, organisation=organisation)
    if _save_form(
        request,
        form,
        organisation=organisation,
        entity="residence",
        success_message=_("Residence saved."),
    ):
        return redirect("housing:residence_detail", pk=form.instance.pk)
    title = _("Edit residence") if instance else _("New residence")
    cancel = instance.get_absolute_url() if instance else reverse("housing:residence_list")
    return _form_page(request, form, title=title, cancel_url=cancel)


# Buildings -------------------------------------------------------------------------------


@login_required
def building_list(request):
    require_ability(request, "housing.view")
    return _list(
        request,
        queryset=selectors.buildings(request.organisation),
        filterset_class=BuildingFilter,
        template="housing/building_list.html",
        ordering=["reference", "pk"],
    )


@login_required
def building_detail(request, pk):
    building = get_for_request(
        request, selectors.buildings(request.organisation), ability="housing.view", pk=pk
    )
    dwellings = selectors.dwellings(request.organisation).filter(building=building)
    return render(
        request,
        "housing/building_detail.html",
        {"building": building, "dwellings": dwellings.order_by("reference")},
    )


@login_required
def building_edit(request, pk=None, residence_pk=None):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    if pk:
        instance = get_for_request(request, Building.objects, pk=pk)
    else:
        residence = get_for_request(request, Residence.objects, pk=residence_pk)
        instance = Building(organisation=organisation, residence=residence)
    form = BuildingForm(request.POST or None, instance=instance)
    if _save_form(
        request,
        form,
        organisation=organisation,
        entity="building",
        success_message=_("Building saved."),
    ):
        return redirect("housing:building_detail", pk=form.instance.pk)
    title = (
        _("Edit building")
        if pk
        else _("New building in %(name)s") % {"name": instance.residence.name}
    )
    return _form_page(request, form, title=title, cancel_url=instance.residence.get_absolute_url())


# Dwellings -------------------------------------------------------------------------------


@login_required
def dwelling_list(request):
    require_ability(request, "housing.view")
    return _list(
        request,
        queryset=selectors.dwellings(request.organisation),
        filterset_class=DwellingFilter,
        template="housing/dwelling_list.html",
        ordering=["reference", "pk"],
    )


@login_required
def dwelling_detail(request, pk):
    dwelling = get_for_request(
        request, selectors.dwellings(request.organisation), ability="housing.view", pk=pk
    )
    context = {
        "dwelling": dwelling,
        "leases": selectors.dwelling_leases(dwelling)
        if request.abilities["household.view"]
        else [],
    }
    return render(request, "housing/dwelling_detail.html", context)


@login_required
def dwelling_edit(request, pk=None, building_pk=None):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    if pk:
        instance = get_for_request(request, Dwelling.objects, pk=pk)
    else:
        building = get_for_request(request, Building.objects, pk=building_pk)
        instance = Dwelling(organisation=organisation, building=building)
    form = DwellingForm(request.POST or None, instance=instance)
    if _save_form(
        request,
        form,
        organisation=organisation,
        entity="dwelling",
        success_message=_("Dwelling saved."),
    ):
        return redirect("housing:dwelling_detail", pk=form.instance.pk)
    title = (
        _("Edit dwelling")
        if pk
        else _("New dwelling at %(address)s") % {"address": instance.building.address}
    )
    cancel = instance.get_absolute_url() if pk else instance.building.get_absolute_url()
    return _form_page(request, form, title=title, cancel_url=cancel)


@login_required
def lease_start(request, dwelling_pk):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    dwelling = get_for_request(request, Dwelling.objects, pk=dwelling_pk)
    form = LeaseStartForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.lease_start(
                organisation=organisation,
                actor=request.user,
                dwelling=dwelling,
                household=form.cleaned_data["household_reference"],
                reference=form.cleaned_data["reference"],
                start_date=form.cleaned_data["start_date"],
                charges_cents=form.cleaned_data["charges"],
                housing_benefit_cents=form.cleaned_data["housing_benefit"] or 0,
                transfer=form.cleaned_data["transfer"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Lease started."))
            return redirect(dwelling.get_absolute_url())
    title = _("Let dwelling %(ref)s") % {"ref": dwelling.reference}
    return _form_page(request, form, title=title, cancel_url=dwelling.get_absolute_url())


@login_required
def lease_end(request, pk):
    require_ability(request, "housing.edit")
    lease = get_for_request(request, Lease.objects.select_related("dwelling"), pk=pk)
    if lease.end_date is not None:
        raise Http404
    form = LeaseEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lease_end(
                organisation=request.organisation,
                actor=request.user,
                lease=lease,
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Lease ended; the dwelling is vacant."))
            return redirect(lease.dwelling.get_absolute_url())
    title = _("End lease %(ref)s") % {"ref": lease.reference}
    return _form_page(request, form, title=title, cancel_url=lease.dwelling.get_absolute_url())


# Households ------------------------------------------------------------------------------


@login_required
def household_list(request):
    require_ability(request, "household.view")
    return _list(
        request,
        queryset=selectors.households(request.organisation),
        filterset_class=HouseholdFilter,
        template="housing/household_list.html",
        ordering=["name", "pk"],
    )


@login_required
def household_detail(request, pk):
    household = get_for_request(request, Household.objects, ability="household.view", pk=pk)
    sensitive = request.abilities["household.view_sensitive"]
    services.household_viewed(
        organisation=request.organisation,
        actor=request.user,
        household=household,
        sensitive=sensitive,
    )
    context = {
        "household": household,
        "occupants": household.occupants.all(),
        "leases": selectors.household_leases(household),
        "show_sensitive": sensitive,
    }
    return render(request, "housing/household_detail.html", context)


@login_required
def household_edit(request, pk=None):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    instance = (
        get_for_request(request, Household.objects, pk=pk)
        if pk
        else Household(organisation=organisation)
    )
    form = HouseholdForm(request.POST or None, instance=instance)
    if _save_form(
        request,
        form,
        organisation=organisation,
        entity="household",
        success_message=_("Household saved."),
    ):
        return redirect("housing:household_detail", pk=form.instance.pk)
    title = _("Edit household") if pk else _("New household")
    cancel = instance.get_absolute_url() if pk else reverse("housing:household_list")
    return _form_page(request, form, title=title, cancel_url=cancel)


@login_required
def occupant_edit(request, pk=None, household_pk=None):
    require_ability(request, "housing.edit")
    organisation = request.organisation
    if pk:
        instance = get_for_request(request, Occupant.objects.select_related("household"), pk=pk)
    else:
        household = get_for_request(request, Household.objects, pk=household_pk)
        instance = Occupant(organisation=organisation, household=household)
    form = OccupantForm(
        request.POST or None,
        instance=instance,
        show_sensitive=request.abilities["household.view_sensitive"],
    )
    if _save_form(
        request,
        form,
        organisation=organisation,
        entity="occupant",
        success_message=_("Occupant saved."),
    ):
        return redirect(instance.household.get_absolute_url())
    title = (
        _("Edit occupant")
        if pk
        else _("New occupant of %(name)s") % {"name": instance.household.name}
    )
    return _form_page(request, form, title=title, cancel_url=instance.household.get_absolute_url())


@login_required
@require_GET
def commune_options(request):
    """htmx autocomplete: communes whose name starts with the text typed (a <datalist>),
    accents, case, spaces and hyphens ignored ("joue les tours" → Joué-lès-Tours)."""
    require_ability(request, "housing.view")
    text = compact(request.GET.get("commune", ""))
    communes = (
        Commune.objects.filter(search_name__startswith=text).order_by("-population", "name")[:15]
        if len(text) >= 2
        else []
    )
    return render(request, "housing/commune_options.html", {"communes": communes})
