"""Interventions pages in the authorisation matrix.

POST-only actions, the photos (files) and the tenant's public pages are tested in
test_staff_pages.py and test_public_form.py.
"""

from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, RequestSource
from relais.interventions.requests import services

PAGES = {
    "interventions:request_list": ("intervention.view", None),
    "interventions:request_detail": ("intervention.view", {"pk": "intervention_request"}),
    "interventions:call_log": ("intervention.log_call", None),
    "interventions:category_list": ("intervention.configure", None),
    "interventions:category_create": ("intervention.configure", None),
    "interventions:category_edit": ("intervention.configure", {"pk": "intervention_category"}),
}
NOT_PAGES = {
    "interventions:request_triage",
    "interventions:request_close",
    "interventions:request_called_back",
    "interventions:request_photo",
    "interventions:public_request",
    "interventions:public_status",
}


def world(organisation, mark, base) -> dict:
    ensure_defaults(organisation)
    category = Category.objects.get(organisation=organisation, code="water_leak")
    Category.objects.filter(pk=category.pk).update(name=f"Fuite {mark}")
    category.refresh_from_db()
    lease = base["lease"]
    request = services.request_create(
        organisation=organisation,
        actor=None,
        source=RequestSource.WEB,
        data=services.NewRequest(
            household=lease.household,
            lease=lease,
            dwelling=lease.dwelling,
            category=category,
            description=f"Fuite chez {mark}",
        ),
    )
    return {"intervention_request": request, "intervention_category": category}
