"""The rounds' part of ``seed_demo``: rounds for every building and weeks of completions.

Registered with ``relais.housing.demo.extensions`` from ``ProximityConfig.ready``. Set-based:
the rounds and their steps are ``INSERT … SELECT`` from the buildings, the passages of the
past days come from the same generation as production (``generation.generate_day``), and
the completions are two ``UPDATE`` statements; nothing is written row by row.

Per building: disinfection of the touch points every day (twice a day in crisis mode; six
steps, seven with a lift), cleaning on Mondays and Thursdays (three steps), bins out the
evening before and in on the morning of each collection of the commune's calendar (every
commune of a landlord's buildings: household waste on Tuesdays and Fridays, recycling on
Thursdays, glass on Saturdays; moved to the next day after a public holiday). Volumes: 21 days
at ``tiny`` and ``small``, 14 days at ``region`` (≈ 16,000 buildings: about 2 million
steps). About 93 % of past passages are done (deterministically by id), the others missed;
so is every passage of a day its building's caretaker is declared absent (continuity's demo)
with nobody to replace him.
The demo caretaker (``gardien``, Tours Habitat) has the first eight buildings of their
landlord.

Remarks: in each landlord, three caretakers' remarks of the last week (a broken hall lock, a
leak under the stairs, a landing light out — ``REMARKS``) left on steps done, through
``services.remark_add`` as on the phone, so each became an intervention request about the
building's common areas (source "round", its category); the light is already marked handled.
The demo caretaker's buildings come first. A fixed handful per landlord, at every scale.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.utils import timezone

from relais.core.models import Organisation
from relais.interventions.models import Category

from . import generation, services
from .forms import DEFAULT_STEPS
from .models import (
    BuildingCaretaker,
    CollectionStream,
    HolidayRule,
    OccurrenceStatus,
    Replacement,
    RoundKind,
    RoundOccurrence,
    RoundStep,
    RoundTemplate,
    StepRemark,
    TemplateStep,
    WasteStream,
)

DAYS = {"tiny": 21, "small": 21, "region": 14}
DONE_PERCENT = 93
# kind → (name, weekdays mask, first start, passages, crisis passages, interval, window)
ROUNDS = {
    RoundKind.DISINFECTION: ("Désinfection des points de contact", 127, "09:00", 1, 2, 300, 180),
    RoundKind.CLEANING: ("Nettoyage des parties communes", 1 | 8, "10:00", 1, None, 240, 240),
    RoundKind.BINS_OUT: ("Sortie des bacs", 1 | 4 | 16, "19:00", 1, None, 240, 120),
    RoundKind.BINS_IN: ("Rentrée des bacs", 2 | 8 | 32, "08:00", 1, None, 240, 120),
}
# stream → weekdays mask (Monday = 1 … Sunday = 64)
COLLECTIONS = {WasteStream.HOUSEHOLD: 2 | 16, WasteStream.RECYCLING: 8, WasteStream.GLASS: 32}
FOLLOW_COLLECTION = (RoundKind.BINS_OUT, RoundKind.BINS_IN)
# (round kind, remark, intervention category code, handled by the manager)
REMARKS = (
    (
        RoundKind.DISINFECTION,
        "Serrure de la porte du hall cassée : la porte ne ferme plus, le hall reste ouvert.",
        "doors_locks",
        False,
    ),
    (
        RoundKind.CLEANING,
        "Fuite d'eau sous l'escalier du rez-de-chaussée, flaque au pied de la colonne.",
        "water_leak",
        False,
    ),
    (
        RoundKind.DISINFECTION,
        "Éclairage du palier du 2e étage hors service, la minuterie ne répond plus.",
        "common_areas",
        True,
    ),
)
RESET_ORDER = (
    StepRemark,
    RoundStep,
    RoundOccurrence,
    TemplateStep,
    RoundTemplate,
    Replacement,
    BuildingCaretaker,
    CollectionStream,
)


def _in(ids) -> str:
    return ", ".join(str(int(i)) for i in ids)


def _templates(execute, organisation_ids) -> None:
    for kind, (name, days, start, passages, crisis, interval, window) in ROUNDS.items():
        execute(
            "INSERT INTO proximity_roundtemplate (organisation_id, building_id, kind, name, "
            "weekdays, first_start, passages, interval_minutes, window_minutes, "
            "crisis_weekdays, crisis_passages, follows_collection, is_active) "
            "SELECT b.organisation_id, b.id, %s, %s, %s, %s, %s, %s, %s, NULL, %s, %s, %s "
            f"FROM housing_building b WHERE b.organisation_id IN ({_in(organisation_ids)}) "
            "ORDER BY b.id",
            [
                kind,
                name,
                days,
                start,
                passages,
                interval,
                window,
                crisis,
                kind in FOLLOW_COLLECTION,
                True,
            ],
        )
        for position, label in enumerate(DEFAULT_STEPS[kind]):
            lift = "AND b.has_lift" if "ascenseur" in label else ""
            execute(
                "INSERT INTO proximity_templatestep (organisation_id, template_id, position, "
                "label) SELECT t.organisation_id, t.id, %s, %s FROM proximity_roundtemplate t "
                "JOIN housing_building b ON b.id = t.building_id "
                f"WHERE t.kind = %s AND t.organisation_id IN ({_in(organisation_ids)}) {lift}",
                [position, label, kind],
            )


def _collections(execute, organisation_ids) -> None:
    """A collection calendar for every commune of each landlord's buildings."""
    for stream, weekdays in COLLECTIONS.items():
        execute(
            "INSERT INTO proximity_collectionstream (organisation_id, commune_id, stream, "
            "weekdays, on_holiday) SELECT DISTINCT b.organisation_id, b.commune_id, %s, %s, %s "
            f"FROM housing_building b WHERE b.organisation_id IN ({_in(organisation_ids)})",
            [stream, weekdays, HolidayRule.NEXT_DAY],
        )


