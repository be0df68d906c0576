"""The organisation's category tree, its crisis whitelist and the response targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relais.core.tenancy import get_for_request, require_ability

from ..models import Category
from . import selectors, services
from .forms import CategoryForm, TargetsForm


@login_required
def category_list(request):
    require_ability(request, "intervention.configure")
    organisation = request.organisation
    services.ensure_defaults(organisation)
    form = TargetsForm(request.POST or None, initial=selectors.targets(organisation))
    if request.method == "POST" and form.is_valid():
        services.targets_save(
            organisation=organisation, actor=request.user, hours=form.cleaned_data
        )
        messages.success(request, _("Response targets saved."))
        return redirect("interventions:category_list")
    context = {"tree": selectors.tree(organisation, active_only=False), "targets_form": form}
    return render(
        request,
        "interventions/category_list.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _edit(request, category):
    organisation = request.organisation
    form = CategoryForm(request.POST or None, instance=category, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        fields = [name for name in services.EDITABLE if name in form.cleaned_data]
        values = {name: form.cleaned_data[name] for name in fields}
        if category.pk is None:
            category.code = form.cleaned_data["code"]
        services.category_save(
            organisation=organisation, actor=request.user, category=category, values=values
        )
        messages.success(request, _("Category saved."))
        return redirect("interventions:category_list")
    return render(
        request,
        "interventions/category_form.html",
        {"form": form, "category": category},
        status=400 if form.is_bound else 200,
    )


@login_required
def category_create(request):
    require_ability(request, "intervention.configure")
    return _edit(request, Category(organisation=request.organisation))


@login_required
def category_edit(request, pk):
    category = get_for_request(
        request, Category.objects.all(), ability="intervention.configure", pk=pk
    )
    return _edit(request, category)
