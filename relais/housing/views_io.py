"""Import and export pages of the housing stock: thin views over ``relais.housing.io``."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from relais.core.tenancy import get_for_request, require_ability

from .io import exporters, jobs
from .io.formats import FORMATS
from .io.forms import ImportForm
from .io.importers import housing_import
from .io.service import ImportResult
from .models import ImportJob

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_view(request):
    require_ability(request, "housing.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        sensitive = request.abilities.get("household.view_sensitive", False)
        if in_background(upload):
            job = jobs.import_job_start(
                organisation=request.organisation,
                actor=request.user,
                kind=kind,
                file=upload,
                sensitive=sensitive,
            )
            return to_job_page(request, job)
        result = housing_import(
            organisation=request.organisation,
            actor=request.user,
            kind=kind,
            file=upload,
            sensitive=sensitive,
        )
        if result.ok:
            page = _page(request, "housing/import_result.html", "result")
            return render(request, page, {"result": result})
    context = {"form": form, "result": result, "formats": FORMATS.values()}
    page = _page(request, "housing/import.html", "import-panel")
    return render(request, page, context, status=refused_status(request, form, result))


def refused_status(request, form, result) -> int:
    """422 for a refused upload (invalid form or file with errors), so it is never a 200."""
    if request.method == "POST" and (form.errors or (result is not None and not result.ok)):
        return 422
    return 200


def in_background(upload) -> bool:
    """Large files are imported by a background task (``IMPORT_BACKGROUND_BYTES``)."""
    return upload.size > settings.IMPORT_BACKGROUND_BYTES


def to_job_page(request, job):
    """After starting ``job``: its progress page (an htmx form follows ``HX-Redirect``)."""
    url = job_url(job)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def job_url(job) -> str:
    return reverse("housing:import_job", args=[job.pk])


@login_required
@require_GET
def import_job(request, pk):
    """Progress of a background import, then its result; htmx polls the ``job`` partial."""
    job = get_for_request(request, ImportJob.objects.defer("data"), pk=pk)
    kind = jobs.KINDS.get(job.kind)
    require_ability(request, kind.ability if kind else "housing.import")
    result = ImportResult.from_json(job.result) if job.finished else None
    context = {"job": job, "result": result, "again_url": kind.url_name if kind else ""}
    return render(request, _page(request, "housing/import_job.html", "job"), context)


def _page(request, template: str, partial: str) -> str:
    """The whole page, or only its ``partial`` for an htmx request."""
    return f"{template}#{partial}" if request.htmx else template


@login_required
@require_GET
def import_template(request, kind, file_type):
    """An empty file with the header row of ``kind``, to fill in."""
    require_ability(request, "housing.import")
    columns = FORMATS[kind].columns
    name = exporters.file_name(request.organisation, kind, file_type, template=True)
    return file_response(name, kind, file_type, columns, rows=())


@login_required
@require_GET
def export_view(request, kind, file_type):
    require_ability(request, "housing.export")
    if kind == "households":
        require_ability(request, "household.view")
    sensitive = kind == "households" and request.abilities.get("household.view_sensitive", False)
    columns = exporters.export_columns(
        kind, sensitive=sensitive, benefit=request.abilities.get("lease.view_benefit", False)
    )
    rows = exporters.housing_export(
        organisation=request.organisation,
        actor=request.user,
        kind=kind,
        file_type=file_type,
        columns=columns,
    )
    name = exporters.file_name(request.organisation, kind, file_type)
    return file_response(name, kind, file_type, columns, rows)


def file_response(name, kind, file_type, columns, rows):
    """Stream ``rows`` as a CSV or XLSX download in ``columns`` (shared by every export)."""
    if file_type == "csv":
        response = StreamingHttpResponse(
            exporters.csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        exporters.xlsx_file(kind, columns, rows),
        as_attachment=True,
        filename=name,
        content_type=XLSX_CONTENT_TYPE,
    )
