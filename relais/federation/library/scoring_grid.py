"""The scoring grid as a federation template (ADR 0049, amended): content is ``{"name": str,
"criteria": {...}}`` with ``criteria`` in the shape of ``allocation.ScoringGrid.criteria``
(docs/scoring.md; checked by ``allocation.scoring.services.validate_criteria``).

A cotation grid belongs to an EPCI (art. L441-2-8 CCH), so a member adopts the template *for
one of its EPCIs* — those where it has buildings — and gets its own ``GridCopy``, which it
edits here and brings to that EPCI's conference; the allocation's cotation never reads it.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import audit
from relais.core.tenancy import get_for_request

from .models import GridCopy
from .registry import ContentForm, register_kind

KIND = "allocation.scoring_grid"
ABILITY = "allocation.edit"


def _validate(criteria):
    from relais.allocation.scoring.services import validate_criteria

    validate_criteria(criteria)


class CriteriaField(forms.CharField):
    """The criteria as JSON text, checked as the allocation checks a grid's."""

    widget = forms.Textarea(attrs={"rows": 14, "class": "font-monospace"})

    def prepare_value(self, value):
        return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)

    def to_python(self, value):
        text = super().to_python(value)
        try:
            criteria = json.loads(text)
        except ValueError as error:
            raise ValidationError(  # noqa: B904  (the JSON error is the message)
                _("The criteria are not valid JSON: %(error)s") % {"error": error}
            )
        _validate(criteria)
        return criteria


class GridForm(ContentForm):
    name = forms.CharField(label=gettext_lazy("Name of the grid"), max_length=200)
    criteria = CriteriaField(
        label=gettext_lazy("Criteria (JSON)"),
        help_text=gettext_lazy("Points per month of waiting, priority criteria, situations…"),
    )

    def initial_from(self, content: dict) -> dict:
        criteria = content.get("criteria")
        text = json.dumps(criteria, indent=2, ensure_ascii=False) if criteria is not None else ""
        return {"name": content.get("name", ""), "criteria": text}


def default() -> dict:
    from relais.allocation.scoring.services import load_default_grid_file

    return {"name": _("Regional scoring grid"), "criteria": load_default_grid_file()["criteria"]}


def export(copy: GridCopy) -> dict:
    return {"name": copy.name, "criteria": copy.criteria}


def member_epcis(organisation) -> list[tuple[str, str]]:
    """(code, name) of the EPCIs where ``organisation`` has buildings (one query)."""
    from relais.housing.models import Building, Epci

    theirs = Building.objects.filter(organisation=organisation).values("commune__epci_id")
    found = Epci.objects.filter(code__in=theirs)
    return [(e.code, e.name) for e in found.order_by("name")]


def adopt(organisation, actor, content: dict, choice: str | None = None) -> GridCopy:
    """The member's copy for the EPCI ``choice`` (one of ``member_epcis``, checked by the
    library; None only when the library adopts without a page, e.g. the demo)."""
    _validate(content["criteria"])
    copy = GridCopy.objects.create(
        organisation=organisation,
        name=content["name"],
        epci_id=choice,
        criteria=content["criteria"],
    )
    audit.record(
        action="federation_grid_copy.created",
        organisation=organisation,
        actor=actor,
        obj=copy,
        changes={"epci": choice or ""},
    )
    return copy


def get(organisation, object_id) -> GridCopy | None:
    return GridCopy.objects.filter(organisation=organisation, pk=object_id).first()


def edit_url(copy: GridCopy) -> str:
    return reverse("federation:grid_copy_edit", args=[copy.pk])


def describe(content: dict) -> list[tuple[str, str]]:
    """The grid's criteria as the allocation reads them: one « sentence: points » a line."""
    from relais.allocation.scoring.services import described

    rows = described(content.get("criteria") or {})
    lines = "\n".join(f"{sentence} : {points}" for sentence, points in rows)
    return [(content["name"], lines)]


@transaction.atomic
def grid_copy_save(*, organisation, actor, copy: GridCopy, name: str, criteria: dict) -> GridCopy:
    """The member edits its copy (criteria already checked); audited with what changed."""
    copy = GridCopy.objects.select_for_update().get(pk=copy.pk, organisation=organisation)
    changed = [f for f, v in (("name", name), ("criteria", criteria)) if getattr(copy, f) != v]
    if changed:
        copy.name, copy.criteria = name, criteria
        copy.save(update_fields=["name", "criteria", "updated_at"])
        audit.record(
            action="federation_grid_copy.changed",
            organisation=organisation,
            actor=actor,
            obj=copy,
            changes={"fields": changed},
        )
    return copy


@login_required
def grid_copy_edit(request, pk):
    """The member's copy of a federation scoring grid: its name and criteria."""
    copy = get_for_request(request, GridCopy.objects.select_related("epci"), ABILITY, pk=pk)
    form = GridForm(request.POST or None, content=export(copy))
    if request.method == "POST" and form.is_valid():
        grid_copy_save(
            organisation=request.organisation,
            actor=request.user,
            copy=copy,
            **form.content(),
        )
        messages.success(request, _("Your scoring grid is saved."))
        return redirect("federation:grid_copy_edit", pk=copy.pk)
    status = 400 if request.method == "POST" else 200
    context = {"copy": copy, "form": form, "preview": describe(export(copy))}
    return render(request, "federation/library/grid_copy.html", context, status=status)


def register() -> None:
    register_kind(
        KIND,
        gettext_lazy("Scoring grid"),
        export=export,
        adopt=adopt,
        edit_url=edit_url,
        get=get,
        form=GridForm,
        default=default,
        describe=describe,
        ability=ABILITY,
        order=60,
        choices=member_epcis,
    )
