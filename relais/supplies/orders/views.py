"""Purchase order pages: the list, a new order, an order with its receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core.tenancy import get_for_request, require_ability
from relais.formats import quantity

from ..forms import PurchaseOrderForm, ReceiveForm
from ..models import PurchaseOrder
from ..stock.services import StockError
from . import services


@login_required
def order_list(request):
    require_ability(request, "supplies.order")
    orders = (
        PurchaseOrder.objects.for_organisation(request.organisation)
        .annotate(total_cents=Sum(F("lines__quantity") * F("lines__unit_price_cents")))
        .order_by("-ordered_on", "-id")[:200]
    )
    return render(request, "supplies/order_list.html", {"orders": orders})


@login_required
def order_create(request):
    require_ability(request, "supplies.order")
    form = PurchaseOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_create(
                organisation=request.organisation,
                actor=request.user,
                number=form.cleaned_data["number"],
                supplier=form.cleaned_data["supplier"],
                ordered_on=form.cleaned_data["ordered_on"],
                lines=form.lines,
            )
        except StockError as error:
            form.add_error("number", error.messages[0])
        else:
            messages.success(request, _("Purchase order recorded."))
            return redirect("supplies:order_detail", pk=order.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/order_form.html", {"form": form}, status=status)


@login_required
def order_detail(request, pk):
    order = get_for_request(request, PurchaseOrder.objects.all(), ability="supplies.order", pk=pk)
    received = services.received_by_line(order)
    lines = [
        (line, received.get(line.pk) or 0, line.quantity * line.unit_price_cents)
        for line in order.lines.select_related("item")
    ]
    form = ReceiveForm(request.POST or None, organisation=request.organisation)
    error = None
    if request.method == "POST" and form.is_valid():
        quantities = {}
        for line, _got, _cost in lines:
            raw = request.POST.get(f"line_{line.pk}", "").strip()
            quantities[line.pk] = int(raw) if raw.isdigit() else 0
        try:
            units = services.order_receive(
                organisation=request.organisation,
                actor=request.user,
                order=order,
                location=form.cleaned_data["location"],
                quantities=quantities,
            )
        except StockError as problem:
            error = problem.messages[0]
        else:
            text = ngettext("%(units)s unit received.", "%(units)s units received.", units)
            messages.success(request, text % {"units": quantity(units)})
            return redirect("supplies:order_detail", pk=order.pk)
    context = {
        "order": order,
        "lines": lines,
        "total_cents": sum(cost for _l, _r, cost in lines),
        "form": form,
        "error": error,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/order_detail.html", context, status=status)
