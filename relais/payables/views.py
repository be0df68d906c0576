"""Payables pages: invoices (list, upload, keying, detail, decisions), suppliers,
delegations, payment runs and statements, dashboard, settings."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.bank.camt import StatementError
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability

from . import approvals, payments, queue, selectors, services
from .einvoice import InvoiceFileError, NotAnEInvoice
from .forms import (
    BudgetForm,
    DelegationForm,
    KeyedInvoiceForm,
    PaymentRunForm,
    RejectForm,
    SettingsForm,
    StatementForm,
    SupplierForm,
    UploadForm,
)
from .models import Budget, Delegation, Level, PaymentRun, Status, Supplier

PAGE_SIZE = 50


def _held_levels(request) -> dict:
    return selectors.levels_held(
        request.organisation, request.user, request.membership.role, timezone.localdate()
    )


def _my_queue_page(request):
    """The page of the invoices awaiting this person's levels (``queue``: three queries)."""
    held = queue.levels(
        request.organisation, request.user, request.membership.role, timezone.localdate()
    )
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    total, rows = queue.page(
        request.organisation, held, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    page = Paginator(range(total), PAGE_SIZE).get_page(number)
    if page.number != number:  # past the end: the last page
        offset = (page.number - 1) * PAGE_SIZE
        total, rows = queue.page(request.organisation, held, limit=PAGE_SIZE, offset=offset)
    page.object_list = rows
    return page


@login_required
def invoice_list(request):
    require_ability(request, "payables.view")
    organisation = request.organisation
    status = request.GET.get("status", "")
    mine = request.GET.get("queue") == "mine"
    if mine:
        page = _my_queue_page(request)
    else:
        rows = selectors.invoices(organisation).order_by("due_on", "id")
        if status in Status.values:
            rows = rows.filter(status=status)
        page = ListPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "invoices": page.object_list,
        "status": status,
        "mine": mine,
        "statuses": Status.choices,
        "today": timezone.localdate(),
    }
    return render(request, "payables/invoice_list.html", context)


@login_required
def invoice_upload(request):
    require_ability(request, "payables.intake")
    organisation = request.organisation
    form = UploadForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.invoice_from_file(
                organisation=organisation,
                actor=request.user,
                upload=form.cleaned_data["file"],
                received_on=form.cleaned_data["received_on"],
                budget=form.cleaned_data["budget"],
            )
        except NotAnEInvoice as error:
            messages.info(request, str(error))
            return redirect("payables:invoice_key")
        except (InvoiceFileError, services.InvoiceRefused) as error:
            form.add_error("file", str(error))
        else:
            messages.success(
                request, _("Invoice %(number)s read and recorded.") % {"number": invoice.number}
            )
            return redirect("payables:invoice_detail", pk=invoice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "payables/invoice_upload.html", {"form": form}, status=status)


@login_required
def invoice_key(request):
    require_ability(request, "payables.intake")
    organisation = request.organisation
    form = KeyedInvoiceForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.NewInvoice(
            supplier=data["supplier"],
            number=data["number"].strip(),
            source="keyed",
            issue_date=data["issue_date"],
            received_on=data["received_on"],
            stated_due_on=data["stated_due_on"],
            net_cents=data["net_cents"],
            vat_cents=data["vat_cents"],
            gross_cents=data["gross_cents"],
            order_reference=data["order_reference"].strip(),
            budget=data["budget"],
        )
        upload = data.get("file")
        try:
            invoice = services.invoice_create(
                organisation=organisation,
                actor=request.user,
                data=new,
                file=upload,
                original_name=upload.name if upload else "",
            )
        except services.InvoiceRefused as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request, _("Invoice %(number)s recorded.") % {"number": invoice.number}
            )
            return redirect("payables:invoice_detail", pk=invoice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "payables/invoice_key.html", {"form": form}, status=status)


def _get_invoice(request, pk, ability="payables.view"):
    return get_for_request(
        request, selectors.invoices(request.organisation), ability=ability, pk=pk
    )


@login_required
def invoice_detail(request, pk):
    invoice = _get_invoice(request, pk)
    held = _held_levels(request) if request.abilities.get("payables.approve") else {}
    approvals_done = list(invoice.approvals.select_related("actor", "on_behalf_of"))
    holds_level = invoice.status == Status.PENDING and invoice.next_level in held
    decided_before = any(a.actor_id == request.user.pk for a in approvals_done)
    can_decide = holds_level and not decided_before
    context = {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "approvals": approvals_done,
        "levels": [(level, Level(level).label) for level in invoice.levels],
        "can_decide": can_decide,
        # Four eyes: holding the awaited level (in one's role or by delegation) is not enough
        # for whoever approved an earlier level; the page says so instead of hiding the buttons.
        "second_person_needed": holds_level and decided_before,
        "on_behalf_of": held.get(invoice.next_level) if can_decide else None,
        "reject_form": RejectForm(),
        "late": invoice.status not in (Status.PAID, Status.REJECTED)
        and invoice.due_on < timezone.localdate(),
    }
    return render(request, "payables/invoice_detail.html", context)


