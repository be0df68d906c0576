"""Stock pages: the landlord's stock and days of cover, a location, its movements and counts,
locations and usage rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.roles import Role
from relais.core.tenancy import get_for_request, require_ability

from .. import charts, staffing
from ..forms import CountForm, LocationForm, MovementForm, RatesForm
from ..models import Item, ItemKind, Location
from . import selectors, services


def _chosen_item(request, items, default=None):
    """The item asked for (``?item=kind``), else ``default`` (an item id), else surgical masks."""
    if not request.GET.get("item") and default is not None:
        found = next((i for i in items if i.pk == default), None)
        if found is not None:
            return found
    wanted = request.GET.get("item") or ItemKind.SURGICAL_MASK
    return next((i for i in items if i.kind == wanted), items[0] if items else None)


@login_required
def stock(request):
    require_ability(request, "supplies.view")
    organisation = request.organisation
    items = list(Item.objects.for_organisation(organisation))
    rows = selectors.cover(organisation, timezone.localdate())
    item = _chosen_item(request, items)
    cover_chart = charts.cover_chart(rows, item) if rows and item else []
    weekly = charts.weekly_chart(selectors.weekly_issues(organisation, item)) if item else []
    context = {
        "rows": rows,
        "overall": selectors.overall(rows),
        "switched_off": Location.objects.for_organisation(organisation).filter(is_active=False),
        "items": items,
        "item": item,
        "cover_chart": cover_chart,
        "cover_chart_height": charts.height(cover_chart),
        "weekly_chart": weekly,
        "weekly_chart_height": charts.height(weekly),
    }
    return render(request, "supplies/stock.html", context)


@login_required
def location_detail(request, pk):
    location = get_for_request(request, Location.objects.all(), ability="supplies.view", pk=pk)
    organisation = request.organisation
    items = list(Item.objects.for_organisation(organisation))
    (row,) = selectors.cover(organisation, timezone.localdate(), locations=[location])
    item = _chosen_item(request, items, default=selectors.most_issued(location))
    weekly = (
        charts.weekly_chart(selectors.weekly_issues(organisation, item, location)) if item else []
    )
    context = {
        "location": location,
        "row": row,
        "headcount": [
            (Role(role).label, people)
            for role, people in sorted(staffing.headcount(location, timezone.localdate()).items())
        ],
        "movements": selectors.recent_movements(location),
        "items": items,
        "item": item,
        "weekly_chart": weekly,
        "weekly_chart_height": charts.height(weekly),
    }
    return render(request, "supplies/location_detail.html", context)


@login_required
def movement_create(request, pk):
    location = get_for_request(request, Location.objects.all(), ability="supplies.move", pk=pk)
    form = MovementForm(request.POST or None, location=location)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        args = {
            "organisation": request.organisation,
            "actor": request.user,
            "location": location,
            "item": data["item"],
            "quantity": data["quantity"],
            "note": data["note"],
        }
        try:
            if data["kind"] == "receipt":
                services.movement_receive(**args)
            elif data["kind"] == "issue":
                services.movement_issue(**args)
            else:
                services.movement_transfer(destination=data["destination"], **args)
        except services.StockError as error:
            form.add_error("quantity", error.messages[0])
        else:
            messages.success(request, _("Movement recorded."))
            return redirect("supplies:location_detail", pk=location.pk)
    status = 400 if request.method == "POST" else 200
    context = {"location": location, "form": form}
    return render(request, "supplies/movement_form.html", context, status=status)


@login_required
def count_create(request, pk):
    location = get_for_request(request, Location.objects.all(), ability="supplies.count", pk=pk)
    items = Item.objects.for_organisation(request.organisation)
    held = selectors.stock_sums(request.organisation, [location.pk])
    recorded = {item_id: units for (_loc, item_id), units in held.items()}
    form = CountForm(request.POST or None, items=items, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        try:
            services.count_record(
                organisation=request.organisation,
                actor=request.user,
                location=location,
                counted=form.counted(),
                note=form.cleaned_data["note"],
            )
        except services.StockError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Inventory count recorded."))
            return redirect("supplies:location_detail", pk=location.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "supplies/count_form.html", {"location": location, "form": form}, status=status
    )


def _location_edit(request, location):
    headcount = staffing.headcount(location, timezone.localdate()) if location.pk else {}
    form = LocationForm(request.POST or None, instance=location, headcount=headcount)
    if request.method == "POST" and form.is_valid():
        saved = services.location_save(
            organisation=request.organisation,
            actor=request.user,
            location=form.save(commit=False),
            headcount=form.headcount(),
        )
        messages.success(request, _("Location saved."))
        return redirect("supplies:location_detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "location": location}
    return render(request, "supplies/location_form.html", context, status=status)


@login_required
def location_create(request):
    require_ability(request, "supplies.configure")
    return _location_edit(request, Location(organisation=request.organisation))


@login_required
def location_edit(request, pk):
    location = get_for_request(request, Location.objects.all(), ability="supplies.configure", pk=pk)
    return _location_edit(request, location)


@login_required
def rates(request):
    require_ability(request, "supplies.configure")
    organisation = request.organisation
    items = Item.objects.for_organisation(organisation)
    form = RatesForm(request.POST or None, items=items, rates=selectors.rates_by_item(organisation))
    if request.method == "POST" and form.is_valid():
        services.rates_save(organisation=organisation, actor=request.user, rates=form.rates())
        messages.success(request, _("Usage rates saved."))
        return redirect("supplies:stock")
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/rates.html", {"form": form}, status=status)
