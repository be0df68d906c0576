"""Staff pages of broadcasts (``/diffusions/``) and the public latest messages with their
poster (``/o/<slug>/messages/``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.core import audit
from relais.core.models import Organisation
from relais.core.pagination import ListPaginator
from relais.core.pdf import compile_typst, fr_datetime
from relais.core.tenancy import get_for_request, require_ability

from . import segments, selectors, services
from .forms import BroadcastForm
from .letters import TEMPLATES
from .models import Broadcast, BroadcastStatus

PAGE_SIZE = 50


def _get(request, pk, ability="broadcast.view"):
    return get_for_request(
        request, Broadcast.objects.select_related("created_by", "approved_by"), ability=ability,
        pk=pk,
    )  # fmt: skip


def _may_see_people(request, broadcast) -> bool:
    """Whether the viewer's role may see who the broadcast names (a sensitive segment, such
    as the outreach register, needs its ability)."""
    return not segments.forbidden(broadcast.criteria, request.abilities)


def _require_people(request, broadcast, use: str) -> None:
    if not _may_see_people(request, broadcast):
        raise PermissionDenied
    segments.record_use(broadcast, request.user, use)


@login_required
def broadcast_list(request):
    require_ability(request, "broadcast.view")
    queryset = Broadcast.objects.for_organisation(request.organisation).select_related("created_by")
    page = ListPaginator(queryset.order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for broadcast in page.object_list:
        broadcast.recipients_label = segments.describe(broadcast.criteria)
    return render(request, "messaging/broadcast_list.html", {"page": page})


@login_required
def broadcast_create(request):
    require_ability(request, "broadcast.send")
    form = BroadcastForm(request.POST or None, abilities=request.abilities)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BroadcastForm.Meta.fields}
        try:
            broadcast = services.broadcast_create(
                organisation=request.organisation,
                actor=request.user,
                criteria=form.criteria(),
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict of errors lands on the fields it names
        else:
            return redirect("messaging:broadcast_detail", broadcast.pk)
    return render(
        request, "messaging/broadcast_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def broadcast_edit(request, pk):
    """Change a draft: e.g. a copy of a federation template, adapted by the member."""
    broadcast = _get(request, pk, ability="broadcast.send")
    if broadcast.status != "draft":
        messages.error(request, _("Only a draft can be changed."))
        return redirect("messaging:broadcast_detail", broadcast.pk)
    criteria = {c["key"]: c.get("value", "") for c in broadcast.criteria}
    segment = next((key for key in criteria if key != "age_band"), "")
    initial = {
        "segment": segment,
        "value": criteria.get(segment, ""),
        "age_band": criteria.get("age_band", ""),
    }
    form = BroadcastForm(
        request.POST or None, instance=broadcast, initial=initial, abilities=request.abilities
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BroadcastForm.Meta.fields}
        try:
            services.broadcast_update(
                organisation=request.organisation,
                actor=request.user,
                broadcast=broadcast,
                criteria=form.criteria(),
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("messaging:broadcast_detail", broadcast.pk)
    context = {"form": form, "broadcast": broadcast}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "messaging/broadcast_form.html", context, status=status)


@login_required
def broadcast_detail(request, pk):
    broadcast = _get(request, pk)
    found = selectors.progress(broadcast)
    may_see_people = _may_see_people(request, broadcast)
    counts = selectors.counts(broadcast)
    if not request.htmx:  # the progress bar's polling is not a new reading
        segments.record_use(broadcast, request.user, "viewed")
    context = {
        "broadcast": broadcast,
        "recipients_label": segments.describe(broadcast.criteria),
        "counts": counts,
        "total": sum(counts.get(channel, 0) for channel in ("email", "sms", "letter")),
        "progress": found,
        "status_lines": selectors.status_lines(found),
        "preview": selectors.preview(broadcast, named=may_see_people)
        if broadcast.dispatched_at is None
        else None,
        "may_see_people": may_see_people,
        "may_approve": broadcast.created_by_id != request.user.pk,
    }
    template = "messaging/broadcast_detail.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


def _act(request, pk, ability, action, done_message):
    broadcast = _get(request, pk, ability=ability)
    try:
        action(broadcast=broadcast, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return redirect("messaging:broadcast_detail", broadcast.pk)


@login_required
@require_POST
def broadcast_send(request, pk):
    broadcast = _get(request, pk, ability="broadcast.send")
    try:
        status = services.broadcast_send(broadcast=broadcast, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if status == BroadcastStatus.AWAITING_APPROVAL:
            messages.info(request, _("This message reaches many people: a second person must "
                                     "approve it before it goes."))  # fmt: skip
        else:
            messages.success(request, _("The message is being sent."))
    return redirect("messaging:broadcast_detail", broadcast.pk)


@login_required
@require_POST
def broadcast_approve(request, pk):
    return _act(request, pk, "broadcast.approve", services.broadcast_approve,
                _("Approved: the message is being sent."))  # fmt: skip


@login_required
@require_POST
def broadcast_cancel(request, pk):
    return _act(request, pk, "broadcast.send", services.broadcast_cancel,
                _("The message was cancelled; nothing was sent."))  # fmt: skip


@login_required
def broadcast_letters(request, pk):
    """The letters' PDF for the printer (names and addresses: the reading is audited)."""
    broadcast = _get(request, pk, ability="broadcast.send")
    if not broadcast.letters_pdf:
        messages.error(request, _("The letters are not printed yet."))
        return redirect("messaging:broadcast_detail", broadcast.pk)
    _require_people(request, broadcast, "letters_downloaded")
    audit.record(
        action="broadcast.letters_downloaded",
        organisation=broadcast.organisation,
        actor=request.user,
        obj=broadcast,
    )
    response = HttpResponse(bytes(broadcast.letters_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="courriers-{broadcast.pk}.pdf"'
    return response


@login_required
def broadcast_recipients(request, pk):
    """Each recipient's delivery status (e-mails and texts), then the letters."""
    broadcast = _get(request, pk)
    _require_people(request, broadcast, "recipients_viewed")
    page = ListPaginator(selectors.deliveries(broadcast), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "broadcast": broadcast,
        "page": page,
        "letters": selectors.letters(broadcast)[:PAGE_SIZE],
    }
    return render(request, "messaging/broadcast_recipients.html", context)


# Public side ------------------------------------------------------------------------------------


def public_messages(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    context = {
        "organisation": organisation,
        "latest": selectors.public_messages(organisation),
    }
    return render(request, "messaging/public_messages.html", context)


def public_poster(request, slug):
    """The latest public messages in large type, A4, for building halls."""
    organisation = get_object_or_404(Organisation, slug=slug)
    latest = selectors.public_messages(organisation, limit=3)
    data = {
        "landlord": organisation.name,
        "messages": [
            {"title": row["title"], "text": row["text"], "sent": fr_datetime(row["sent_at"])}
            for row in latest
        ],
        "printed": fr_datetime(timezone.now()),
        "address": settings.SITE_URL.rstrip("/")
        + reverse("messaging:public_messages", kwargs={"slug": organisation.slug}),
    }
    pdf = compile_typst(TEMPLATES, "poster", data, created_at=timezone.now())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="messages.pdf"'
    return response
