"""Import and export pages of the housing stock: thin views over ``relais.housing.io``."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from relais.core.tenancy import require_ability

from .io import exporters
from .io.formats import FORMATS
from .io.forms import ImportForm
from .io.importers import housing_import

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_view(request):
    require_ability(request, "housing.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = housing_import(
            organisation=request.organisation,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
        )
        if result.ok:
            page = _page(request, "housing/import_result.html", "result")
            return render(request, page, {"result": result})
    context = {"form": form, "result": result, "formats": FORMATS.values()}
    return render(request, _page(request, "housing/import.html", "import-panel"), context)


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