def _caretaker(organisation_ids) -> int:
    user = get_user_model().objects.filter(username="gardien").first()
    if user is None:
        return 0
    membership = user.memberships.filter(organisation_id__in=organisation_ids).first()
    if membership is None:
        return 0
    buildings = RoundTemplate.objects.filter(organisation_id=membership.organisation_id)
    ids = buildings.order_by("building_id").values_list("building_id", flat=True).distinct()[:8]
    BuildingCaretaker.objects.bulk_create(
        BuildingCaretaker(organisation_id=membership.organisation_id, building_id=b, caretaker=user)
        for b in ids
    )
    return len(ids)


def _complete(execute, organisation_ids, before: dt.date) -> None:
    """Past passages: ~93 % done (steps ticked a few minutes apart), the others missed. A
    building's passage with nobody assigned (its caretaker declared absent that day in
    continuity's demo, seeded first, and no replacement) is missed: nobody did it."""
    scope = (
        f"o.organisation_id IN ({_in(organisation_ids)}) AND o.day < %s "
        f"AND (o.id * 7919) %% 100 < {DONE_PERCENT} "
        "AND (o.assignee_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM "
        f"{BuildingCaretaker._meta.db_table} bc WHERE bc.building_id = o.building_id))"
    )
    minutes = "(10 + proximity_roundstep.position * 3)"
    plus = f"datetime(o.starts_at, '+' || {minutes} || ' minutes')"
    if connection.vendor == "postgresql":
        plus = f"o.starts_at + {minutes} * INTERVAL '1 minute'"
    execute(
        f"UPDATE proximity_roundstep SET done_at = (SELECT {plus} FROM proximity_roundoccurrence o "
        "WHERE o.id = proximity_roundstep.occurrence_id), received_at = NULL, "
        "done_by_id = (SELECT o.assignee_id FROM proximity_roundoccurrence o "
        "WHERE o.id = proximity_roundstep.occurrence_id) "
        f"WHERE occurrence_id IN (SELECT o.id FROM proximity_roundoccurrence o WHERE {scope})",
        [before],
    )
    execute(
        "UPDATE proximity_roundoccurrence SET status = %s, completed_at = "
        "(SELECT MAX(s.done_at) FROM proximity_roundstep s WHERE s.occurrence_id = "
        f"proximity_roundoccurrence.id) WHERE id IN (SELECT o.id FROM proximity_roundoccurrence o "
        f"WHERE {scope})",
        [OccurrenceStatus.DONE, before],
    )
    execute(
        "UPDATE proximity_roundoccurrence SET status = %s "
        f"WHERE organisation_id IN ({_in(organisation_ids)}) AND day < %s AND status = %s",
        [OccurrenceStatus.MISSED, before, OccurrenceStatus.PLANNED],
    )


