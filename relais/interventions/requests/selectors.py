"""Reads of requests for the staff pages, the tenant's status page and the home cards."""

from django.db.models import F

from ..models import BacklogRelease, InterventionRequest, RequestStatus

# Safety first, then urgent, normal, planned (``priority_rank``, stored and indexed): the
# triage order, oldest first within a priority.
TRIAGE_ORDER = ("priority_rank", "reported_at", "pk")


def triage_list(organisation):
    """The organisation's requests with what the list shows, the most pressing and the oldest
    first (filters come from ``forms.RequestFilter``). The household's, category's and
    dwelling's names come as annotations (``household_name``, ``household_reference``,
    ``category_name``, ``dwelling_reference``; ``building_address`` for a request about a
    building's common areas): one object a row, read in the order of the
    ``request_triage_order`` index (ADR 0037)."""
    return (
        InterventionRequest.objects.for_organisation(organisation)
        .only(
            "tracking_number",
            "status",
            "priority",
            "source",
            "reported_at",
            "deferred_at",
            "callback_requested",
            "called_back_at",
        )
        .annotate(
            household_name=F("household__name"),
            household_reference=F("household__reference"),
            building_address=F("building__address"),
            category_name=F("category__name"),
            dwelling_reference=F("dwelling__reference"),
        )
        .order_by(*TRIAGE_ORDER)
    )


def request_detail(organisation):
    return InterventionRequest.objects.for_organisation(organisation).select_related(
        "household",
        "building__commune",
        "lease",
        "dwelling__building__commune",
        "category__parent",
        "created_by",
    )


def history(request: InterventionRequest):
    return request.events.select_related("actor").order_by("at", "pk")


def latest_release(organisation) -> BacklogRelease | None:
    return BacklogRelease.objects.for_organisation(organisation).first()


def to_triage(organisation):
    return InterventionRequest.objects.for_organisation(organisation).filter(
        status=RequestStatus.NEW
    )


def deferred_backlog(organisation):
    return InterventionRequest.objects.for_organisation(organisation).filter(
        status=RequestStatus.DEFERRED
    )


def calls_to_return(organisation):
    """Open requests whose tenant asked to be called back and has not been yet."""
    return (
        InterventionRequest.objects.for_organisation(organisation)
        .open()
        .filter(callback_requested=True, called_back_at__isnull=True)
    )


def open_safety(organisation):
    return (
        InterventionRequest.objects.for_organisation(organisation).open().filter(priority="safety")
    )
