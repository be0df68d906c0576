"""Demo indicators: the last eight weeks computed from the demo's own data (the production
refresh, set-based over every member), a couple of members' submitted rent figures, and the
last week left missing for three members so the analyst has someone to remind."""

import random

from django.db.models import Count
from django.utils import timezone

from .models import IndicatorValue, Source, WeeklyReport
from .registry import Week

WEEKS = 8
MISSING_MEMBERS = 3


class FederationDemo:
    name = "federation"

    def seed(self, *, organisation_ids, scale, seed, writer):
        from . import services

        writer.finish()
        rng = random.Random(f"{seed}:federation")
        last = Week.of(timezone.localdate()).previous()
        weeks = [last.previous(n) for n in range(WEEKS)] + [Week.of(timezone.localdate())]
        services.refresh(weeks=weeks, organisation_ids=organisation_ids)
        ordered = sorted(organisation_ids)
        missing = ordered[-MISSING_MEMBERS:] if len(ordered) > MISSING_MEMBERS else []
        IndicatorValue.objects.filter(organisation_id__in=missing, week_start=last.start).delete()
        submitters = [pk for pk in ordered if pk not in missing][1:3]
        for organisation_id in submitters:
            for week in weeks[:-1]:
                IndicatorValue.objects.update_or_create(
                    organisation_id=organisation_id,
                    week_start=week.start,
                    key="staff.on_site",
                    defaults={"value": rng.randint(20, 80), "source": Source.SUBMITTED},
                )
                WeeklyReport.objects.update_or_create(
                    organisation_id=organisation_id,
                    week_start=week.start,
                    defaults={"submitted_at": timezone.now()},
                )
        counts = dict(
            IndicatorValue.objects.filter(organisation_id__in=organisation_ids)
            .values_list("organisation_id")
            .annotate(n=Count("pk"))
        )
        return {pk: {"indicator values": counts.get(pk, 0)} for pk in organisation_ids}

    def reset(self, organisation_ids):
        IndicatorValue.objects.filter(organisation_id__in=organisation_ids).delete()
        WeeklyReport.objects.filter(organisation_id__in=organisation_ids).delete()
