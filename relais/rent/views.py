"""Rent pages: the run (preview, commit, progress), notices and receipts, the direct-debit
file, payments and statements, a lease's account, arrears, plans, the dashboard, settings.

Views resolve the organisation and abilities, call a service, and render the page (or its
partial for htmx). Refusals of a service come back as messages naming the field."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.pagination import ListPaginator
from relais.core.selectors import current_crisis_state
from relais.core.tenancy import get_for_request, require_ability
from relais.housing.models import Lease

from . import collection, mandate_form, notices, payments, run, selectors, services, terms
from .forms import (
    DirectDebitForm,
    MandateForm,
    MatchForm,
    MonthForm,
    PaymentForm,
    PlanForm,
    SettingsForm,
    StatementForm,
    StepForm,
    TermsForm,
)
from .models import CollectionStep, Payment, PaymentPlan, RentCall, RentRun
from .rules import AGE_BANDS
from .sepa import direct_debit_file


def _page(request, template: str, partial: str) -> str:
    return f"{template}#{partial}" if request.htmx else template


def _refusal(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _lease_by_reference(request, reference: str) -> Lease | None:
    return (
        Lease.objects.for_organisation(request.organisation)
        .filter(reference__iexact=reference.strip())
        .first()
    )


# The run -------------------------------------------------------------------------------------


@login_required
def runs(request):
    """The month's preview (totals by agency and residence) and the runs done."""
    require_ability(request, "rent.run")
    form = MonthForm(request.GET or None)
    preview = None
    month = None
    if form.is_valid():
        month = form.cleaned_data["month"]
        preview = run.preview(request.organisation, month)
    context = {
        "form": form,
        "preview": preview,
        "month": month,
        "runs": RentRun.objects.for_organisation(request.organisation)[:12],
        "dd_form": DirectDebitForm(prefix="dd"),
    }
    return render(request, "rent/runs.html", context)


@login_required
@require_POST
def run_start(request):
    require_ability(request, "rent.run")
    form = MonthForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a month."))
        return redirect("rent:runs")
    started = run.rent_run_start(
        organisation=request.organisation, actor=request.user, month=form.cleaned_data["month"]
    )
    return redirect("rent:run", started.pk)


@login_required
def run_detail(request, pk):
    """Progress of a run (htmx polls the ``run`` partial), then its totals."""
    found = get_for_request(request, RentRun.objects.all(), ability="rent.run", pk=pk)
    context = {"run": found, "preview": None}
    if found.status == "done":
        context["preview"] = run.preview(request.organisation, found.month)
    return render(request, _page(request, "rent/run.html", "run"), context)


@login_required
def notices_zip(request, pk):
    """The run's month: one PDF notice per call, in a ZIP."""
    found = get_for_request(request, RentRun.objects.all(), ability="rent.run", pk=pk)
    calls = notices.calls_for_print(
        RentCall.objects.for_organisation(request.organisation).filter(month=found.month)
    )
    data = notices.batch_zip(request.organisation, calls)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="avis-{found.month:%Y-%m}.zip"'
    return response


@login_required
@require_POST
def notices_email(request, pk):
    found = get_for_request(request, RentRun.objects.all(), ability="rent.run", pk=pk)
    count = services.notices_email(
        organisation=request.organisation, actor=request.user, month=found.month
    )
    messages.success(request, _("%(count)s notices queued by e-mail.") % {"count": count})
    return redirect("rent:run", found.pk)


def _call_pdf(request, pk, kind):
    call = get_for_request(
        request, notices.calls_for_print(RentCall.objects.all()), ability="rent.view", pk=pk
    )
    if kind == "receipt" and call.paid_cents < call.amount_cents:
        raise Http404
    pdf = notices.render_batch(request.organisation, [call], kind)
    name = "avis" if kind == "notice" else "quittance"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{name}-{call.lease.reference}-{call.month:%Y-%m}.pdf"'
    )
    return response


@login_required
def call_notice(request, pk):
    return _call_pdf(request, pk, "notice")


@login_required
def call_receipt(request, pk):
    """A receipt (quittance) only for a month fully paid (404 otherwise)."""
    return _call_pdf(request, pk, "receipt")


@login_required
@require_POST
def direct_debit(request):
    require_ability(request, "rent.run")
    form = DirectDebitForm(request.POST, prefix="dd")
    if not form.is_valid():
        messages.error(request, _("Choose a month and a collection date."))
        return redirect("rent:runs")
    try:
        xml = direct_debit_file(
            organisation=request.organisation,
            actor=request.user,
            month=form.cleaned_data["month"],
            collect_on=form.cleaned_data["collect_on"],
        )
    except ValidationError as error:
        _refusal(request, error)
        return redirect("rent:runs")
    response = HttpResponse(xml, content_type="application/xml")
    month = form.cleaned_data["month"]
    response["Content-Disposition"] = f'attachment; filename="prelevements-{month:%Y-%m}.xml"'
    return response


