"""The federation's pages: the analyst's dashboard and completeness (with reminders), and a
member's own figures against the regional median, with its submissions (form or CSV).

Analysts are ``federation_analyst`` memberships in a member organisation, as for pooled orders
and regional work sites: their federation is the one of the organisation they are in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.models import Organisation
from relais.core.tenancy import require_ability

from ..indicators import registry, selectors, services
from ..indicators.forms import CsvForm, FiguresForm
from ..indicators.registry import Week
from .chart import weekly_chart


def default_week() -> Week:
    """The last complete week: the one members report on."""
    return Week.of(timezone.localdate()).previous()


def week_from(request) -> Week:
    try:
        return (
            Week.parse(request.GET.get("semaine", ""))
            if request.GET.get("semaine")
            else default_week()
        )
    except ValueError as error:
        raise Http404 from error


@login_required
def dashboard(request):
    require_ability(request, "federation.dashboard")
    federation = request.organisation.federation
    week = week_from(request)
    departement = request.GET.get("departement", "")
    indicators = registry.indicators()
    indicator = registry.get(request.GET.get("indicateur", "")) or indicators[0]
    context = {
        "federation": federation,
        "week": week,
        "indicator": indicator,
        "indicators": indicators,
    }
    if federation is not None:
        data = selectors.dashboard(federation, week, indicator.key, departement)
        context |= {
            "departement": departement,
            "departements": data.departements,
            "area": dict(data.departements).get(departement) if departement else None,
            "median_min": selectors.MEDIAN_MIN_MEMBERS,
            "regional": data.regional,
            "cells": data.cells,
            "chart": weekly_chart(indicator.unit, data.points),
            "weeks": [week.previous(n) for n in range(8)],
            "missing": sum(1 for s in data.statuses if not s.reported),
        }
    return render(request, "federation/dashboard.html", context)


@login_required
def completeness(request):
    require_ability(request, "federation.dashboard")
    federation = request.organisation.federation
    week = week_from(request)
    statuses = selectors.completeness(federation, week) if federation else []
    context = {
        "federation": federation,
        "week": week,
        "statuses": statuses,
        "missing": sum(1 for s in statuses if not s.reported),
        "weeks": [default_week().previous(n) for n in range(-1, 8)],
    }
    return render(request, "federation/completeness.html", context)


@login_required
@require_POST
def remind(request, pk):
    require_ability(request, "federation.remind")
    federation = request.organisation.federation
    if federation is None:
        raise Http404
    member = Organisation.objects.filter(federation=federation, pk=pk).first()
    if member is None:
        raise Http404
    week = week_from(request)
    queued = services.reminder_send(
        organisation=member, actor=request.user, week=week, federation=federation
    )
    if queued:
        messages.success(request, _("Reminder sent to %(member)s.") % {"member": member.name})
    else:
        messages.warning(
            request,
            _("%(member)s has no contact e-mail nor director with an e-mail: nobody to remind.")
            % {"member": member.name},
        )
    return redirect(f"{reverse('federation:completeness')}?semaine={week.code}")


@login_required
def my_figures(request):
    require_ability(request, "federation.own_figures")
    organisation = request.organisation
    week = week_from(request)
    context = {
        "week": week,
        "weeks": [default_week().previous(n) for n in range(-1, 8)],
        "rows": selectors.own_against_median(organisation, week),
        "has_federation": organisation.federation_id is not None,
        "median_min": selectors.MEDIAN_MIN_MEMBERS,
        "form": FiguresForm(initial={"week": week.code}),
        "csv_form": CsvForm(),
    }
    return render(request, "federation/my_figures.html", context)


def _submitted(request, form, origin):
    services.figures_submit(
        organisation=request.organisation, actor=request.user, figures=form.figures, origin=origin
    )
    weeks = sorted({week_start for week_start, _key in form.figures})
    messages.success(request, _("Figures received: thank you."))
    return redirect(f"{reverse('federation:my_figures')}?semaine={Week(weeks[-1]).code}")


@login_required
def submit_figures(request):
    require_ability(request, "federation.submit")
    form = FiguresForm(request.POST or None, initial={"week": default_week().code})
    if request.method == "POST" and form.is_valid():
        return _submitted(request, form, "form")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "csv_form": CsvForm(), "week": default_week()}
    return render(request, "federation/submit.html", context, status=status)


@login_required
def submit_csv(request):
    require_ability(request, "federation.submit")
    form = CsvForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _submitted(request, form, "csv")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": FiguresForm(initial={"week": default_week().code}),
        "csv_form": form,
        "week": default_week(),
    }
    return render(request, "federation/submit.html", context, status=status)
