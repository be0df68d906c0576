"""Eligibility pages: the simulator and the income-ceiling tables (ability eligibility.simulate),
and the entry of a year's table (the platform's operators only, ``can_enter_ceilings``).

All are reference tools with no organisation data: the simulator runs the same service as
the public API, the ceilings pages read and write the shared ``IncomeCeiling`` table.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from relais.core.tenancy import require_ability

from ..models import IncomeBasis, IncomeCeiling
from .benefits import Household, effort_rate, estimate_housing_benefits
from .ceilings import EXTRA_PERSON, EligibilityError, ceiling_zone, check_eligibility, pls_ceiling
from .forms import CeilingTableForm, CeilingYearForm, EligibilityForm
from .household import retained_income
from .rules import CATEGORIES, ENTERED_FINANCINGS, ZONES_BY_FINANCING, zone_label
from .services import YEARS, can_enter_ceilings, income_ceiling_table_enter, stored_table

ABILITY = "eligibility.simulate"


@dataclass(frozen=True)
class Simulation:
    result: object  # EligibilityResult
    income: int
    income_basis: str  # the label of the income retained (``IncomeBasis``)
    effort: object | None  # EffortRate, when rent and resources were given


@login_required
@require_GET
def eligibility_simulator(request):
    require_ability(request, ABILITY)
    form = EligibilityForm(request.GET or None, initial=EligibilityForm.initial_values())
    simulation = _simulate(form) if form.is_bound and form.is_valid() else None
    context = {"form": form, "simulation": simulation}
    template = "allocation/eligibility_simulator.html"
    if request.htmx:
        return render(request, f"{template}#simulator", context)
    return render(request, template, context)


def _simulate(form) -> Simulation | None:
    data = form.cleaned_data
    income, basis = retained_income(
        data["income_n2"], data["income_n1"], data["income_last_12_months"]
    )
    try:
        result = check_eligibility(
            year=data["year"],
            financing=data["financing"],
            zone=ceiling_zone(data["financing"], data["commune"]),
            persons=data["persons"],
            dependants=data["dependants"],
            is_couple=data["is_couple"],
            combined_age=data["combined_age"],
            has_disabled_member=data["has_disabled_member"],
            reference_income=income,
        )
    except EligibilityError as error:
        form.add_eligibility_error(error)
        return None
    return Simulation(
        result=result, income=income, income_basis=IncomeBasis(basis).label, effort=_effort(data)
    )


def _effort(data):
    if data["rent"] is None or data["monthly_resources"] is None:
        return None
    household = Household(
        persons=data["persons"],
        dependants=data["dependants"],
        is_couple=data["is_couple"],
        monthly_resources_cents=data["monthly_resources"],
        commune_code=data["commune"].code,
        rent_cents=data["rent"],
    )
    [benefit] = estimate_housing_benefits([household])
    return effort_rate(
        monthly_resources_cents=data["monthly_resources"],
        rent_cents=data["rent"],
        charges_cents=data["charges"] or 0,
        benefit_cents=benefit,
    )


@login_required
@require_GET
def income_ceilings(request):
    require_ability(request, ABILITY)
    years = list(IncomeCeiling.objects.order_by("-year").values_list("year", flat=True).distinct())
    today = timezone.localdate().year
    default = today if today in years else next(iter(years), None)
    form = CeilingYearForm(request.GET or {"year": default}, years=years)
    year = form.cleaned_data["year"] if years and form.is_valid() else default
    context = {
        "form": form,
        "year": year,
        "tables": _tables(year) if year is not None else [],
        "can_enter": can_enter_ceilings(request.user),
    }
    template = "allocation/eligibility_ceilings.html"
    if request.htmx:
        return render(request, f"{template}#tables", context)
    return render(request, template, context)


def _tables(year: int) -> list[dict]:
    """PLAI, PLUS, PLS (derived) and PLI tables of a year: rows of amounts per zone, or
    missing; each table with its own zones (PLI by the A/B/C zoning)."""
    amounts = {
        (c.financing, c.zone, c.category): c.ceiling_eur
        for c in IncomeCeiling.objects.filter(year=year)
    }
    categories = range(1, EXTRA_PERSON + 1)
    tables = []
    for financing in ("PLAI", "PLUS", "PLS", "PLI"):
        base = "PLUS" if financing == "PLS" else financing
        zones = ZONES_BY_FINANCING[financing]
        complete = all((base, z, c) in amounts for z in zones for c in categories)
        rows = [
            {
                "category": category,
                "amounts": [
                    amounts[base, zone, category]
                    if financing != "PLS"
                    else pls_ceiling(amounts[base, zone, category])
                    for zone in zones
                ],
            }
            for category in categories
            if complete
        ]
        missing = (
            ""
            if complete
            else _("No complete %(financing)s table for %(year)s.")
            % {"financing": base, "year": year}
        )
        tables.append(
            {
                "financing": financing,
                "base": base,
                "zones": [zone_label(zone) for zone in zones],
                "rows": rows,
                "missing": missing,
            }
        )
    return tables


@login_required
@require_http_methods(["GET", "POST"])
def income_ceiling_entry(request):
    """Enter or correct one year × financing table (platform operators only, audited)."""
    if not can_enter_ceilings(request.user):
        raise PermissionDenied
    # The table is chosen in the query string (the "open this table" form) or the posted form.
    financing = request.POST.get("financing") or request.GET.get("financing")
    financing = financing if financing in ENTERED_FINANCINGS else ENTERED_FINANCINGS[0]
    year = _entry_year(request.POST.get("year") or request.GET.get("year"))
    existing = stored_table(year, financing)
    first = IncomeCeiling.objects.filter(year=year, financing=financing).first()
    form = CeilingTableForm(
        request.POST or None,
        financing=financing,
        existing=existing,
        initial={"year": year, "financing": financing, "source": first.source if first else ""},
    )
    if request.method == "POST" and form.is_valid():
        counts = income_ceiling_table_enter(
            actor=request.user,
            year=year,
            financing=financing,
            amounts=form.amounts(),
            source=form.cleaned_data["source"],
        )
        messages.success(request, _entry_message(financing, year, counts))
        return redirect(f"{reverse('allocation:income_ceilings')}?year={year}")
    context = {
        "form": form,
        "year": year,
        "financings": ENTERED_FINANCINGS,
        "zones": form.zone_groups(),
        "complete": len(existing) == len(form.zones) * len(CATEGORIES),
    }
    return render(
        request,
        "allocation/eligibility_ceiling_entry.html",
        context,
        status=400 if form.errors else 200,
    )


def _entry_year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return min(max(year, YEARS[0]), YEARS[1])


def _entry_message(financing, year, counts) -> str:
    if not counts["created"] and not counts["updated"]:
        return _("The %(financing)s %(year)s table was already stored: nothing changed.") % {
            "financing": financing,
            "year": year,
        }
    return _(
        "The %(financing)s %(year)s table is saved (%(created)s new amounts, %(updated)s changed)."
    ) % {"financing": financing, "year": year, **counts}