@login_required
@require_POST
def invoice_approve(request, pk):
    invoice = _get_invoice(request, pk, ability="payables.approve")
    try:
        invoice = approvals.invoice_approve(
            organisation=request.organisation, actor=request.user, invoice=invoice
        )
    except approvals.ApprovalRefused as error:
        messages.error(request, str(error))
    else:
        if invoice.status == Status.PENDING and invoice.next_level:
            messages.success(
                request,
                _("Step approved for invoice %(number)s, awaiting the %(level)s level's approval.")
                % {"number": invoice.number, "level": invoice.get_next_level_display()},
            )
        else:
            messages.success(
                request, _("Invoice %(number)s approved.") % {"number": invoice.number}
            )
    return redirect("payables:invoice_detail", pk=pk)


@login_required
@require_POST
def invoice_reject(request, pk):
    invoice = _get_invoice(request, pk, ability="payables.approve")
    form = RejectForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        approvals.invoice_reject(
            organisation=request.organisation, actor=request.user, invoice=invoice, reason=reason
        )
    except approvals.ApprovalRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invoice %(number)s rejected.") % {"number": invoice.number})
    return redirect("payables:invoice_detail", pk=pk)


@login_required
@require_POST
def invoice_recheck(request, pk):
    invoice = _get_invoice(request, pk)
    if not (request.abilities.get("payables.intake") or request.abilities.get("payables.approve")):
        require_ability(request, "payables.intake")
    invoice = services.invoice_recheck(
        organisation=request.organisation, actor=request.user, invoice=invoice
    )
    if invoice.status == Status.HELD:
        messages.warning(request, _("Still held: %(reason)s.") % {"reason": invoice.hold_reason})
    else:
        messages.success(request, _("Nothing holds the invoice any more: it awaits approval."))
    return redirect("payables:invoice_detail", pk=pk)


@login_required
def invoice_file(request, pk):
    invoice = _get_invoice(request, pk)
    if not invoice.file:
        return redirect("payables:invoice_detail", pk=pk)
    content_type = "application/pdf" if invoice.file.name.endswith(".pdf") else "application/xml"
    with invoice.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="facture-{invoice.pk}.{invoice.file.name.rsplit(".", 1)[-1]}"'
    )
    return response


@login_required
def supplier_list(request):
    require_ability(request, "payables.view")
    context = {
        "suppliers": selectors.suppliers(request.organisation),
        "can_edit": request.abilities.get("payables.suppliers"),
    }
    return render(request, "payables/supplier_list.html", context)


