"""The library pages: the federation's templates (its analysts publish them, members adopt
them), a template's preview, versions and adoptions, and the adoption itself (POST)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.tenancy import get_for_request, require_ability

from . import diff, registry, selectors, services
from .forms import TemplateForm, VersionForm
from .models import Adoption

VIEW, PUBLISH, ADOPT = (
    "federation.template_view",
    "federation.template_publish",
    "federation.template_adopt",
)


def _kind_or_404(code):
    kind = registry.get_kind(code)
    if kind is None:
        raise Http404
    return kind


@login_required
def library_list(request):
    require_ability(request, VIEW)
    organisation = request.organisation
    context = {
        "has_federation": organisation.federation_id is not None,
        "publisher": request.abilities.get(PUBLISH),
        "kinds": registry.kinds(),
        "rows": selectors.member_rows(organisation),
    }
    return render(request, "federation/library/list.html", context)


@login_required
def library_create(request, kind):
    require_ability(request, PUBLISH)
    kind = _kind_or_404(kind)
    if request.organisation.federation_id is None:
        raise Http404
    data = request.POST or None
    form = TemplateForm(data, initial={"title": kind.label})
    content_form = kind.form(data, content=kind.default(), prefix="content")
    if request.method == "POST" and form.is_valid() and content_form.is_valid():
        version = services.template_publish(
            organisation=request.organisation,
            actor=request.user,
            kind=kind.code,
            title=form.cleaned_data["title"],
            content=content_form.content(),
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("Template published and announced to the members."))
        return redirect("federation:library_detail", pk=version.template_id)
    status = 400 if request.method == "POST" else 200
    context = {"kind": kind, "form": form, "content_form": content_form}
    return render(request, "federation/library/form.html", context, status=status)


@login_required
def library_detail(request, pk):
    require_ability(request, VIEW)
    template = selectors.get_template(request, pk)
    kind = _kind_or_404(template.kind)
    versions = list(template.versions.all())
    latest = versions[0] if versions else None
    context = {
        "template": template,
        "kind": kind,
        "latest": latest,
        "versions": versions,
        "preview": kind.describe(latest.content) if latest else [],
        "publisher": request.abilities.get(PUBLISH),
    }
    if context["publisher"]:
        context["table"] = selectors.adoption_table(template)
    else:
        mine = selectors.my_adoptions(request.organisation, template)
        context["mine"] = [(a, *_copy(kind, request.organisation, a)) for a in mine]
        context["may_adopt"] = bool(
            latest and request.abilities.get(ADOPT) and request.abilities.get(kind.ability)
        )
        seen = max((a.kept_number or a.version.number for a in mine), default=0)
        context["outdated"] = bool(mine and latest and seen < latest.number)
        context["choices"] = None
        if context["may_adopt"] and kind.choices is not None:
            context["choices"] = kind.choices(request.organisation)
    return render(request, "federation/library/detail.html", context)


def _copy(kind, organisation, adoption) -> tuple[str, str]:
    """(edit URL, current name) of the member's copy, read through the kind's ``get``: the
    name the member gave it since (two copies of one template tell apart once renamed);
    ("", the name at adoption) when the copy was deleted."""
    copy = kind.get(organisation, adoption.object_id)
    if copy is None:
        return "", adoption.object_repr
    return kind.edit_url(copy), str(copy)


@login_required
def library_version(request, pk):
    require_ability(request, PUBLISH)
    template = selectors.get_template(request, pk)
    kind = _kind_or_404(template.kind)
    latest = template.versions.first()
    data = request.POST or None
    form = VersionForm(data)
    content_form = kind.form(
        data, content=latest.content if latest else kind.default(), prefix="content"
    )
    if request.method == "POST" and form.is_valid() and content_form.is_valid():
        services.version_publish(
            organisation=request.organisation,
            actor=request.user,
            template=template,
            content=content_form.content(),
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, _("New version published and announced to the members."))
        return redirect("federation:library_detail", pk=template.pk)
    status = 400 if request.method == "POST" else 200
    context = {"kind": kind, "template": template, "form": form, "content_form": content_form}
    return render(request, "federation/library/form.html", context, status=status)


@login_required
@require_POST
def library_adopt(request, pk):
    require_ability(request, ADOPT)
    template = selectors.get_template(request, pk)
    kind = _kind_or_404(template.kind)
    if not request.abilities.get(kind.ability):
        raise PermissionDenied
    try:
        expected = int(request.POST.get("copies", ""))
    except ValueError:
        expected = None
    try:
        adoption, created = services.template_adopt(
            organisation=request.organisation,
            actor=request.user,
            template=template,
            expected=expected,
            choice=request.POST.get("choice") or None,
        )
    except services.LibraryError as error:
        messages.error(request, error.messages[0])
        return redirect("federation:library_detail", pk=template.pk)
    if created:
        messages.success(
            request, _("Template adopted: this copy is yours, adapt it to your organisation.")
        )
    copy = kind.get(request.organisation, adoption.object_id)
    if copy is None:
        return redirect("federation:library_detail", pk=template.pk)
    return redirect(kind.edit_url(copy))


def _member_copy(request, pk, adoption_pk):
    """(template, kind, adoption, copy) of the current member's adoption, or 404; the member
    must be able to adopt and to hold the kind's copies."""
    require_ability(request, ADOPT)
    template = selectors.get_template(request, pk)
    kind = _kind_or_404(template.kind)
    if not request.abilities.get(kind.ability):
        raise PermissionDenied
    adoption = get_for_request(
        request, Adoption.objects.filter(template=template).select_related("version"),
        pk=adoption_pk,
    )  # fmt: skip
    return template, kind, adoption, kind.get(request.organisation, adoption.object_id)


@login_required
def library_compare(request, pk, adoption):
    """The member's copy (as it edited it) beside the template's latest version, line by line;
    it takes the new version (a new copy, or the new items of a list) or keeps its own."""
    template, kind, adoption, copy = _member_copy(request, pk, adoption)
    latest = template.versions.first()
    if copy is None or latest is None:
        raise Http404
    lines = diff.content_diff(kind, kind.export(copy), latest.content)
    context = {
        "template": template,
        "kind": kind,
        "adoption": adoption,
        "copy": copy,
        "copy_url": kind.edit_url(copy),
        "latest": latest,
        "lines": lines,
        "changes": diff.changes(lines),
        "copies": Adoption.objects.filter(
            organisation=request.organisation, template=template
        ).count(),
        "kept": adoption.kept_number == latest.number,
    }
    return render(request, "federation/library/compare.html", context)


@login_required
@require_POST
def library_keep(request, pk, adoption):
    template, _kind, adoption, _copy = _member_copy(request, pk, adoption)
    services.adoption_keep(organisation=request.organisation, actor=request.user, adoption=adoption)
    messages.success(
        request,
        _("Your copy stays as it is: version %(number)d will not be announced to you again.")
        % {"number": template.latest_number},
    )
    return redirect("federation:library_detail", pk=template.pk)
