"""Staff pages of outreach: the register, campaigns, the caller's list and screen, needs,
caretakers' visits, the dashboard and the partners. Partners' own pages: ``partner_views``."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from relais.core.pagination import ListPaginator
from relais.core.phones import parse_phone
from relais.core.tenancy import get_for_request, require_ability
from relais.housing.models import Occupant

from . import charts, forms, partner_services, rules, selectors, services
from .models import (
    Call,
    Campaign,
    CampaignStatus,
    Follow,
    Need,
    Partner,
    Referral,
    ReferralStatus,
    RegisterEntry,
)

PAGE_SIZE = 50


@login_required
def register(request):
    require_ability(request, "outreach.view")
    status = request.GET.get("status", "active")
    found = selectors.register(request.organisation, query=request.GET.get("q", ""), status=status)
    page = ListPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": request.GET.get("q", ""), "status": status}
    return render(request, "outreach/register.html", context)


@login_required
def candidates(request):
    require_ability(request, "outreach.view")
    today = timezone.localdate()
    found = selectors.candidates(request.organisation, today)
    page = ListPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for occupant in page.object_list:
        occupant.reasons = rules.criteria(
            birth=occupant.birth_date,
            today=today,
            disabled=occupant.has_disability,
            unfit=False,
            alone=occupant.lives_alone,
        )
        occupant.age = rules.age_on(occupant.birth_date, today)
        occupant.sex = rules.sex_of(occupant)
    query = request.GET.get("q", "").strip()
    found_people = selectors.occupant_search(request.organisation, query)
    for occupant in found_people:
        occupant.age = rules.age_on(occupant.birth_date, today)
    context = {"page": page, "q": query, "found": found_people}
    return render(request, "outreach/candidates.html", context)


@login_required
def entry_create(request, occupant_pk):
    occupant = get_for_request(
        request, Occupant.objects.select_related("household"), "outreach.view", pk=occupant_pk
    )
    age = rules.age_on(occupant.birth_date, timezone.localdate())
    form = forms.EntryForm(request.POST or None, age=age, sex=rules.sex_of(occupant))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        consent = services.Consent(
            by=data["consent_by"],
            on=data["consent_on"],
            third_party_name=data["third_party_name"],
            third_party_relation=data["third_party_relation"],
        )
        try:
            entry = services.entry_register(
                organisation=request.organisation,
                actor=request.user,
                occupant=occupant,
                source=data["source"],
                consent=consent,
                unfit_for_work=data["unfit_for_work"],
                other_phone=data["other_phone"],
                health_note=data["health_note"],
                signal_reason=data["signal_reason"],
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _on_register(occupant))
            return redirect("outreach:entry_detail", pk=entry.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "occupant": occupant, "age": age}
    return render(request, "outreach/entry_form.html", context, status=status)


def _on_register(occupant) -> str:
    """« Mme Moreau est inscrite au registre. », by the person's sex when known."""
    sex = rules.sex_of(occupant)
    if sex == "f":
        return pgettext("woman", "%(name)s is on the register.") % {"name": occupant}
    if sex == "m":
        return pgettext("man", "%(name)s is on the register.") % {"name": occupant}
    return _("%(name)s is on the register.") % {"name": occupant}


@login_required
def entry_detail(request, pk):
    entry = get_for_request(
        request,
        RegisterEntry.objects.select_related(
            "occupant__household", "household", "consent_recorded_by"
        ),
        "outreach.view",
        pk=pk,
    )
    show_health = request.GET.get("notes") == "1" and request.abilities.get("outreach.view_health")
    if show_health:
        services.entry_health_viewed(
            organisation=request.organisation, actor=request.user, entry=entry
        )
    context = {
        "entry": entry,
        "show_health": show_health,
        "calls": selectors.history(entry),
        "leave_form": forms.LeaveForm(),
        "left_reason": selectors.left_reason_label(entry.left_reason),
        "signal_reason": selectors.signal_reason(entry),
        "sex": rules.sex_of(entry.occupant),
        "age": rules.age_on(entry.occupant.birth_date, timezone.localdate()),
        "address": services._address(entry),
        "phones": [o.phone.as_e164 for o in entry.household.occupants.all() if o.phone],
        # A number typed before the form checked it is shown as text, never dialled.
        "other_phone_dialable": parse_phone(entry.other_phone) is not None,
    }
    return render(request, "outreach/entry_detail.html", context)