def _supplier_edit(request, supplier):
    form = SupplierForm(request.POST or None, instance=supplier, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.supplier_save(organisation=request.organisation, actor=request.user, form=form)
        messages.success(request, _("Supplier saved."))
        return redirect("payables:supplier_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "payables/supplier_form.html", {"form": form, "supplier": supplier}, status=status
    )


@login_required
def supplier_create(request):
    require_ability(request, "payables.suppliers")
    return _supplier_edit(request, Supplier(organisation=request.organisation))


@login_required
def supplier_edit(request, pk):
    supplier = get_for_request(request, Supplier.objects.all(), ability="payables.suppliers", pk=pk)
    return _supplier_edit(request, supplier)


@login_required
def budget_list(request):
    """Budget lines with what approved, in-payment and paid invoices consume of them."""
    require_ability(request, "payables.budgets")
    year = request.GET.get("year", "")
    lines = list(selectors.budgets(request.organisation, int(year) if year.isdigit() else None))
    for line in lines:
        line.left_cents = line.amount_cents - line.committed_cents
        line.over_cents = max(-line.left_cents, 0)
        line.percent = round(100 * line.committed_cents / line.amount_cents)
    years = sorted({line.year for line in lines}, reverse=True) if not year else []
    context = {"lines": lines, "year": year, "years": years}
    return render(request, "payables/budget_list.html", context)


def _budget_edit(request, budget):
    form = BudgetForm(request.POST or None, instance=budget, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.budget_save(organisation=request.organisation, actor=request.user, form=form)
        messages.success(request, _("Budget line saved."))
        return redirect("payables:budget_list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "budget": budget}
    return render(request, "payables/budget_form.html", context, status=status)


@login_required
def budget_create(request):
    require_ability(request, "payables.budgets")
    return _budget_edit(request, Budget(organisation=request.organisation))


@login_required
def budget_edit(request, pk):
    budget = get_for_request(request, Budget.objects.all(), ability="payables.budgets", pk=pk)
    return _budget_edit(request, budget)


@login_required
def delegation_list(request):
    require_ability(request, "payables.approve")
    organisation = request.organisation
    is_director = request.membership.role == Level.DIRECTOR
    form = DelegationForm(
        request.POST or None, organisation=organisation, user=request.user, is_director=is_director
    )
    if request.method == "POST" and form.is_valid():
        try:
            approvals.delegation_create(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except approvals.ApprovalRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delegation recorded."))
            return redirect("payables:delegation_list")
    rows = Delegation.objects.for_organisation(organisation).select_related("delegator", "delegate")
    if not is_director:
        rows = rows.filter(delegator=request.user) | rows.filter(delegate=request.user)
    context = {
        "form": form,
        "delegations": rows.order_by("-starts_on", "-id")[:100],
        "today": timezone.localdate(),
    }
    return render(
        request, "payables/delegation_list.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def delegation_revoke(request, pk):
    delegation = get_for_request(
        request, Delegation.objects.all(), ability="payables.approve", pk=pk
    )
    try:
        approvals.delegation_revoke(
            organisation=request.organisation, actor=request.user, delegation=delegation
        )
    except approvals.ApprovalRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Delegation ended."))
    return redirect("payables:delegation_list")


@login_required
def payment_run_list(request):
    require_ability(request, "payables.pay")
    organisation = request.organisation
    form = PaymentRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = payments.payment_run_create(
                organisation=organisation,
                actor=request.user,
                execution_date=form.cleaned_data["execution_date"],
                due_by=form.cleaned_data["due_by"],
            )
        except payments.PaymentRunRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Payment run made: %(count)s invoices.") % {"count": run.invoice_count}
            )
            return redirect("payables:payment_run_detail", pk=run.pk)
    context = {
        "form": form,
        "runs": PaymentRun.objects.for_organisation(organisation).defer("xml")[:50],
        "payable_count": payments.payable(
            organisation, timezone.localdate() + dt.timedelta(days=7)
        ).count(),
    }
    return render(
        request, "payables/payment_run_list.html", context, status=400 if form.errors else 200
    )


@login_required
def payment_run_detail(request, pk):
    run = get_for_request(request, PaymentRun.objects.defer("xml"), ability="payables.pay", pk=pk)
    invoices = list(payments.payable_in(run))
    late = payments.paid_late(run, invoices, selectors.settings_for(request.organisation))
    return render(
        request,
        "payables/payment_run_detail.html",
        {
            "run": run,
            "invoices": invoices,
            "late": late,
            "late_total_cents": sum(row.late.total_cents for row in late),
        },
    )


@login_required
def payment_run_file(request, pk):
    run = get_for_request(request, PaymentRun.objects.all(), ability="payables.pay", pk=pk)
    audit.record(
        action="payment_run.downloaded",
        organisation=request.organisation,
        actor=request.user,
        obj=run,
    )
    response = HttpResponse(run.xml.encode(), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="virements-{run.message_id}.xml"'
    return response


@login_required
def statement_import(request):
    require_ability(request, "payables.pay")
    form = StatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = payments.statement_import(
                organisation=request.organisation,
                actor=request.user,
                data=upload.read(),
                filename=upload.name,
            )
        except StatementError as error:
            form.add_error("file", str(error))
    status = 400 if form.errors else 200
    return render(
        request, "payables/statement_import.html", {"form": form, "result": result}, status=status
    )


@login_required
def dashboard(request):
    require_ability(request, "payables.dashboard")
    organisation = request.organisation
    today = timezone.localdate()
    since = today - dt.timedelta(days=365)
    waiting = selectors.waiting_per_level(organisation)
    approvers = selectors.approvers_today(organisation, today)
    context = {
        "figures": selectors.amounts_by_status(organisation, today),
        "waiting": [
            (label, waiting.get(level, {"count": 0, "cents": 0}), approvers[level])
            for level, label in Level.choices
        ],
        "overall": selectors.payment_delay_overall(organisation, since),
        "by_supplier": selectors.payment_delay_by_supplier(organisation, since),
        "conf": selectors.settings_for(organisation),
    }
    return render(request, "payables/dashboard.html", context)


@login_required
def settings_edit(request):
    require_ability(request, "payables.configure")
    organisation = request.organisation
    form = SettingsForm(request.POST or None, instance=selectors.settings_for(organisation))
    if request.method == "POST" and form.is_valid():
        services.settings_save(organisation=organisation, actor=request.user, form=form)
        messages.success(request, _("Payables settings saved."))
        return redirect("payables:settings")
    return render(
        request, "payables/settings.html", {"form": form}, status=400 if form.errors else 200
    )
