"""The staff page of the outbox: the organisation's messages, and sending a failed one again."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core.filters import filter_status
from relais.core.pagination import ListPaginator
from relais.core.tenancy import get_for_request, require_ability

from . import selectors, services
from .filters import OutboxFilter
from .models import OutboxMessage

PAGE_SIZE = 50
TEMPLATE = "core/outbox_list.html"


@login_required
def outbox_list(request):
    require_ability(request, "outbox.view")
    queryset = selectors.messages(request.organisation)
    filterset = OutboxFilter(request.GET, queryset=queryset)
    found = filterset.qs if filterset.is_valid() else queryset.none()
    page = ListPaginator(found.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.rows(
        page.object_list, show_recipients=request.abilities["outbox.view_recipients"]
    )
    context = {"filter": filterset, "page": page}
    status = filter_status(request, filterset)
    if request.htmx:
        return render(request, f"{TEMPLATE}#results", context, status=status)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_POST
def outbox_retry(request, pk):
    message = get_for_request(request, OutboxMessage.objects, ability="outbox.retry", pk=pk)
    if services.message_retry(message=message, actor=request.user):
        flash.success(request, _("The message is queued again and will be sent shortly."))
    else:
        flash.info(request, _("This message is no longer failed: nothing to send again."))
    return redirect("core:outbox_list")
