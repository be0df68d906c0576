"""Open-data downloads for analysts: the week's CSV and JSON (stable URLs per ISO week), the
regional CSV, the data package describing them, and the weekly bulletin (PDF)."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import override

from relais.core import audit
from relais.core.tenancy import require_ability

from ..indicators.registry import Week
from . import bulletin as bulletin_pdf
from . import exports


def _federation_week(request, week):
    require_ability(request, "federation.export")
    federation = request.organisation.federation
    if federation is None:
        raise Http404
    try:
        return federation, Week.parse(week)
    except ValueError as error:
        raise Http404 from error


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _audit(request, week, kind):
    audit.record(
        action="federation.exported",
        organisation=request.organisation,
        actor=request.user,
        changes={"week": week.code, "format": kind},
    )


@login_required
def export_csv(request, week):
    federation, week = _federation_week(request, week)
    _audit(request, week, "csv")
    body = exports.to_csv(exports.member_rows(federation, week))
    return _download(body, "text/csv; charset=utf-8", f"indicateurs-{week.code}.csv")


@login_required
def export_regional_csv(request, week):
    federation, week = _federation_week(request, week)
    _audit(request, week, "regional-csv")
    body = exports.to_csv(exports.regional_rows(federation, week), exports.REGIONAL_FIELDS)
    return _download(body, "text/csv; charset=utf-8", f"indicateurs-{week.code}-region.csv")


@login_required
def export_json(request, week):
    federation, week = _federation_week(request, week)
    _audit(request, week, "json")
    return JsonResponse(
        exports.to_json(federation, week), json_dumps_params={"ensure_ascii": False}
    )


@login_required
def datapackage(request):
    require_ability(request, "federation.export")
    with override("en"):
        body = json.dumps(exports.datapackage(), indent=2, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


@login_required
def bulletin(request, week):
    federation, week = _federation_week(request, week)
    _audit(request, week, "bulletin")
    pdf = bulletin_pdf.render(federation, week)
    return _download(pdf, "application/pdf", f"bulletin-{week.code}.pdf")
