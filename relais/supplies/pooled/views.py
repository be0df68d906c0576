"""Pooled order pages: the federation's campaigns, a campaign (the federation's table of every
member, or a member's own lines), needs, the order, the delivery and a share's receipt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from relais.core.tenancy import require_ability
from relais.formats import quantity

from ..forms import CampaignForm, LineQuantitiesForm, ReceiveForm
from ..models import CampaignStatus, Share
from . import selectors, services


@login_required
def campaign_list(request):
    require_ability(request, "supplies.campaign_view")
    context = {
        "campaigns": selectors.campaign_list(request.organisation),
        "has_federation": request.organisation.federation_id is not None,
    }
    return render(request, "supplies/campaign_list.html", context)


@login_required
def campaign_create(request):
    require_ability(request, "supplies.campaign_run")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_open(
                organisation=request.organisation,
                actor=request.user,
                title=form.cleaned_data["title"],
                deadline=form.cleaned_data["deadline"],
                supplier=form.cleaned_data["supplier"],
                prices=form.prices,
            )
        except services.CampaignError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Pooled order opened to the members."))
            return redirect("supplies:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supplies/campaign_form.html", {"form": form}, status=status)


@login_required
def campaign_detail(request, pk):
    require_ability(request, "supplies.campaign_view")
    campaign = selectors.get_campaign(request, pk)
    runner = request.abilities.get("supplies.campaign_run")
    context = {
        "campaign": campaign,
        "runner": runner,
        "accepts_needs": services.accepts_needs(campaign, timezone.localdate()),
        "delivered": campaign.status == CampaignStatus.DELIVERED,
    }
    if runner:
        lines, rows, totals = selectors.campaign_table(campaign)
        context.update(lines=lines, members=rows, totals=list(zip(lines, totals, strict=True)))
        context["unanswered"] = [row.organisation for row in rows if not row.answered]
    else:
        mine = selectors.member_view(campaign, request.organisation)
        context["mine"] = mine
        context["my_cost"] = sum(m.share.cost_cents for m in mine if m.share)
        context["receive_form"] = ReceiveForm(organisation=request.organisation)
    return render(request, "supplies/campaign_detail.html", context)


@login_required
def campaign_needs(request, pk):
    require_ability(request, "supplies.campaign_answer")
    campaign = selectors.get_campaign(request, pk)
    mine = selectors.member_view(campaign, request.organisation)
    form = LineQuantitiesForm(
        request.POST or None,
        lines=[m.line for m in mine],
        initial_units={m.line.pk: m.need for m in mine},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_declare(
                organisation=request.organisation,
                actor=request.user,
                campaign=campaign,
                quantities=form.quantities(),
            )
        except services.CampaignError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Your needs are recorded."))
            return redirect("supplies:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    context = {"campaign": campaign, "form": form}
    return render(request, "supplies/campaign_needs.html", context, status=status)


@login_required
@require_POST
def campaign_order(request, pk):
    require_ability(request, "supplies.campaign_run")
    campaign = selectors.get_campaign(request, pk)
    if not request.POST.get("confirm") and services.accepts_needs(campaign, timezone.localdate()):
        # Members may still declare needs: a confirmation step first (no script: CSP).
        return render(request, "supplies/campaign_order_confirm.html", {"campaign": campaign})
    try:
        services.campaign_order(
            organisation=request.organisation, actor=request.user, campaign=campaign
        )
    except services.CampaignError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Order placed: members can no longer change their needs."))
    return redirect("supplies:campaign_detail", pk=campaign.pk)


@login_required
def campaign_delivery(request, pk):
    require_ability(request, "supplies.campaign_run")
    campaign = selectors.get_campaign(request, pk)
    form = LineQuantitiesForm(request.POST or None, lines=campaign.lines.all(), required=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_deliver(
                organisation=request.organisation,
                actor=request.user,
                campaign=campaign,
                delivered=form.quantities(),
            )
        except services.CampaignError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("Delivery allocated to the members."))
            return redirect("supplies:campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" else 200
    context = {"campaign": campaign, "form": form}
    return render(request, "supplies/campaign_delivery.html", context, status=status)


@login_required
@require_POST
def share_receive(request, pk):
    require_ability(request, "supplies.campaign_answer")
    share = get_object_or_404(
        Share.objects.select_related("line__campaign"), pk=pk, organisation=request.organisation
    )
    form = ReceiveForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        messages.error(request, _("Choose the location that receives the share."))
    else:
        try:
            services.share_receive(
                organisation=request.organisation,
                actor=request.user,
                share=share,
                location=form.cleaned_data["location"],
            )
        except services.CampaignError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                ngettext(
                    "%(units)s unit received into %(location)s.",
                    "%(units)s units received into %(location)s.",
                    share.quantity,
                )
                % {"units": quantity(share.quantity), "location": form.cleaned_data["location"]},
            )
    return redirect("supplies:campaign_detail", pk=share.line.campaign_id)
