"""Commission pages for the staff who prepare them (ability ``commission.manage``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.tenancy import get_for_request, require_ability

from ...models import Commission, CommissionMember
from .. import selectors, services
from ..forms import CommissionForm, MemberInviteForm

ABILITY = "commission.manage"


@login_required
def commission_list(request):
    require_ability(request, ABILITY)
    organisation = request.organisation
    context = {
        "commissions": selectors.commissions(organisation).order_by("name"),
        "sent_back": selectors.sent_back_items(organisation),
    }
    return render(request, "allocation/commission_list.html", context)


@login_required
def commission_edit(request, pk=None):
    require_ability(request, ABILITY)
    organisation = request.organisation
    instance = get_for_request(request, Commission.objects, pk=pk) if pk else None
    form = CommissionForm(
        request.POST or None, instance=instance or Commission(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            commission = services.commission_save(
                organisation=organisation, actor=request.user, commission=form.instance
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Commission saved."))
            return redirect("allocation:commission_detail", pk=commission.pk)
    cancel = (
        reverse("allocation:commission_detail", args=[pk])
        if pk
        else reverse("allocation:commission_list")
    )
    title = _("Edit commission") if instance else _("New commission")
    return render(
        request,
        "allocation/commission_form.html",
        {"form": form, "title": title, "cancel_url": cancel},
    )


@login_required
def commission_detail(request, pk):
    commission = get_for_request(request, Commission.objects, ability=ABILITY, pk=pk)
    sessions = selectors.sessions(request.organisation).filter(commission=commission)
    context = {
        "commission": commission,
        "members": selectors.commission_members(commission),
        "sessions": sessions.order_by("-opens_at")[:20],
    }
    return render(request, "allocation/commission_detail.html", context)


@login_required
def commission_member_invite(request, pk):
    commission = get_for_request(request, Commission.objects, ability=ABILITY, pk=pk)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = services.commission_member_invite(
                commission=commission,
                actor=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                seat=data["seat"],
                commune=data["commune"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now sits on the commission; an e-mail has been sent to %(email)s.")
                % {"name": member.user.get_full_name(), "email": member.user.email},
            )
            return redirect("allocation:commission_detail", pk=commission.pk)
    return render(
        request,
        "allocation/commission_form.html",
        {
            "form": form,
            "title": _("Invite a member to %(name)s") % {"name": commission.name},
            "cancel_url": reverse("allocation:commission_detail", args=[commission.pk]),
            "communes": True,
        },
    )


@login_required
@require_POST
def commission_member_remove(request, pk):
    member = get_for_request(
        request, CommissionMember.objects.select_related("user"), ability=ABILITY, pk=pk
    )
    services.commission_member_remove(member=member, actor=request.user)
    messages.success(
        request,
        _("%(name)s no longer sits on the commission.")
        % {"name": member.user.get_full_name() or member.user.get_username()},
    )
    return redirect("allocation:commission_detail", pk=member.commission_id)
