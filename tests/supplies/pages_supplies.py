"""Supplies pages in the authorisation matrix (tests/test_authorisation_matrix.py).

Each world's organisation gets a federation of its own, so the outsider (the other world) is
also outside the campaign's federation. POST-only actions (placing the order, receiving a
share) are tested in test_pooled.py.
"""

import datetime as dt

from django.utils import timezone

from relais.core.models import Federation
from relais.supplies.models import PurchaseOrder
from relais.supplies.pooled.services import campaign_open
from relais.supplies.stock.services import items_ensure_defaults

from .fixtures import make_location

PAGES = {
    "supplies:stock": ("supplies.view", None),
    "supplies:rates": ("supplies.configure", None),
    "supplies:location_create": ("supplies.configure", None),
    "supplies:location_detail": ("supplies.view", {"pk": "supplies_location"}),
    "supplies:location_edit": ("supplies.configure", {"pk": "supplies_location"}),
    "supplies:movement_create": ("supplies.move", {"pk": "supplies_location"}),
    "supplies:count_create": ("supplies.count", {"pk": "supplies_location"}),
    "supplies:order_list": ("supplies.order", None),
    "supplies:order_create": ("supplies.order", None),
    "supplies:order_detail": ("supplies.order", {"pk": "purchase_order"}),
    "supplies:campaign_list": ("supplies.campaign_view", None),
    "supplies:campaign_create": ("supplies.campaign_run", None),
    "supplies:campaign_detail": ("supplies.campaign_view", {"pk": "campaign"}),
    "supplies:campaign_needs": ("supplies.campaign_answer", {"pk": "campaign"}),
    "supplies:campaign_delivery": ("supplies.campaign_run", {"pk": "campaign"}),
}
NOT_PAGES = {"supplies:campaign_order", "supplies:share_receive"}


def world(organisation, mark, base):
    federation, _created = Federation.objects.get_or_create(
        slug=mark.lower(), defaults={"name": f"Fédération {mark}"}
    )
    organisation.federation = federation
    organisation.save(update_fields=["federation"])
    items_ensure_defaults(organisation)
    location = make_location(organisation, name=f"Lieu {mark}")
    order = PurchaseOrder.objects.create(
        organisation=organisation,
        number=f"BC-{mark}",
        supplier=f"Fournisseur {mark}",
        ordered_on=dt.date(2026, 3, 1),
    )
    campaign = campaign_open(
        organisation=organisation,
        actor=None,
        title=f"Commande {mark}",
        deadline=timezone.localdate() + dt.timedelta(days=7),
        supplier="",
        prices={"surgical_mask": 10},
    )
    return {"supplies_location": location, "purchase_order": order, "campaign": campaign}