# Payments ------------------------------------------------------------------------------------


@login_required
def payments_list(request):
    require_ability(request, "rent.view")
    reference = request.GET.get("lease", "").strip()
    if reference:
        lease = _lease_by_reference(request, reference)
        if lease is not None:
            return redirect("rent:lease", lease.pk)
        messages.error(request, _("No lease has the reference “%(ref)s”.") % {"ref": reference})
    queryset = (
        Payment.objects.for_organisation(request.organisation)
        .select_related("lease__household")
        .order_by("-received_on", "-pk")
    )
    page = ListPaginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "rent/payments.html", {"page": page})


@login_required
def payment_new(request):
    require_ability(request, "payment.record")
    form = PaymentForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        lease = _lease_by_reference(request, form.cleaned_data["lease"])
        if lease is None:
            form.add_error("lease", _("No lease has this reference."))
        else:
            try:
                payments.payment_record(
                    organisation=request.organisation,
                    actor=request.user,
                    lease=lease,
                    amount_cents=form.cleaned_data["amount"],
                    received_on=form.cleaned_data["received_on"],
                    method=form.cleaned_data["method"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as error:
                _refusal(request, error)
            else:
                messages.success(request, _("Payment recorded."))
                return redirect("rent:lease", lease.pk)
    return render(
        request, "rent/payment_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def statement_import(request):
    require_ability(request, "payment.record")
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            statement = payments.statement_import(
                organisation=request.organisation,
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
            )
        except ValidationError as error:
            for text in error.messages:
                form.add_error("file", text)
        else:
            messages.success(
                request,
                _("%(lines)s payments imported, %(matched)s matched to their lease.")
                % {"lines": statement.lines, "matched": statement.matched},
            )
            return redirect("rent:unmatched")
    return render(
        request, "rent/statement_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def unmatched(request):
    require_ability(request, "rent.view")
    page = ListPaginator(selectors.unmatched(request.organisation), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "rent/unmatched.html", {"page": page, "form": MatchForm()})


@login_required
@require_POST
def payment_match(request, pk):
    payment = get_for_request(request, Payment.objects.all(), ability="payment.record", pk=pk)
    form = MatchForm(request.POST)
    lease = _lease_by_reference(request, request.POST.get("lease", "")) if form.is_valid() else None
    if lease is None:
        messages.error(request, _("No lease has this reference."))
        return redirect("rent:unmatched")
    try:
        payments.payment_match(
            organisation=request.organisation, actor=request.user, payment=payment, lease=lease
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Payment matched to lease %(ref)s.") % {"ref": lease.reference})
    return redirect("rent:unmatched")


# A lease's account, arrears and plans --------------------------------------------------------


@login_required
def lease_account(request, pk):
    """The tenant's ledger and balance, steps, plans and mandates (the APL column only with
    ``lease.view_benefit``)."""
    lease = get_for_request(
        request, Lease.objects.select_related("household", "dwelling"), ability="rent.view", pk=pk
    )
    lines = selectors.ledger(lease)
    context = {
        "lease": lease,
        "lines": lines,
        "balance": lines[-1].balance_cents if lines else 0,
        "steps": lease.collection_steps.all()[:20],
        "plans": lease.payment_plans.all(),
        "mandates": lease.mandates.all(),
        "step_form": StepForm(initial={"on": timezone.localdate()}),
        "plan_form": PlanForm(initial={"instalments": 6}),
        "mandate_form": MandateForm(),
    }
    return render(request, "rent/lease.html", context)


def _lease_post(request, pk, ability):
    return get_for_request(request, Lease.objects.all(), ability=ability, pk=pk)


@login_required
@require_POST
def step_record(request, pk):
    lease = _lease_post(request, pk, "collection.manage")
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step and a date."))
        return redirect("rent:lease", lease.pk)
    try:
        collection.step_record(
            organisation=request.organisation,
            actor=request.user,
            lease=lease,
            kind=form.cleaned_data["kind"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Step recorded."))
    return redirect("rent:lease", lease.pk)


@login_required
@require_POST
def plan_create(request, pk):
    lease = _lease_post(request, pk, "collection.manage")
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the number of instalments and the first date."))
        return redirect("rent:lease", lease.pk)
    try:
        plan = collection.plan_create(
            organisation=request.organisation,
            actor=request.user,
            lease=lease,
            instalments=form.cleaned_data["instalments"],
            first_due=form.cleaned_data["first_due"],
        )
    except ValidationError as error:
        _refusal(request, error)
        return redirect("rent:lease", lease.pk)
    messages.success(request, _("Payment plan agreed."))
    return redirect("rent:plan", plan.pk)


@login_required
@require_POST
def mandate_create(request, pk):
    lease = _lease_post(request, pk, "payment.record")
    form = MandateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in every field of the mandate."))
        return redirect("rent:lease", lease.pk)
    try:
        services.mandate_create(
            organisation=request.organisation,
            actor=request.user,
            lease=lease,
            **form.cleaned_data,
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Mandate recorded."))
    return redirect("rent:lease", lease.pk)


@login_required
def steps(request):
    require_ability(request, "rent.view")
    page = ListPaginator(selectors.steps_to_do(request.organisation), 50).get_page(
        request.GET.get("page")
    )
    suspended = current_crisis_state(request.organisation).dunning_suspended
    return render(request, "rent/steps.html", {"page": page, "suspended": suspended})


@login_required
@require_POST
def step_done(request, pk):
    step = get_for_request(
        request, CollectionStep.objects.all(), ability="collection.manage", pk=pk
    )
    collection.step_done(organisation=request.organisation, actor=request.user, step=step)
    messages.success(request, _("Step marked as done."))
    return redirect("rent:steps")


@login_required
def plans(request):
    require_ability(request, "rent.view")
    queryset = (
        PaymentPlan.objects.for_organisation(request.organisation)
        .select_related("lease__household")
        .order_by("-created_on", "-pk")
    )
    page = ListPaginator(queryset, 50).get_page(request.GET.get("page"))
    missed = set(selectors.plans_with_missed(request.organisation).values_list("pk", flat=True))
    return render(request, "rent/plans.html", {"page": page, "missed": missed})


@login_required
def plan_detail(request, pk):
    plan = get_for_request(
        request, PaymentPlan.objects.select_related("lease__household"), ability="rent.view", pk=pk
    )
    today = timezone.localdate()
    states = collection.plan_states(plan)
    late = {s.due_on for s in collection.rules.missed(states, today)}
    rows = [(s, s.due_on in late) for s in states]
    return render(request, "rent/plan.html", {"plan": plan, "rows": rows})


# Cash payers, dashboard, settings ------------------------------------------------------------


@login_required
def cash_payers(request):
    require_ability(request, "collection.manage")
    since = timezone.localdate() - dt.timedelta(days=365)
    leases = selectors.cash_payers(request.organisation, since)
    if request.method == "POST":
        result = services.channels_offer(
            organisation=request.organisation, actor=request.user, leases=list(leases)
        )
        messages.success(
            request,
            _("%(sent)s households told by e-mail or text message; %(letters)s to write to.")
            % {"sent": result["sent"], "letters": len(result["to_write"])},
        )
        return redirect("rent:cash_payers")
    page = ListPaginator(leases, 50).get_page(request.GET.get("page"))
    return render(request, "rent/cash_payers.html", {"page": page})


MANDATES_PER_PDF = 50  # one page of the cash payers' list: a PDF in a second or two


def _mandate_pdf(request, leases, *, with_letter: bool, filename: str):
    leases = list(leases)
    try:
        pdf = mandate_form.render(request.organisation, leases, with_letter=with_letter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rent:cash_payers")
    audit.record(
        action="rent.mandate_forms_printed",
        organisation=request.organisation,
        actor=request.user,
        changes={"leases": len(leases), "with_letter": with_letter},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def cash_payer_mandate(request, pk):
    """One lease's SEPA mandate form (PDF), its reference filled in; ``?courrier=1`` puts
    the letter offering other ways to pay before it."""
    require_ability(request, "collection.manage")
    lease = get_for_request(request, mandate_form.leases_for_print(Lease.objects), pk=pk)
    return _mandate_pdf(
        request, [lease], with_letter=bool(request.GET.get("courrier")),
        filename=mandate_form.filename(lease),
    )  # fmt: skip


@login_required
def cash_payers_mandates(request):
    """The mandate forms of one page of the cash payers' list (``?page=``); with
    ``?courrier=1``, only the households to write to (no usable e-mail or mobile), each
    letter followed by its mandate form, for the printer."""
    require_ability(request, "collection.manage")
    since = timezone.localdate() - dt.timedelta(days=365)
    leases = mandate_form.leases_for_print(selectors.cash_payers(request.organisation, since))
    with_letter = bool(request.GET.get("courrier"))
    if with_letter:
        leases = selectors.without_e_channel(leases)
    page = ListPaginator(leases, MANDATES_PER_PDF).get_page(request.GET.get("page"))
    if not page.object_list:
        messages.info(request, _("Nobody to print a mandate form for."))
        return redirect("rent:cash_payers")
    name = "courriers-mandats" if with_letter else "mandats-sepa"
    return _mandate_pdf(
        request, page.object_list, with_letter=with_letter,
        filename=f"{name}-{page.number}.pdf",
    )  # fmt: skip


AGE_LABELS = {
    "lt1": _("less than a month"),
    "1to3": _("1 to 3 months"),
    "3to6": _("3 to 6 months"),
    "6to12": _("6 to 12 months"),
    "ge12": _("a year or more"),
}


@login_required
def dashboard(request):
    """Collection rate by month and agency, arrears by age band (bars drawn in SVG)."""
    require_ability(request, "rent.dashboard")
    today = timezone.localdate()
    months = selectors.rate_table(selectors.collection_by_month(request.organisation, 12, today))
    ages = selectors.arrears_by_age(request.organisation, today)
    top = max((a["cents"] for a in ages.values()), default=0) or 1
    age_rows = [
        {"label": str(AGE_LABELS[b]), **ages[b], "width": 100 * ages[b]["cents"] / top, "y": i * 28}
        for i, b in enumerate(AGE_BANDS)
    ]
    rate_rows = [
        {
            **m,
            "label": notices.month_fr(m["month"]),
            "width": 100 * (m["rate"] or 0),
            "y": i * 28,
            "percent": "—"
            if m["rate"] is None
            else f"{round(m['rate'] * 100, 1)} %".replace(".", ","),
        }
        for i, m in enumerate(months)
    ]
    context = {
        "rates": rate_rows,
        "rates_height": max(len(rate_rows), 1) * 28,
        "ages": age_rows,
        "ages_height": len(age_rows) * 28,
    }
    return render(request, "rent/dashboard.html", context)


@login_required
def dashboard_csv(request):
    """The collection by month and agency as CSV (semicolons, euros with a comma)."""
    require_ability(request, "rent.dashboard")
    rows = selectors.collection_by_month(request.organisation, 12, timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recouvrement.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["mois", "agence", "appelé", "encaissé", "taux"])
    for row in rows:
        due, paid = row["due_cents"], row["paid_cents"]
        writer.writerow(
            [
                f"{row['month']:%Y-%m}",
                row["agency"],
                f"{due / 100:.2f}".replace(".", ","),
                f"{paid / 100:.2f}".replace(".", ","),
                f"{paid / due * 100:.1f}".replace(".", ",") if due else "",
            ]
        )
    return response


@login_required
def arrears_csv(request):
    """Arrears by age band as CSV: band, leases, amount (euros with a comma)."""
    require_ability(request, "rent.dashboard")
    ages = selectors.arrears_by_age(request.organisation, timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="impayes-par-anciennete.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["ancienneté", "baux", "montant"])
    for band in AGE_BANDS:
        cents = ages[band]["cents"]
        writer.writerow(
            [str(AGE_LABELS[band]), ages[band]["leases"], f"{cents / 100:.2f}".replace(".", ",")]
        )
    return response


# The form's fields (euros) ← the service's (cents), to put errors where they belong.
TERMS_FIELDS = {
    "valid_from": "valid_from",
    "rent_cents": "rent",
    "charges_cents": "charges",
    "benefit_cents": "benefit",
    "rls_cents": "rls",
}


@login_required
def lease_terms(request, pk):
    """The lease's rent terms (dated amounts the run calls) and a form for new ones; the APL
    only with ``lease.view_benefit``."""
    lease = get_for_request(
        request, Lease.objects.select_related("household"), ability="rent.configure", pk=pk
    )
    show_benefit = bool(request.abilities.get("lease.view_benefit"))
    form = TermsForm(
        request.POST or None,
        show_benefit=show_benefit,
        first_open=terms.first_open(lease, timezone.localdate()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            terms.rent_terms_save(
                organisation=request.organisation, actor=request.user, lease=lease,
                **form.amounts(),
            )  # fmt: skip
        except ValidationError as error:
            for field, found in error.message_dict.items():
                name = TERMS_FIELDS.get(field)
                form.add_error(name if name in form.fields else None, found)
        else:
            messages.success(request, _("Rent terms saved."))
            return redirect("rent:terms", lease.pk)
    rows = terms.terms_of(lease)
    context = {
        "lease": lease,
        "rows": rows,
        "current": terms.current_terms(lease, rows, timezone.localdate()),
        "form": form,
        "show_benefit": show_benefit,
    }
    return render(request, "rent/terms.html", context, status=400 if form.errors else 200)


@login_required
def settings_edit(request):
    require_ability(request, "rent.configure")
    current = services.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            organisation=request.organisation,
            actor=request.user,
            values={name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, _("Settings saved."))
        return redirect("rent:settings")
    return render(request, "rent/settings.html", {"form": form}, status=400 if form.errors else 200)
