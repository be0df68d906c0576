"""Commission pages for the staff who prepare them (ability ``commission.manage``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.tenancy import get_for_request, require_ability

from ...models import Commission, CommissionInvitation, CommissionMember
from .. import selectors, services
from ..forms import CommissionForm, CommissionRulesForm, MemberInviteForm

ABILITY = "commission.manage"
RULES_ABILITY = "commission.rules"


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
        status=400 if form.errors else 200,
    )


@login_required
def commission_detail(request, pk):
    commission = get_for_request(request, Commission.objects, ability=ABILITY, pk=pk)
    sessions = selectors.sessions(request.organisation).filter(commission=commission)
    context = {
        "commission": commission,
        "members": selectors.commission_members(commission),
        "invitations": selectors.pending_invitations(commission),
        "sessions": sessions.order_by("-opens_at")[:20],
        "rules": services.rules_of(commission),
    }
    return render(request, "allocation/commission_detail.html", context)


@login_required
def commission_rules(request, pk):
    """The commission's internal rules, recorded by a director or a manager (audited)."""
    commission = get_for_request(request, Commission.objects, ability=RULES_ABILITY, pk=pk)
    form = CommissionRulesForm(request.POST or None, instance=services.rules_of(commission))
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_rules_save(
                commission=commission, actor=request.user, rules=form.instance
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Internal rules saved: they apply to the sessions opened from now on.")
            )
            return redirect("allocation:commission_rules", pk=commission.pk)
    return render(
        request,
        "allocation/commission_form.html",
        {
            "form": form,
            "title": _("Internal rules of %(name)s") % {"name": commission.name},
            "cancel_url": reverse("allocation:commission_detail", args=[commission.pk]),
            "intro": _(
                "What the vote applies: a session copies these rules when it opens, and its "
                "minutes print them."
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def commission_member_invite(request, pk):
    commission = get_for_request(request, Commission.objects, ability=ABILITY, pk=pk)
    form = MemberInviteForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.commission_member_invite(
                commission=commission,
                actor=request.user,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                seat=data["seat"],
                commune=data["commune"],
                epci=data["epci"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Only what the inviter typed: nothing of an existing account is revealed.
            messages.success(
                request,
                _(
                    "An invitation has been sent to %(name)s (%(email)s); the seat is theirs "
                    "once they accept it."
                )
                % {
                    "name": f"{invitation.first_name} {invitation.last_name}",
                    "email": invitation.email,
                },
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
        status=400 if form.errors else 200,
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


@login_required
def invitation_answer(request, pk):
    """The invited person's page: accept or decline the seat (404 to anyone else)."""
    invitation = get_object_or_404(
        CommissionInvitation.objects.select_related("commission", "organisation", "commune"),
        pk=pk,
        user=request.user,
    )
    if request.method == "POST" and invitation.answered_at is None:
        accept = request.POST.get("answer") == "accept"
        try:
            services.commission_invitation_answer(
                invitation=invitation, user=request.user, accept=accept
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if accept:
                messages.success(request, _("You now sit on the commission."))
                return redirect("allocation:my_sessions")
            messages.success(request, _("You have declined the invitation."))
            return redirect("core:home")
    return render(request, "allocation/invitation_answer.html", {"invitation": invitation})