def _remark_step(organisation_id: int, kind: str, today: dt.date, skip: int):
    """A step done in the ``skip``-th passage of ``kind`` done in the last week (the demo
    caretaker's buildings first, the latest days first); None when there is none."""
    passages = RoundOccurrence.objects.filter(
        organisation_id=organisation_id,
        kind=kind,
        day__gte=today - dt.timedelta(days=7),
        day__lt=today,
        status=OccurrenceStatus.DONE,
    ).order_by(F("assignee_id").asc(nulls_last=True), "-day", "building_id")
    occurrence = passages[skip : skip + 1].first()
    if occurrence is None:
        return None
    return occurrence.steps.filter(done_at__isnull=False).order_by("position").first()


def _remarks(organisation_ids, today: dt.date) -> int:
    """``REMARKS`` in each organisation through the service (each a request); returns how
    many were left."""
    left = 0
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).order_by("pk"):
        codes = Category.objects.for_organisation(organisation).filter(is_active=True)
        categories = {c.code: c for c in codes.filter(code__in=[r[2] for r in REMARKS])}
        for skip, (kind, text, code, handled) in enumerate(REMARKS):
            step = _remark_step(organisation.pk, kind, today, skip)
            if step is None:
                continue
            remark = services.remark_add(
                organisation=organisation,
                actor=step.done_by,
                step=step,
                data=services.NewRemark(text=text, category=categories.get(code)),
            )
            StepRemark.objects.filter(pk=remark.pk).update(created_at=step.done_at)
            if handled:
                services.remark_handled(organisation=organisation, actor=None, remark=remark)
            left += 1
    return left


class ProximityDemo:
    name = "proximity"

    def seed(self, *, organisation_ids, scale, seed, writer):
        """Every statement goes through ``writer.execute`` (the bench replays them)."""
        today = timezone.localdate()
        _templates(writer.execute, organisation_ids)
        _collections(writer.execute, organisation_ids)
        buildings = _caretaker(organisation_ids)
        for back in range(DAYS[scale], -1, -1):
            occurrences, steps, params = generation.day_parameters(
                today - dt.timedelta(days=back), [], after=generation.last_occurrence_id()
            )
            writer.execute(occurrences, params)
            writer.execute(steps, params)
        if connection.vendor == "postgresql":  # statistics for the UPDATEs of fresh rows
            writer.execute("ANALYZE proximity_roundoccurrence, proximity_roundstep")
        _complete(writer.execute, organisation_ids, today)
        remarks = _remarks(organisation_ids, today)
        scope = RoundStep.objects.filter(organisation_id__in=organisation_ids)
        return {
            "rounds": RoundTemplate.objects.filter(organisation_id__in=organisation_ids).count(),
            "round steps": scope.count(),
            "caretaker buildings": buildings,
            "remarks on rounds": remarks,
            "collection calendars": CollectionStream.objects.filter(
                organisation_id__in=organisation_ids
            ).count(),
        }

    def reset(self, organisation_ids):
        """Plain DELETEs, children first (millions of steps: no ORM cascade collection)."""
        with connection.cursor() as cursor:
            for model in RESET_ORDER:
                cursor.execute(
                    f"DELETE FROM {model._meta.db_table} "
                    f"WHERE organisation_id IN ({_in(organisation_ids)})"
                )
