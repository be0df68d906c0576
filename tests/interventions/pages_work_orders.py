"""Contractor, work-order, on-call and dashboard pages in the authorisation matrix
(tests/test_authorisation_matrix.py).

POST-only actions (status, revoke, new link, shift removal) and the pages opened by a link
without an account (the contractor's, the on-call acknowledgement) are tested in
test_work_orders.py, test_on_call.py and test_sla.py."""

import datetime as dt

from django.utils import timezone

from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, Contractor, OnCallShift, WorkOrder

from .work_order_fixtures import make_request

PAGES = {
    "interventions:contractor_list": ("intervention.view", None),
    "interventions:contractor_create": ("contractor.manage", None),
    "interventions:contractor_edit": ("contractor.manage", {"pk": "contractor"}),
    "interventions:work_order_list": ("intervention.view", None),
    "interventions:work_order_detail": ("intervention.view", {"pk": "work_order"}),
    "interventions:work_order_create": (
        "work_order.dispatch",
        {"request_pk": "intervention_request"},
    ),
    "interventions:on_call_list": ("intervention.view", None),
    "interventions:on_call_create": ("on_call.plan", None),
    "interventions:on_call_edit": ("on_call.plan", {"pk": "on_call_shift"}),
    "interventions:dashboard": ("intervention.dashboard", None),
}
NOT_PAGES = {
    "interventions:contractor_status",
    "interventions:work_order_revoke",
    "interventions:work_order_new_link",
    "interventions:work_order_photo",
    "interventions:on_call_delete",
    "interventions:contractor_link",
    "interventions:on_call_ack",
}


def world(organisation, mark, base):
    ensure_defaults(organisation)
    category = Category.objects.for_organisation(organisation).get(code="water_leak")
    contractor = Contractor.objects.create(
        organisation=organisation, name=f"Entreprise {mark}", siren="552100554"
    )
    request = make_request(base["lease"], category, number=f"DI-{mark}")
    now = timezone.now()
    work_order = WorkOrder.objects.create(
        organisation=organisation,
        request=request,
        contractor=contractor,
        link_token_hash=f"hash-{mark}",
        link_expires_at=now + dt.timedelta(days=1),
        sent_at=now,
    )
    shift = OnCallShift.objects.create(
        organisation=organisation,
        agency=base["agency"],
        person_name=f"Astreinte {mark}",
        phone="06 11 11 11 11",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=12),
    )
    return {
        "contractor": contractor,
        "intervention_request": request,
        "work_order": work_order,
        "on_call_shift": shift,
    }
