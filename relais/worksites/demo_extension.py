"""Demo work sites: a few per landlord at every scale — running, stopped in the crisis, one
preparing its restart with part of its protocol done, one restarted — with their companies
and checklists (a few hundred rows at region scale: written through the ORM), and the
history of their stops (one ``INSERT … SELECT`` for every landlord)."""

import datetime as dt
import random

from django.utils import timezone

from relais.housing.models import Residence

from . import services
from .models import (
    ChecklistItem,
    GateEntry,
    GateLink,
    SiteCompany,
    SiteKind,
    SiteStatus,
    Stoppage,
    WorkSite,
)

SITES_PER_LANDLORD = {"tiny": 4, "small": 6, "region": 6}
COMPANIES = [
    ("Maçonnerie Berry", "gros œuvre"),
    ("Électricité du Val de Loire", "électricité"),
    ("Plomberie Tourangelle", "plomberie"),
    ("Menuiseries du Centre", "menuiserie"),
    ("Peinture Ligérienne", "peinture"),
]
STATUSES = [
    SiteStatus.RUNNING,
    SiteStatus.STOPPED,
    SiteStatus.PREPARING_RESTART,
    SiteStatus.RESTARTED,
    SiteStatus.STOPPED,
    SiteStatus.PREPARING,
]
KINDS = [SiteKind.RENOVATION, SiteKind.NEW_BUILD, SiteKind.MAINTENANCE]


class WorksitesDemo:
    name = "worksites"

    def seed(self, *, organisation_ids, scale, seed, writer):
        rng = random.Random(f"{seed}:worksites")
        today = timezone.localdate()
        counts = {}
        for organisation_id in organisation_ids:
            residences = list(
                Residence.objects.filter(organisation_id=organisation_id)
                .select_related("organisation")
                .order_by("pk")[: SITES_PER_LANDLORD[scale]]
            )
            for position, residence in enumerate(residences):
                _seed_site(residence, position, rng, today)
            counts[organisation_id] = {"work sites": len(residences)}
        # The sites written stopped or restarted get their stop in their history at once.
        services.copy_current_stops(WorkSite.objects.filter(organisation_id__in=organisation_ids))
        return counts

    def reset(self, organisation_ids):
        for model in (GateEntry, GateLink, ChecklistItem, SiteCompany, Stoppage, WorkSite):
            model.objects.filter(organisation_id__in=organisation_ids).delete()


def _seed_site(residence, position: int, rng, today: dt.date) -> None:
    status = STATUSES[position % len(STATUSES)]
    started = today - dt.timedelta(days=rng.randint(60, 200))
    site = WorkSite(
        reference=f"CH-{today.year}-{position + 1:03d}",
        name=f"{KINDS[position % 3].label} – {residence.name}",
        kind=KINDS[position % 3],
        residence=residence,
        address=residence.name,
        prime_contractor="Atelier d'architecture Loire",
        sps_name="Claire Besson (coordination SPS)",
        sps_phone="+33247000000",
        referent_name="Marc Dupuis",
        referent_phone="+33612345600",
        planned_start=started,
        planned_end=started + dt.timedelta(days=rng.randint(200, 400)),
        actual_start=started if status != SiteStatus.PREPARING else None,
        status=status,
        stopped_on=today - dt.timedelta(days=rng.randint(5, 40))
        if status in (SiteStatus.STOPPED, SiteStatus.PREPARING_RESTART, SiteStatus.RESTARTED)
        else None,
    )
    if status == SiteStatus.RESTARTED:
        site.restarted_on = today - dt.timedelta(days=2)
    services.site_create(organisation=residence.organisation, actor=None, site=site)
    SiteCompany.objects.bulk_create(
        SiteCompany(
            organisation=residence.organisation,
            site=site,
            name=name,
            trade=trade,
            referent_name=f"Référent {trade}",
            referent_phone="+33611223344",
        )
        for name, trade in rng.sample(COMPANIES, 3)
    )
    done = {SiteStatus.RESTARTED: 99, SiteStatus.PREPARING_RESTART: 6}.get(status, 0)
    site.checklist.filter(order__lte=done).update(done_on=today - dt.timedelta(days=3))
