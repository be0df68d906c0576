"""Eligibility pages: the simulator and the income-ceiling tables (ability eligibility.simulate).

Both are reference tools with no organisation data: the simulator runs the same service as
the public API, the ceilings page reads the shared ``IncomeCeiling`` table.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from relais.core.tenancy import require_ability
from relais.housing.models import Zone

from ..models import IncomeCeiling
from .benefits import Household, effort_rate, estimate_housing_benefits
from .ceilings import EXTRA_PERSON, EligibilityError, check_eligibility, pls_ceiling
from .forms import CeilingYearForm, EligibilityForm
from .household import retained_income

ABILITY = "eligibility.simulate"


@dataclass(frozen=True)
class Simulation:
    result: object  # EligibilityResult
    income: int
    income_basis: str  # "n2" | "n1" | "12m"
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
            zone=data["commune"].zone,
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
    return Simulation(result=result, income=income, income_basis=basis, effort=_effort(data))


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
        "zones": Zone.choices,
    }
    template = "allocation/eligibility_ceilings.html"
    if request.htmx:
        return render(request, f"{template}#tables", context)
    return render(request, template, context)


def _tables(year: int) -> list[dict]:
    """PLAI, PLUS and PLS (derived) tables of a year: rows of amounts per zone, or missing."""
    amounts = {
        (c.financing, c.zone, c.category): c.ceiling_eur
        for c in IncomeCeiling.objects.filter(year=year)
    }
    categories = range(1, EXTRA_PERSON + 1)
    tables = []
    for financing in ("PLAI", "PLUS", "PLS"):
        base = "PLUS" if financing == "PLS" else financing
        complete = all((base, z, c) in amounts for z in Zone.values for c in categories)
        rows = [
            {
                "category": category,
                "amounts": [
                    amounts[base, zone, category]
                    if financing != "PLS"
                    else pls_ceiling(amounts[base, zone, category])
                    for zone in Zone.values
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
        tables.append({"financing": financing, "rows": rows, "missing": missing})
    return tables
