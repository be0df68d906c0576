"""Interventions models, one module per sub-domain; every class is re-exported here.

Read ../shared/domain/DOMAIN.md §4 and issue 8 for the rules these models carry. Everything is
tenant-owned (``OrganisationOwned``).
"""

from .categories import (
    DEFAULT_TARGET_HOURS,
    PRIORITY_RANK,
    Category,
    Priority,
    ResponseTarget,
)
from .contractors import Contractor, ContractorContact, OperatingStatus
from .on_call import OnCallAlert, OnCallShift
from .requests import (
    OPEN_STATUSES,
    BacklogRelease,
    InterventionRequest,
    RequestEvent,
    RequestNumberSequence,
    RequestPhoto,
    RequestSource,
    RequestStatus,
)
from .work_orders import WorkOrder, WorkOrderPhoto, WorkOrderStatus, WorkOrderSubmission

__all__ = [
    "DEFAULT_TARGET_HOURS",
    "OPEN_STATUSES",
    "PRIORITY_RANK",
    "BacklogRelease",
    "Category",
    "Contractor",
    "ContractorContact",
    "InterventionRequest",
    "OnCallAlert",
    "OnCallShift",
    "OperatingStatus",
    "Priority",
    "RequestEvent",
    "RequestNumberSequence",
    "RequestPhoto",
    "RequestSource",
    "RequestStatus",
    "ResponseTarget",
    "WorkOrder",
    "WorkOrderPhoto",
    "WorkOrderStatus",
    "WorkOrderSubmission",
]
