"""Reads of requests for the staff pages, the tenant's status page and the home cards."""

from django.db.models import Case, IntegerField, Value, When

from ..models import PRIORITY_RANK, BacklogRelease, InterventionRequest, RequestStatus

# Safety first, then urgent, normal, planned: the triage order.
PRIORITY_ORDER = Case(
    *(When(priority=p, then=Value(rank)) for p, rank in PRIORITY_RANK.items()),
    output_field=IntegerField(),
)


def triage_list(organisation):
    """The organisation's requests with what the list shows, the most pressing and the oldest
    first (filters come from ``forms.RequestFilter``)."""
    return (
        InterventionRequest.objects.for_organisation(organisation)
        .select_related("household", "category", "dwelling")
        .only(
            "tracking_number",
            "status",
            "priority",
            "source",
            "reported_at",
            "deferred_at",
            "callback_requested",
            "called_back_at",
            "household__name",
            "household__reference",
            "category__name",
            "dwelling__reference",
        )
        .order_by(PRIORITY_ORDER, "reported_at", "pk")
    )


def request_detail(organisation):
    return InterventionRequest.objects.for_organisation(organisation).select_related(
        "household", "lease", "dwelling__building__commune", "category__parent", "created_by"
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
