"""Rounds pages in the authorisation matrix.

POST-only actions (ticks, remarks, the caretaker, a remark handled), the remark's photo and
the public building page are tested in test_pages.py.
"""

import datetime as dt

from django.utils import timezone

from relais.core.roles import Role
from relais.proximity import generation, services
from relais.proximity.models import CollectionStream

from ..factories import MembershipFactory
from .conftest import make_round

PAGES = {
    "proximity:today": ("round.do", None),
    "proximity:building": ("round.view", {"pk": "building"}),
    "proximity:round_create": ("round.plan", {"pk": "building"}),
    "proximity:notice_pdf": ("round.view", {"pk": "building"}),
    "proximity:replacement_list": ("round.plan", None),
    "proximity:supervision": ("round.plan", None),
    "proximity:coverage": ("round.coverage", None),
    "proximity:coverage_csv": ("round.coverage", None),
    "proximity:round_edit": ("round.plan", {"pk": "round_template"}),
    "proximity:collection_list": ("round.plan", None),
    "proximity:collection_edit": ("round.plan", {"pk": "collection"}),
}
NOT_PAGES = {
    "proximity:step_tick",
    "proximity:step_remark",
    "proximity:caretaker_set",
    "proximity:remark_handled",
    "proximity:remark_photo",
    "proximity:public_building",
    "proximity:collection_delete",
}


def world(organisation, mark, base) -> dict:
    building = base["building"]
    caretaker = MembershipFactory(
        organisation=organisation, role=Role.CARETAKER, user__last_name=f"Gardien {mark}"
    ).user
    services.caretaker_set(
        organisation=organisation, actor=None, building=building, caretaker=caretaker
    )
    template = make_round(organisation, building, name=f"Ronde {mark}")
    stream = services.collection_save(
        organisation=organisation,
        actor=None,
        stream=CollectionStream(commune=building.commune, stream="glass", weekdays=4),
    )
    generation.generate_day(timezone.localdate(), crisis=[])
    occurrence = building.round_templates.get().occurrences.get()
    services.mark_missed(occurrence.due_at + dt.timedelta(minutes=1))
    step = occurrence.steps.first()
    remark = services.remark_add(
        organisation=organisation,
        actor=caretaker,
        step=step,
        data=services.NewRemark(text=f"Serrure cassée {mark}"),
    )
    return {"round_remark": remark, "round_template": template, "collection": stream}
