from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import crisis as crisis_rules
from . import home as home_registry
from . import pdf, selectors, services
from .form_organisation import organisation_check_exempt
from .forms import (
    MODE_DEFAULT_SWITCHES,
    AgencyStatusForm,
    ApiKeyForm,
    CrisisModeForm,
    CrisisNoticeForm,
    OrganisationSettingsForm,
    OrganisationSwitchForm,
)
from .models import Agency, ApiKey, CrisisMode, CrisisNotice, Organisation
from .tenancy import SESSION_KEY, get_for_request, require_ability


@login_required
def home(request):
    """The person's work queue: the cards of their role (``relais.core.home``)."""
    organisation = request.organisation
    context = {"cards": [], "links": []}
    if organisation is not None:
        ctx = home_registry.HomeContext(
            user=request.user,
            organisation=organisation,
            membership=request.membership,
            abilities=request.abilities,
            now=timezone.now(),
            crisis_state=selectors.current_crisis_state(organisation),
        )
        context["cards"] = home_registry.cards_for(ctx)
        context["links"] = home_registry.links_for(request.abilities)
    return render(request, "core/home.html", context)


@login_required
@require_POST
@organisation_check_exempt  # switching from a stale tab is what the member wants
def organisation_switch(request):
    form = OrganisationSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    wanted = form.cleaned_data["organisation"]
    if not any(m.organisation_id == wanted for m in request.memberships):
        raise Http404
    request.session[SESSION_KEY] = wanted
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "core:home"
    return redirect(target)


@login_required
def crisis(request):
    organisation = request.organisation
    if organisation is None:
        raise Http404
    state = selectors.current_crisis_state(organisation)
    form = None
    if request.abilities["crisis.change"]:
        initial = {"mode": state.mode, **{n: getattr(state, n) for n in state.SWITCHES}}
        form = CrisisModeForm(request.POST or None, initial=initial, organisation=organisation)
        if request.method == "POST" and form.is_valid():
            change = services.crisis_mode_change(
                organisation=organisation,
                actor=request.user,
                mode=form.cleaned_data["mode"],
                switches=form.switches(),
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The organisation's mode has been changed."))
            for sentence in change.listener_messages:
                messages.info(request, sentence)
            return redirect("core:crisis")
    elif request.method == "POST":
        require_ability(request, "crisis.change")
    history = selectors.crisis_history(organisation)[:50]
    mode_defaults = {mode: sorted(names) for mode, names in MODE_DEFAULT_SWITCHES.items()}
    context = {
        "state": state,
        "form": form,
        "history": history,
        "mode_defaults": mode_defaults,
        "switch_effects": crisis_rules.switch_effects(state, organisation),
        "mode_effects": crisis_rules.effects(crisis_rules.MODE),
        "notice": CrisisNotice.objects.for_organisation(organisation).first(),
    }
    return render(request, "core/crisis.html", context, status=400 if form and form.errors else 200)


@login_required
def crisis_notice(request):
    """Directors and managers write the public crisis notice."""
    require_ability(request, "crisis.notice_edit")
    organisation = request.organisation
    notice = CrisisNotice.objects.for_organisation(organisation).first()
    form = CrisisNoticeForm(request.POST or None, instance=notice)
    if request.method == "POST" and form.is_valid():
        services.crisis_notice_save(
            organisation=organisation,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in services.NOTICE_FIELDS},
        )
        messages.success(request, _("The public crisis notice has been saved."))
        return redirect("core:crisis_notice")
    return render(
        request,
        "core/crisis_notice.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def crisis_notice_pdf(request):
    """The notice as an A4 poster for building halls (any staff member may print it)."""
    require_ability(request, "housing.view")
    notice = get_for_request(request, CrisisNotice.objects.select_related("organisation"))
    content = pdf.crisis_notice_pdf(notice, site_url=settings.SITE_URL)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"avis-de-crise-{slugify(notice.organisation.name)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def agency_list(request):
    require_ability(request, "housing.view")
    state = selectors.current_crisis_state(request.organisation)
    agencies = crisis_rules.with_shown_status(selectors.agencies(request.organisation), state)
    return render(request, "core/agency_list.html", {"agencies": agencies, "state": state})


@login_required
@require_POST
def agency_closure(request, pk):
    """Open one agency during the closure of public reception (a skeleton reception), or
    close it again with the others."""
    agency = get_for_request(request, Agency.objects, ability="agency.edit", pk=pk)
    is_open = request.POST.get("open_during_closure") == "1"
    services.agency_open_during_closure(agency=agency, actor=request.user, is_open=is_open)
    if is_open:
        message = _("%(agency)s stays open during the closure.")
    else:
        message = _("%(agency)s closes with the others during the closure.")
    messages.success(request, message % {"agency": agency.name})
    return redirect("core:agency_list")


@login_required
def agency_edit(request, pk):
    agency = get_for_request(request, Agency.objects, ability="agency.edit", pk=pk)
    form = AgencyStatusForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        services.agency_status_update(
            agency=agency,
            actor=request.user,
            public_status=form.cleaned_data["public_status"],
            public_message=form.cleaned_data["public_message"],
        )
        messages.success(request, _("The agency's status has been updated."))
        return redirect("core:agency_list")
    return render(
        request,
        "core/agency_edit.html",
        {"agency": agency, "form": form},
        status=400 if form.errors else 200,
    )


def public_agencies(request, slug):
    """Public page (no login): which offices of a landlord are open, and how to reach them."""
    organisation = get_object_or_404(Organisation, slug=slug)
    state = selectors.current_crisis_state(organisation)
    notice = None
    if state.mode == CrisisMode.CRISIS:
        notice = CrisisNotice.objects.for_organisation(organisation).first()
    context = {
        "organisation": organisation,
        "agencies": crisis_rules.with_shown_status(selectors.agencies(organisation), state),
        "notice": notice,
        "phones": crisis_rules.parse_phone_lines(notice.phone_lines) if notice else [],
        "links": [
            *crisis_rules.public_links(organisation),
            *(crisis_rules.parse_links(notice.links) if notice else []),
        ],
        "on_call": crisis_rules.on_call_lines(organisation) if notice else [],
        "news": crisis_rules.notice_news(organisation) if notice else [],
    }
    return render(request, "core/public_agencies.html", context)


@login_required
def organisation_settings(request):
    require_ability(request, "organisation.manage")
    organisation = request.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_settings_update(
            organisation=Organisation.objects.get(pk=organisation.pk),
            actor=request.user,
            **{name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
        )
        messages.success(request, _("Settings saved."))
        return redirect("core:organisation_settings")
    return render(
        request,
        "core/organisation_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def profile(request):
    organisation = request.organisation
    new_key = None
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST":
        require_ability(request, "api.use")
        if form.is_valid():
            try:
                _api_key, new_key = services.api_key_create(
                    organisation=organisation,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    expires_on=form.cleaned_data["expires_on"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = ApiKeyForm()
    keys = ApiKey.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "core/profile.html",
        {"form": form, "keys": keys, "new_key": new_key},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_key_revoke(request, pk):
    api_key = get_object_or_404(ApiKey, pk=pk, user=request.user)
    services.api_key_revoke(api_key=api_key, actor=request.user)
    messages.success(request, _("The API key has been revoked."))
    return redirect("core:profile")
