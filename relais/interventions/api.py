"""JSON API of interventions (mounted under /api/v1/): requests (read, create) and work
orders (read).

Every query starts from the API key's organisation, so another organisation's id is a 404.
Health data ("someone ill or vulnerable in the home", the questionnaire's answers) is given
only to keys whose role has ``intervention.view_sensitive``, and each such reading is audited.
"""

import contextlib
import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Path, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from relais.api.auth import require_ability
from relais.api.pagination import Pagination
from relais.api.schemas import ERRORS, Error
from relais.housing.models import Household, Lease

from .models import (
    Category,
    InterventionRequest,
    Priority,
    RequestSource,
    RequestStatus,
    WorkOrder,
    WorkOrderStatus,
)
from .requests.services import NewRequest, request_create, request_viewed

Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
TEXT = r"^[^\x00]*$"

requests_router = Router(tags=["interventions"])
work_orders_router = Router(tags=["interventions"])


class RequestOut(Schema):
    id: int
    tracking_number: str
    household_id: int | None = Field(
        description="Null for a request about a building's common areas (see building_id)."
    )
    building_id: int | None = Field(
        description="The building of a common-area request (a caretaker's round), else null."
    )
    dwelling_id: int | None
    category_id: int
    category: str = Field(description="The category's name.")
    status: RequestStatus
    priority: Priority
    source: RequestSource
    reported_at: dt.datetime = Field(description="The tenant's first report; SLA clock start.")
    description: str
    vulnerable_present: bool | None = Field(
        description="Someone ill or vulnerable in the home: given by the detail endpoint to "
        "keys allowed to see health data (each reading audited), null otherwise."
    )

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_vulnerable_present(obj, context):
        # Given by the detail endpoint only, to keys with the ability (the reading audited).
        shown = getattr(context["request"], "intervention_sensitive_shown", False)
        return obj.vulnerable_present if shown else None


class RequestIn(Schema):
    household_id: int = Field(ge=1, le=2**63 - 1)
    category_id: int = Field(ge=1, le=2**63 - 1)
    description: str = Field(min_length=3, max_length=4000, pattern=TEXT)
    availability: str = Field("", max_length=500, pattern=TEXT)
    contact_phone: str = Field("", max_length=30, pattern=TEXT)
    vulnerable_present: bool = False
    submission_key: str = Field(
        "",
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Idempotency key: a retried POST with the same key returns the first request.",
    )


class WorkOrderOut(Schema):
    id: int
    request_id: int
    tracking_number: str
    contractor_id: int
    contractor: str
    status: WorkOrderStatus
    sent_at: dt.datetime
    due_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    proposed_slot_start: dt.datetime | None
    proposed_slot_end: dt.datetime | None
    on_time: bool | None = Field(description="Completed by its due time; null while open.")

    @staticmethod
    def resolve_tracking_number(obj) -> str:
        return obj.request.tracking_number

    @staticmethod
    def resolve_contractor(obj) -> str:
        return obj.contractor.name

    @staticmethod
    def resolve_on_time(obj):
        if obj.completed_at is None or obj.due_at is None:
            return None
        return obj.completed_at <= obj.due_at


class RequestFilter(FilterSchema):
    status: RequestStatus | None = None
    priority: Priority | None = None


class WorkOrderFilter(FilterSchema):
    status: WorkOrderStatus | None = None
    contractor_id: int | None = Field(None, ge=1, le=2**63 - 1)


def _requests(request):
    return (
        InterventionRequest.objects.for_organisation(request.organisation)
        .select_related("category")
        .order_by("-reported_at", "-pk")
    )


def _work_orders(request):
    return (
        WorkOrder.objects.for_organisation(request.organisation)
        .select_related("request", "contractor")
        .order_by("-sent_at", "-pk")
    )


def _show_sensitive(request, found) -> None:
    if request.abilities.get("intervention.view_sensitive"):
        request_viewed(request=found, actor=request.user, via="api")
        request.intervention_sensitive_shown = True


@requests_router.get("", response={200: list[RequestOut], **ERRORS})
@paginate(Pagination)
def request_list(request, filters: Query[RequestFilter]):
    require_ability(request, "intervention.view")
    return filters.filter(_requests(request))


@requests_router.get("/{id}", response={200: RequestOut, **ERRORS})
def request_detail(request, id: Id):
    require_ability(request, "intervention.view")
    found = get_object_or_404(_requests(request), pk=id)
    _show_sensitive(request, found)
    return found


@requests_router.post("", response={201: RequestOut, 400: Error, **ERRORS})
def request_post(request, data: RequestIn):
    """Log a request for a household (as staff do on the phone); the crisis whitelist applies
    (it may be deferred), and the tenant is told."""
    require_ability(request, "intervention.log_call")
    organisation = request.organisation
    household = get_object_or_404(
        Household.objects.for_organisation(organisation), pk=data.household_id
    )
    category = (
        Category.objects.for_organisation(organisation).active().filter(pk=data.category_id).first()
    )
    if category is None:
        raise _invalid("category_id", "no such active category in this organisation.")
    lease = (
        Lease.objects.filter(household=household, end_date__isnull=True)
        .select_related("dwelling")
        .first()
    )
    with transaction.atomic(), _as_api_errors():
        created = request_create(
            organisation=organisation,
            actor=request.user,
            source=RequestSource.PHONE,
            data=NewRequest(
                household=household,
                lease=lease,
                dwelling=lease.dwelling if lease else None,
                category=category,
                description=data.description,
                availability=data.availability,
                vulnerable_present=data.vulnerable_present,
                contact_phone=data.contact_phone,
                submission_key=data.submission_key or None,
            ),
        )
    return Status(201, created)


def _invalid(field: str, message: str) -> NinjaValidationError:
    """A 422 in the shape every endpoint declares (``ValidationErrorOut``)."""
    return NinjaValidationError(
        [{"type": "value_error", "loc": ["body", "data", field], "msg": message}]
    )


@contextlib.contextmanager
def _as_api_errors():
    """A model or service refusal (Django ``ValidationError``) becomes a 422, never a 500."""
    try:
        yield
    except DjangoValidationError as error:
        entries = (
            error.message_dict.items()
            if hasattr(error, "error_dict")
            else [("__all__", error.messages)]
        )
        raise NinjaValidationError(
            [
                {"type": "value_error", "loc": ["body", "data", field], "msg": " ".join(msgs)}
                for field, msgs in entries
            ]
        ) from error


@work_orders_router.get("", response={200: list[WorkOrderOut], **ERRORS})
@paginate(Pagination)
def work_order_list(request, filters: Query[WorkOrderFilter]):
    require_ability(request, "intervention.view")
    return filters.filter(_work_orders(request))


@work_orders_router.get("/{id}", response={200: WorkOrderOut, **ERRORS})
def work_order_detail(request, id: Id):
    require_ability(request, "intervention.view")
    return get_object_or_404(_work_orders(request), pk=id)
