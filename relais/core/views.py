from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .form_organisation import organisation_check_exempt
from .forms import (
    MODE_DEFAULT_SWITCHES,
    AgencyStatusForm,
    ApiKeyForm,
    CrisisModeForm,
    OrganisationSettingsForm,
    OrganisationSwitchForm,
)
from .models import Agency, ApiKey, Organisation
from .tenancy import SESSION_KEY, get_for_request, require_ability


@login_required
def home(request):
    organisation = request.organisation
    context = {"agencies": selectors.agencies(organisation) if organisation else []}
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
        form = CrisisModeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.crisis_mode_change(
                organisation=organisation,
                actor=request.user,
                mode=form.cleaned_data["mode"],
                switches=form.switches(),
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The organisation's mode has been changed."))
            return redirect("core:crisis")
    elif request.method == "POST":
        require_ability(request, "crisis.change")
    history = selectors.crisis_history(organisation)[:50]
    mode_defaults = {mode: sorted(names) for mode, names in MODE_DEFAULT_SWITCHES.items()}
    return render(
        request,
        "core/crisis.html",
        {"state": state, "form": form, "history": history, "mode_defaults": mode_defaults},
    )


@login_required
def agency_list(request):
    require_ability(request, "housing.view")
    return render(
        request, "core/agency_list.html", {"agencies": selectors.agencies(request.organisation)}
    )


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
    return render(request, "core/agency_edit.html", {"agency": agency, "form": form})


def public_agencies(request, slug):
    """Public page (no login): which offices of a landlord are open, and how to reach them."""
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(
        request,
        "core/public_agencies.html",
        {"organisation": organisation, "agencies": selectors.agencies(organisation)},
    )


@login_required
def organisation_settings(request):
    require_ability(request, "organisation.manage")
    organisation = request.organisation
    form = OrganisationSettingsForm(
        request.POST or None, initial={"mfa_required": organisation.mfa_required}
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_settings_update(
            organisation=organisation,
            actor=request.user,
            mfa_required=form.cleaned_data["mfa_required"],
        )
        messages.success(request, _("Settings saved."))
        return redirect("core:organisation_settings")
    return render(request, "core/organisation_settings.html", {"form": form})


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
    return render(request, "core/profile.html", {"form": form, "keys": keys, "new_key": new_key})


@login_required
@require_POST
def api_key_revoke(request, pk):
    api_key = get_object_or_404(ApiKey, pk=pk, user=request.user)
    services.api_key_revoke(api_key=api_key, actor=request.user)
    messages.success(request, _("The API key has been revoked."))
    return redirect("core:profile")
