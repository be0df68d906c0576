"""The partners' pages: a ``social_partner`` member sees only the referrals sent to the body
its membership is linked to (``PartnerUser``); a body without an account works through the
referral's link (no account, only the token's SHA-256 stored, expiring)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from relais.core.form_organisation import organisation_check_exempt
from relais.core.tenancy import require_ability

from . import forms, links, partner_services, services
from .models import PartnerUser, Referral, ReferralStatus


def _partner(request):
    """The body of the member's partner account, or None (not linked yet)."""
    require_ability(request, "outreach.partner_referrals")
    link = (
        PartnerUser.objects.filter(membership=request.membership).select_related("partner").first()
    )
    return link.partner if link is not None else None


@login_required
def partner_home(request):
    partner = _partner(request)
    referrals = []
    if partner is not None:
        referrals = Referral.objects.filter(
            organisation=request.organisation, partner=partner
        ).order_by("status", "-sent_at", "-pk")
    context = {"partner": partner, "referrals": referrals}
    return render(request, "outreach/partner_home.html", context)


@login_required
def partner_referral(request, pk):
    partner = _partner(request)
    if partner is None:
        raise Http404
    referral = (
        Referral.objects.filter(organisation=request.organisation, partner=partner, pk=pk)
        .select_related("partner")
        .first()
    )
    if referral is None:
        raise Http404
    if request.method == "POST":
        response = _act(request, referral, request.user)
        if response is not None:
            return response
        return redirect("outreach:partner_referral", pk=referral.pk)
    return render(request, "outreach/referral_detail.html", _context(referral))


def _context(referral, form=None):
    return {
        "referral": referral,
        "staff": False,
        "form": form or forms.FeedbackForm(),
        "can_accept": referral.status == ReferralStatus.SENT,
        "open": referral.status != ReferralStatus.CLOSED,
    }


def _act(request, referral, actor):
    """Accept, or add feedback (and close). Returns a response for a refused form."""
    if request.POST.get("step") == "accept":
        partner_services.referral_accept(referral=referral, actor=actor)
        messages.success(request, _("Referral accepted."))
        return None
    form = forms.FeedbackForm(request.POST)
    if not form.is_valid():
        return render(
            request, "outreach/referral_detail.html", _context(referral, form), status=400
        )
    try:
        partner_services.referral_feedback(
            referral=referral,
            actor=actor,
            text=form.cleaned_data["text"],
            close=form.cleaned_data["close"],
        )
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Referral closed. Thank you.")
            if form.cleaned_data["close"]
            else _("Feedback added."),
        )
    return None


@organisation_check_exempt
@never_cache
def partner_link(request, token):
    referral = (
        Referral.objects.filter(link_token_hash=links.token_hash(token))
        .select_related("partner", "organisation")
        .first()
    )
    if referral is None or not referral.link_token_hash:
        return render(request, "outreach/link_closed.html", {"state": "unknown"}, status=404)
    if referral.link_expires_at is None or referral.link_expires_at <= timezone.now():
        context = {"state": "expired", "organisation": referral.organisation}
        return render(request, "outreach/link_closed.html", context, status=410)
    if request.method == "POST":
        response = _act(request, referral, None)
        if response is not None:
            return response
        return redirect("outreach:partner_link", token=token)
    context = _context(referral)
    context["by_link"] = True
    return render(request, "outreach/referral_detail.html", context)