@login_required
@require_POST
def entry_leave(request, pk):
    entry = get_for_request(request, RegisterEntry.objects.all(), "outreach.view", pk=pk)
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        services.entry_leave(
            organisation=request.organisation,
            actor=request.user,
            entry=entry,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The person has left the register: no more calls."))
    else:
        messages.error(request, _("Give the reason for leaving."))
    return redirect("outreach:entry_detail", pk=entry.pk)


# Campaigns ------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    require_ability(request, "outreach.campaigns")
    campaigns = Campaign.objects.for_organisation(request.organisation).select_related(
        "scope_commune", "scope_building"
    )
    return render(request, "outreach/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_create(request):
    require_ability(request, "outreach.campaigns")
    form = forms.CampaignForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        services.campaign_create(
            organisation=request.organisation, actor=request.user, **form.fields_for_service()
        )
        messages.success(request, _("Campaign created; start it by hand or with the switch."))
        return redirect("outreach:campaign_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/campaign_form.html", {"form": form}, status=status)


@login_required
def campaign_edit(request, pk):
    """Change a campaign not yet closed: its script above all (e.g. a copy of the federation's
    call-script template, adapted by the member)."""
    campaign = get_for_request(request, Campaign.objects.all(), "outreach.campaigns", pk=pk)
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.PURGED):
        messages.error(request, _("This campaign is closed; create a new one."))
        return redirect("outreach:campaign_list")
    initial = {"building_reference": getattr(campaign.scope_building, "reference", "")}
    form = forms.CampaignForm(
        request.POST or None, instance=campaign, initial=initial, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        services.campaign_update(
            organisation=request.organisation,
            actor=request.user,
            campaign=campaign,
            **form.fields_for_service(),
        )
        messages.success(request, _("Campaign saved."))
        return redirect("outreach:campaign_list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "outreach/campaign_form.html", context, status=status)


@login_required
@require_POST
def campaign_start(request, pk):
    return _campaign_action(request, pk, "start")


@login_required
@require_POST
def campaign_close(request, pk):
    return _campaign_action(request, pk, "close")


def _campaign_action(request, pk, action):
    campaign = get_for_request(request, Campaign.objects.all(), "outreach.campaigns", pk=pk)
    kwargs = {"organisation": request.organisation, "actor": request.user, "campaign": campaign}
    try:
        if action == "start":
            added = services.campaign_start(**kwargs)
            messages.success(request, _("Campaign started: %(n)d people followed.") % {"n": added})
            services.list_build(organisation=request.organisation)
        else:
            services.campaign_close(**kwargs)
            messages.success(request, _("Campaign closed."))
    except services.Refused as refused:
        messages.error(request, str(refused))
    return redirect("outreach:campaign_list")


@login_required
def rota(request):
    """The weekly rota of the outreach callers, and who is on duty the next seven days."""
    require_ability(request, "outreach.rota")
    organisation = request.organisation
    callers, slots = selectors.rota(organisation)
    form = forms.RotaForm(request.POST or None, callers=callers, slots=slots)
    if request.method == "POST" and form.is_valid():
        try:
            services.rota_save(organisation=organisation, actor=request.user, slots=form.slots())
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Rota saved: the next call lists follow it."))
            return redirect("outreach:rota")
    context = {
        "form": form,
        "has_rota": bool(slots),
        "week": selectors.rota_week(organisation, callers, slots, timezone.localdate()),
    }
    return render(request, "outreach/rota.html", context, status=400 if form.errors else 200)


# The caller's list and screen ----------------------------------------------------------------


@login_required
def today(request):
    require_ability(request, "outreach.view")
    now = timezone.now()
    items = selectors.my_list_rows(
        request.organisation, request.membership, timezone.localdate(now)
    )
    left = sum(1 for i in items if i.done_at is None)
    context = {
        "items": items,
        "next": selectors.next_item(items, now),
        "left": left,
        "left_text": _left_text(items, now),
        "now": now,
    }
    return render(request, "outreach/today.html", context)


def _left_text(items, now) -> str:
    """« 2 to call now, 1 to call again later. »: who can be called now apart from the
    retries not yet due (a "no answer" earlier, back at ``not_before``)."""
    now_count = sum(1 for i in items if i.callable_at(now))
    later = sum(1 for i in items if i.done_at is None and not i.callable_at(now))
    if not now_count and not later:
        return _("Nobody left to call today.")
    parts = []
    if now_count:
        parts.append(
            ngettext("%(n)s to call now", "%(n)s to call now", now_count) % {"n": now_count}
        )
    if later:
        parts.append(
            ngettext("%(n)s to call again later", "%(n)s to call again later", later) % {"n": later}
        )
    return _("%(parts)s.") % {"parts": ", ".join(parts)}


@never_cache  # a page restored from the browser's cache would resend an old form's key
@login_required
def call(request, pk):
    """The call screen of a person on a call list of today (``pk``: their follow on the
    sheet): their phones, open needs, health note (outreach roles, each showing audited),
    history, the script, and the call form — only while the person is to be called now;
    otherwise when they come back."""
    follow = get_for_request(
        request,
        Follow.objects.select_related("campaign", "entry__occupant", "entry__household"),
        "outreach.view",
        pk=pk,
    )
    now = timezone.now()
    if selectors.sheet_caller(request.organisation, follow.pk, timezone.localdate(now)) is None:
        raise Http404("not on today's call list")
    row = selectors.person_row(request.organisation, follow.pk, timezone.localdate(now))
    phones = selectors.phones(follow.entry)
    form = None
    if row is not None and row.callable_at(now):
        kind = {"organisation": request.organisation, "has_phone": bool(phones)}
        form = forms.with_key(forms.CallForm(**kind))
        if request.method == "POST":
            form = forms.CallForm(request.POST, **kind)
            if form.is_valid():
                response = _record(request, follow, form)
                if response is not None:
                    return response
    entry = follow.entry
    if form is None and request.method == "POST" and _replayed(entry, request.POST.get("key")):
        messages.info(request, _("This call was already recorded."))  # a double submit
        return redirect("outreach:today")
    context = {
        "follow": follow,
        "entry": entry,
        "row": row,
        "now": now,
        "form": form,
        "calls": selectors.history(entry),
        "phones": phones,
        "visit_asked": entry.follows.filter(escalation="visit").exists(),
        "open_needs": selectors.open_needs(request.organisation).filter(follow__entry=entry),
        "health_note": _health_note(request, entry),
    }
    status = 400 if form is not None and form.errors else 200
    if form is None and request.method == "POST":
        status = 409  # not to be called now: nothing recorded, the page says when
    return render(request, "outreach/call.html", context, status=status)


def _replayed(entry, key: str | None) -> bool:
    """A call of the person was already recorded with this form's ``key``."""
    return bool(key) and Call.objects.filter(follow__entry=entry, key=key).exists()


def _health_note(request, entry) -> str:
    """The person's health note for the outreach roles (``outreach.view_health``), every
    showing audited as on the register page; "" for the others or when there is none."""
    if not entry.health_note or not request.abilities.get("outreach.view_health"):
        return ""
    services.entry_health_viewed(organisation=request.organisation, actor=request.user, entry=entry)
    return entry.health_note


def _record(request, follow, form):
    data = form.cleaned_data
    needs = [(kind, data.get("need_detail", "")) for kind in data.get("needs", [])]
    try:
        result = services.call_record(
            organisation=request.organisation,
            actor=request.user,
            membership=request.membership,
            follow=follow,
            outcome=data["outcome"],
            note=data["note"],
            needs=needs,
            refer_to=data.get("refer_to"),
            partner_note=data.get("partner_note", ""),
            key=data["key"],
        )
    except services.Refused as refused:
        form.add_error(None, str(refused))
        return None
    if result.replayed:
        messages.info(request, _("This call was already recorded."))
    elif result.escalated:
        messages.warning(request, _("Three failed attempts: a caretaker's visit is asked for."))
    elif result.referral is not None:
        messages.success(
            request, _("Referral sent to %(partner)s.") % {"partner": result.referral.partner}
        )
    else:
        messages.success(request, _("Call recorded."))
    return redirect("outreach:today")


# Needs, visits, referrals ---------------------------------------------------------------------


@login_required
def needs(request):
    """The open needs: closed by the outreach roles, read by the director (from the
    dashboard)."""
    require_ability(request, "outreach.follow_up")
    closed = request.GET.get("status") == "closed"
    if closed:  # the closed ones, newest first, with why (met, end of the follow-up)
        found = selectors.closed_needs(request.organisation).order_by("-closed_at", "-pk")
    else:
        found = selectors.open_needs(request.organisation).order_by("opened_at", "pk")
    page = ListPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/needs.html", {"page": page, "closed": closed})


@login_required
@require_POST
def need_close(request, pk):
    need = get_for_request(request, Need.objects.all(), "outreach.view", pk=pk)
    services.need_close(organisation=request.organisation, actor=request.user, need=need)
    messages.success(request, _("Need closed."))
    return redirect("outreach:needs")


@login_required
@require_POST
def visit_ask(request, pk):
    """Ask for a caretaker's visit of a person of today's list with no phone number."""
    follow = get_for_request(
        request, Follow.objects.select_related("entry"), "outreach.view", pk=pk
    )
    try:
        services.visit_ask(organisation=request.organisation, actor=request.user, follow=follow)
    except services.Refused as refused:
        messages.error(request, str(refused))
        return redirect("outreach:call", pk=follow.pk)
    messages.success(request, _("A caretaker's visit is asked for."))
    return redirect("outreach:today")


@login_required
def visits(request):
    require_ability(request, "outreach.visit")
    return render(
        request, "outreach/visits.html", {"follows": selectors.visits(request.organisation)}
    )


@login_required
def visit(request, pk):
    follow = get_for_request(
        request,
        Follow.objects.select_related("entry__occupant", "entry__household"),
        "outreach.visit",
        pk=pk,
    )
    form = forms.VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.visit_record(
                organisation=request.organisation,
                actor=request.user,
                follow=follow,
                seen_fine=form.cleaned_data["seen_fine"],
                note=form.cleaned_data["note"],
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            if referral is None:
                messages.success(request, _("Visit recorded: the person is fine."))
            else:
                messages.warning(
                    request, _("Referral sent to %(partner)s.") % {"partner": referral.partner}
                )
            return redirect("outreach:visits")
    context = {"follow": follow, "form": form, "address": services._address(follow.entry)}
    return render(request, "outreach/visit.html", context, status=400 if form.errors else 200)


@login_required
def referrals(request):
    """The referrals to social services, open ones first (``?status=open`` only those)."""
    require_ability(request, "outreach.follow_up")
    status = request.GET.get("status", "")
    found = Referral.objects.for_organisation(request.organisation).select_related("partner")
    if status == "open":
        found = found.exclude(status=ReferralStatus.CLOSED)
    found = found.order_by(
        Case(When(status=ReferralStatus.CLOSED, then=1), default=0), "-sent_at", "-pk"
    )
    page = ListPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "outreach/referrals.html", {"page": page, "status": status})


@login_required
def referral_detail(request, pk):
    referral = get_for_request(
        request,
        Referral.objects.select_related("partner", "sent_by"),
        "outreach.follow_up",
        pk=pk,
    )
    return render(request, "outreach/referral_detail.html", {"referral": referral, "staff": True})


# Dashboard and partners -----------------------------------------------------------------------


@login_required
def dashboard(request):
    require_ability(request, "outreach.dashboard")
    organisation, now = request.organisation, timezone.now()
    covered, followed = selectors.coverage_today(organisation, now)
    by_day = selectors.coverage_by_day(organisation, timezone.localdate(now))
    context = {
        "covered": covered,
        "followed": followed,
        "share": round(100 * covered / followed) if followed else None,
        "by_day": by_day,
        "chart": charts.coverage_svg(by_day),
        "days_without_campaign": sum(1 for _day, share in by_day if share is None),
        "needs": selectors.needs_by_kind(organisation),
        "escalations": selectors.escalations(organisation),
        "callers": selectors.calls_per_caller(organisation, now - dt.timedelta(days=7)),
    }
    return render(request, "outreach/dashboard.html", context)


@login_required
def partner_list(request):
    require_ability(request, "outreach.partners")
    partners = Partner.objects.for_organisation(request.organisation).select_related("commune")
    return render(request, "outreach/partner_list.html", {"partners": partners})


@login_required
def partner_create(request):
    require_ability(request, "outreach.partners")
    form = forms.PartnerForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        partner_services.partner_save(
            organisation=request.organisation, actor=request.user, form=form
        )
        messages.success(request, _("Partner added."))
        return redirect("outreach:partner_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/partner_form.html", {"form": form}, status=status)


@login_required
def partner_detail(request, pk):
    partner = get_for_request(
        request, Partner.objects.select_related("commune"), "outreach.partners", pk=pk
    )
    form = forms.PartnerUserForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        partner_services.partner_user_add(
            organisation=request.organisation,
            actor=request.user,
            partner=partner,
            membership=form.cleaned_data["membership"],
        )
        messages.success(request, _("The member now sees this partner's referrals."))
        return redirect("outreach:partner_detail", pk=partner.pk)
    context = {
        "partner": partner,
        "form": form,
        "users": partner.users.select_related("membership__user"),
        "open": partner.referrals.exclude(status="closed").count(),
    }
    return render(
        request, "outreach/partner_detail.html", context, status=400 if form.errors else 200
    )
