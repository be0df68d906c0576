"""The ``journal/`` pages: the filtered trail, and its CSV export for directors."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import AuditEvent
from relais.core.tenancy import require_ability

from .display import readable
from .filters import AuditEventFilter

PAGE_SIZE = 50
EXPORT_CHUNK = 1000


def _filtered(request):
    events = AuditEvent.objects.filter(organisation=request.organisation).select_related("actor")
    filterset = AuditEventFilter(request.GET, queryset=events, organisation=request.organisation)
    rows = filterset.qs if filterset.is_valid() else events.none()
    return filterset, rows.order_by("-created_at", "-id")


@login_required
def audit_log(request):
    require_ability(request, "audit.view")
    filterset, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = readable(
        page.object_list, organisation=request.organisation, abilities=request.abilities
    )
    context = {"filter": filterset, "page": page}
    if request.htmx:
        return render(request, "core/audit_log.html#results", context)
    return render(request, "core/audit_log.html", context)


class _Echo:
    """A file-like object whose ``write`` returns the line: csv.writer → streamed response."""

    def write(self, value):
        return value


def _csv_lines(events, organisation, abilities):
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # a BOM, so that spreadsheet software reads the accents right
    yield writer.writerow(
        [_("Date and time"), _("Person"), _("Action"), _("Object type"), _("Object"), _("Changes")]
    )
    last_id = None
    while True:
        chunk = events if last_id is None else events.filter(id__lt=last_id)
        chunk = list(chunk.order_by("-id")[:EXPORT_CHUNK])
        if not chunk:
            return
        for row in readable(chunk, organisation=organisation, abilities=abilities):
            yield writer.writerow(
                [
                    date_format(row.when, "SHORT_DATETIME_FORMAT"),
                    row.who,
                    row.action,
                    row.object_type,
                    row.object_repr,
                    " ; ".join(_change_text(change) for change in row.changes),
                ]
            )
        last_id = chunk[-1].id


def _change_text(change) -> str:
    if change.before is None:
        return f"{change.label}\u00a0: {change.after}"
    return f"{change.label}\u00a0: {change.before} → {change.after}"


@login_required
def audit_export(request):
    """The filtered trail as CSV (``;``-separated, UTF-8); the export itself is audited."""
    require_ability(request, "audit.export")
    filterset, events = _filtered(request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            _("These filters are not valid: correct them on the audit trail page.")
        )
    audit.record(
        action="audit.exported",
        organisation=request.organisation,
        actor=request.user,
        changes={"criteria": filterset.criteria(), "rows": events.count()},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        _csv_lines(events, request.organisation, request.abilities),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="journal-{stamp}.csv"'
    return response
