"""Staff pages of work sites: the list by status, a site with its companies, checklist and
gate links, the access log, the organisation's protocol, and the federation's counts."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.qr import qr_svg
from relais.core.tenancy import get_for_request, require_ability

from . import gate, selectors, services
from .forms import AnswerForm, CompanyForm, StopForm, WorkSiteForm
from .models import ChecklistItem, GateLink, ProtocolItemTemplate, SiteCompany, SiteStatus, WorkSite

VIEW, EDIT = "worksite.view", "worksite.edit"


def _site(request, pk, ability=VIEW):
    return get_for_request(request, WorkSite.objects.all(), ability=ability, pk=pk)


@login_required
def site_list(request):
    require_ability(request, VIEW)
    status = request.GET.get("statut", "")
    if status not in SiteStatus.values:
        status = ""
    counts = selectors.status_counts(request.organisation)
    context = {
        "sites": selectors.site_list(request.organisation, status),
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in SiteStatus.choices],
        "total": sum(counts.values()),
        "can_edit": request.abilities.get(EDIT),
    }
    return render(request, "worksites/list.html", context)


def _edit(request, site):
    data = request.POST if request.method == "POST" else None
    form = WorkSiteForm(data, instance=site, organisation=request.organisation)
    if data is not None and form.is_valid():
        if site.pk:
            site = services.site_update(
                actor=request.user, site=form.save(commit=False), changed=form.changed_data
            )
        else:
            site = services.site_create(
                organisation=request.organisation, actor=request.user, site=form.save(commit=False)
            )
        messages.success(request, _("Work site saved."))
        return redirect("worksites:site_detail", site.pk)
    status = 400 if data is not None else 200
    return render(request, "worksites/form.html", {"form": form, "site": site}, status=status)


@login_required
def site_create(request):
    require_ability(request, EDIT)
    return _edit(request, WorkSite(organisation=request.organisation))


@login_required
def site_edit(request, pk):
    return _edit(request, _site(request, pk, EDIT))


@login_required
def site_detail(request, pk):
    site = _site(request, pk)
    checklist = list(site.checklist.select_related("answered_by"))
    can_edit = request.abilities.get(EDIT)
    context = {
        "site": site,
        "companies": site.companies.all(),
        "checklist": [
            (item, AnswerForm(item=item, prefix=f"item{item.pk}") if can_edit else None)
            for item in checklist
        ],
        "mandatory_open": sum(1 for i in checklist if i.mandatory and not i.is_done),
        "mandatory_total": sum(1 for i in checklist if i.mandatory),
        "links": site.gate_links.order_by("-created_at")[:5],
        "stoppages": site.stoppages.select_related("restart_signed_by"),
        "now": timezone.now(),
        "can_edit": can_edit,
        "can_sign": request.abilities.get("worksite.sign_restart"),
        "can_log": request.abilities.get("worksite.view_access"),
        "stop_form": StopForm(initial={"stopped_on": timezone.localdate()}),
        "to_restart": site.status in (SiteStatus.STOPPED, SiteStatus.PREPARING_RESTART),
        "can_stop": site.status in (SiteStatus.RUNNING, SiteStatus.RESTARTED, SiteStatus.PREPARING),
        "today": timezone.localdate(),
    }
    return render(request, "worksites/detail.html", context)


def _company(request, site, company):
    data = request.POST if request.method == "POST" else None
    form = CompanyForm(data, instance=company)
    if data is not None and form.is_valid():
        services.company_save(
            actor=request.user, company=form.save(commit=False), created=company.pk is None
        )
        messages.success(request, _("Company saved."))
        return redirect("worksites:site_detail", site.pk)
    context = {"form": form, "site": site, "company": company}
    return render(request, "worksites/company_form.html", context, status=400 if data else 200)


@login_required
def company_add(request, pk):
    site = _site(request, pk, EDIT)
    return _company(request, site, SiteCompany(site=site, organisation=site.organisation))


@login_required
def company_edit(request, pk):
    company = get_for_request(
        request, SiteCompany.objects.select_related("site"), ability=EDIT, pk=pk
    )
    return _company(request, company.site, company)


@login_required
@require_POST
def measure_answer(request, pk):
    item = get_for_request(
        request, ChecklistItem.objects.select_related("site"), ability=EDIT, pk=pk
    )
    form = AnswerForm(request.POST, request.FILES, item=item, prefix=f"item{item.pk}")
    back = reverse("worksites:site_detail", args=[item.site_id]) + f"#item-{item.pk}"
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[n].label}: {' '.join(e)}" for n, e in form.errors.items())
        messages.error(
            request,
            _("“%(item)s” not recorded — %(errors)s") % {"item": item.text, "errors": errors},
        )
        return redirect("worksites:site_detail", item.site_id)  # the message shows at the top
    try:
        services.checklist_answer(
            actor=request.user,
            item=item,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            upload=form.cleaned_data.get("evidence"),
        )
    except ValidationError as error:
        messages.error(
            request,
            _("“%(item)s” not recorded — %(errors)s")
            % {"item": item.text, "errors": " ".join(error.messages)},
        )
        return redirect("worksites:site_detail", item.site_id)
    messages.success(request, _("“%(item)s” recorded as done.") % {"item": item.text})
    return redirect(back)


@login_required
@require_POST
def measure_reopen(request, pk):
    item = get_for_request(
        request, ChecklistItem.objects.select_related("site"), ability=EDIT, pk=pk
    )
    services.checklist_reopen(actor=request.user, item=item)
    messages.success(request, _("“%(item)s” is open again.") % {"item": item.text})
    return redirect(reverse("worksites:site_detail", args=[item.site_id]) + f"#item-{item.pk}")


@login_required
def evidence_download(request, pk):
    item = get_for_request(
        request, ChecklistItem.objects.select_related("site"), ability=VIEW, pk=pk
    )
    if not item.evidence_file:
        raise Http404
    name = item.evidence_name or item.evidence_file.name.rsplit("/", 1)[-1]
    return FileResponse(item.evidence_file.open("rb"), filename=name)


@login_required
@require_POST
def site_stop(request, pk):
    site = _site(request, pk, EDIT)
    form = StopForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the site stopped."))
        return redirect("worksites:site_detail", site.pk)
    try:
        services.site_stop(
            actor=request.user,
            site=site,
            on=form.cleaned_data["stopped_on"],
            note=form.cleaned_data["note"],
        )
    except (services.RestartRefused, ValidationError) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    else:
        messages.success(request, _("The site is stopped."))
    return redirect("worksites:site_detail", site.pk)


def _dated_step(request, pk, step, done_message):
    """Start or complete a site on the date posted (today when none)."""
    site = _site(request, pk, EDIT)
    try:
        on = dt.date.fromisoformat(request.POST.get("on") or timezone.localdate().isoformat())
        step(actor=request.user, site=site, on=on)
    except ValueError:
        messages.error(request, _("Give a date."))
    except (services.RestartRefused, ValidationError) as refusal:
        messages.error(request, " ".join(getattr(refusal, "messages", [str(refusal)])))
    else:
        messages.success(request, done_message)
    return redirect("worksites:site_detail", site.pk)


@login_required
@require_POST
def site_start(request, pk):
    return _dated_step(request, pk, services.site_start, _("The site has started."))


@login_required
@require_POST
def site_complete(request, pk):
    return _dated_step(request, pk, services.site_complete, _("The site is completed."))


@login_required
@require_POST
def restart_prepare(request, pk):
    site = _site(request, pk, EDIT)
    try:
        services.prepare_restart(actor=request.user, site=site)
    except services.RestartRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("worksites:site_detail", site.pk)


@login_required
@require_POST
def restart_sign(request, pk):
    site = _site(request, pk, "worksite.sign_restart")
    try:
        services.restart_sign(actor=request.user, site=site)
    except services.RestartRefused as refusal:
        open_items = ", ".join(item.text for item in refusal.open_items)
        messages.error(request, f"{refusal} {open_items}".strip())
        return redirect("worksites:site_detail", site.pk)
    messages.success(request, _("Restart signed: the site may start again."))
    return redirect("worksites:site_detail", site.pk)


@login_required
@require_POST
def gate_link_create(request, pk):
    site = _site(request, pk, EDIT)
    link, token = services.gate_link_create(actor=request.user, site=site)
    request.session[gate.session_key(link)] = token
    return redirect("worksites:gate_poster", link.pk)


@login_required
def gate_poster(request, pk):
    """The poster for the gate: the link's QR code, shown to the person who created it (the
    token is kept only in their session, never in the database)."""
    link = get_for_request(request, GateLink.objects.select_related("site"), ability=EDIT, pk=pk)
    token = request.session.get(gate.session_key(link))
    url = request.build_absolute_uri(reverse("worksites:gate", args=[token])) if token else ""
    context = {"link": link, "site": link.site, "url": url, "qr": qr_svg(url) if url else ""}
    return render(request, "worksites/gate_poster.html", context)


@login_required
@require_POST
def gate_link_revoke(request, pk):
    link = get_for_request(request, GateLink.objects.select_related("site"), ability=EDIT, pk=pk)
    services.gate_link_revoke(actor=request.user, link=link)
    messages.success(request, _("The gate link is closed: its QR code no longer opens the form."))
    return redirect("worksites:site_detail", link.site_id)


@login_required
def access_log(request, pk):
    site = _site(request, pk, "worksite.view_access")
    try:
        day = dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        day = timezone.localdate()
    entries = list(selectors.gate_log(site, day))
    # The self-checks are health statements: each reading is recorded.
    audit.record(
        action="worksite.access_log_viewed",
        organisation=site.organisation,
        actor=request.user,
        obj=site,
        changes={"day": day},
    )
    context = {
        "site": site,
        "day": day,
        "entries": entries,
        "admitted": sum(1 for e in entries if e.admitted),
        "refused": sum(1 for e in entries if not e.admitted),
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
    }
    return render(request, "worksites/access_log.html", context)


MeasureFormSet = modelformset_factory(
    ProtocolItemTemplate,
    fields=["order", "text", "guidance", "mandatory", "evidence", "active"],
    extra=1,
)


@login_required
def protocol(request):
    require_ability(request, "worksite.protocol")
    organisation = request.organisation
    services.ensure_default_protocol(organisation)
    queryset = ProtocolItemTemplate.objects.for_organisation(organisation).order_by("order", "pk")
    formset = MeasureFormSet(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        services.protocol_save(organisation=organisation, actor=request.user, formset=formset)
        messages.success(request, _("Protocol saved: new sites will use it."))
        return redirect("worksites:protocol")
    status = 400 if request.method == "POST" else 200
    return render(request, "worksites/protocol.html", {"formset": formset}, status=status)


@login_required
def regional(request):
    require_ability(request, "worksite.regional_counts")
    federation = request.organisation.federation
    rows = selectors.regional_counts(federation) if federation else []
    return render(request, "worksites/regional.html", {"rows": rows, "federation": federation})
