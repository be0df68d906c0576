"""Writes of the caretakers' rounds; each in a transaction, audited.

- ``round_create`` / ``round_update``: a building's round and its steps (the manager);
- ``caretaker_set`` / ``replacement_create``: who does a building's rounds;
- ``collection_save`` / ``collection_delete``: a commune's waste collection calendar;
- ``step_tick``: a step done, at the time the phone recorded (possibly offline); a tick sent
  twice (same key, or the step already done) is recorded once;
- ``remark_add`` / ``remark_handled``: what the caretaker noticed, for the manager, made an
  intervention request about the building's common areas (source "round");
- ``mark_missed``: the passages not done by their end time (the periodic task);
- ``on_day_declared``: continuity recorded a person's day (registered in
  ``relais.continuity.listeners``): their passages of that day change hands at once.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import Organisation
from relais.core.transactions import write_transaction
from relais.interventions.categories.services import ensure_defaults
from relais.interventions.models import Category, RequestSource
from relais.interventions.requests.services import NewRequest, request_create

from . import generation
from .assignment import assignee_for
from .models import (
    BuildingCaretaker,
    CollectionStream,
    OccurrenceStatus,
    Replacement,
    RoundOccurrence,
    RoundStep,
    RoundTemplate,
    StepRemark,
    TemplateStep,
    fits_in_day,
)

# A tick may carry the phone's time: not in the future (beyond this much clock skew) and not
# before its passage's day.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _check_fits_in_day(template: RoundTemplate) -> None:
    """Refuse a round whose passages (usual or crisis) run past midnight."""
    for count in (template.passages, template.crisis_passages):
        if count and not fits_in_day(
            template.first_start, count, template.interval_minutes, template.window_minutes
        ):
            raise ValidationError(_("The round's passages do not fit in the day."))


@transaction.atomic
def round_create(*, organisation, actor, template: RoundTemplate, steps: list[str]):
    """Save ``template`` (unsaved, of ``organisation``) with ``steps`` (labels, in order)."""
    template.organisation = organisation
    _check_fits_in_day(template)
    template.save()
    TemplateStep.objects.bulk_create(
        TemplateStep(organisation=organisation, template=template, position=index, label=label)
        for index, label in enumerate(steps)
    )
    audit.record(
        action="round.created",
        organisation=organisation,
        actor=actor,
        obj=template,
        changes={"kind": template.kind, "steps": len(steps), "building": template.building_id},
    )
    return template


@transaction.atomic
def round_update(*, organisation, actor, template: RoundTemplate, steps: list[str]):
    """Save the edited ``template`` and replace its steps by ``steps`` (labels, in order).
    Passages already generated keep their steps (copied); the next ones follow the edit."""
    if template.organisation_id != organisation.pk:
        raise ValidationError(_("This round belongs to another organisation."))
    _check_fits_in_day(template)
    template.save()
    before = list(template.steps.order_by("position").values_list("label", flat=True))
    if before != steps:
        template.steps.all().delete()
        TemplateStep.objects.bulk_create(
            TemplateStep(organisation=organisation, template=template, position=n, label=label)
            for n, label in enumerate(steps)
        )
    audit.record(
        action="round.updated",
        organisation=organisation,
        actor=actor,
        obj=template,
        changes={
            "kind": template.kind,
            "active": template.is_active,
            "steps": len(steps),
            "steps_changed": before != steps,
            "follows_collection": template.follows_collection,
        },
    )
    return template


@transaction.atomic
def caretaker_set(*, organisation, actor, building, caretaker, backup=None) -> BuildingCaretaker:
    """Make ``caretaker`` (a user with the caretaker role) in charge of ``building``, with
    ``backup`` doing the rounds on the days the caretaker is declared absent."""
    if backup is not None and backup == caretaker:
        raise ValidationError(_("Choose someone other than the caretaker as replacement."))
    row, _created = BuildingCaretaker.objects.update_or_create(
        building=building,
        defaults={"organisation": organisation, "caretaker": caretaker, "backup": backup},
    )
    moved = _hand_over_building(organisation, building)
    audit.record(
        action="building_caretaker.set",
        organisation=organisation,
        actor=actor,
        obj=building,
        changes={
            "caretaker": caretaker.pk,
            "backup": backup.pk if backup else None,
            "moved": moved,
        },
    )
    return row


@transaction.atomic
def collection_save(*, organisation, actor, stream: CollectionStream) -> CollectionStream:
    """Save a waste stream of a commune's calendar (new or edited); the bins rounds that
    follow the calendar use it from the next hourly planning (passages already generated
    stay)."""
    created = stream.pk is None
    stream.organisation = organisation
    stream.save()
    audit.record(
        action="collection.created" if created else "collection.updated",
        organisation=organisation,
        actor=actor,
        obj=stream,
        changes={
            "commune": stream.commune_id,
            "stream": stream.stream,
            "weekdays": stream.weekdays,
            "on_holiday": stream.on_holiday,
        },
    )
    return stream


@transaction.atomic
def collection_delete(*, organisation, actor, stream: CollectionStream) -> None:
    audit.record(
        action="collection.deleted",
        organisation=organisation,
        actor=actor,
        obj=stream,
        changes={"commune": stream.commune_id, "stream": stream.stream},
    )
    stream.delete()


def _not_started(organisation):
    """The organisation's passages still planned with no step ticked."""
    ticked = RoundStep.objects.filter(occurrence=OuterRef("pk"), done_at__isnull=False)
    return RoundOccurrence.objects.filter(
        organisation=organisation, status=OccurrenceStatus.PLANNED
    ).exclude(Exists(ticked))


def _hand_over_building(organisation, building) -> int:
    """Give ``building``'s passages not started (today or later) to whoever ``assignment``
    names now (its caretaker or usual replacement just changed); returns how many moved."""
    moved = 0
    passages = _not_started(organisation).filter(building=building, day__gte=timezone.localdate())
    for day in passages.order_by("day").values_list("day", flat=True).distinct():
        assignee = assignee_for(building, day)
        rows = passages.filter(day=day)
        if assignee is None:
            rows = rows.filter(assignee__isnull=False)
        else:
            rows = rows.exclude(assignee=assignee)
        moved += rows.update(assignee=assignee)
    return moved


@transaction.atomic
def replacement_create(*, organisation, actor, replacement: Replacement) -> Replacement:
    """Record that ``replacement.replacement`` stands in for ``replacement.absent``; the
    occurrences already generated for those days are handed over at once (still planned)."""
    replacement.organisation = organisation
    replacement.created_by = actor
    replacement.save()
    absent_buildings = BuildingCaretaker.objects.filter(
        organisation=organisation, caretaker=replacement.absent
    ).values("building_id")
    moved = (
        _not_started(organisation)
        .filter(day__gte=replacement.starts_on, day__lte=replacement.ends_on)
        .filter(
            Q(assignee=replacement.absent)
            | Q(assignee__isnull=True, building_id__in=absent_buildings)
        )
        .update(assignee=replacement.replacement)
    )
    audit.record(
        action="replacement.created",
        organisation=organisation,
        actor=actor,
        obj=replacement,
        changes={
            "absent": replacement.absent_id,
            "replacement": replacement.replacement_id,
            "starts_on": replacement.starts_on,
            "ends_on": replacement.ends_on,
            "moved": moved,
        },
    )
    return replacement


def step_tick(*, organisation, actor, step_id: int, client_key: str, done_at=None):
    """Record step ``step_id`` done by ``actor`` at ``done_at`` (the phone's time, else now).

    Returns ``(step, recorded)``: ``recorded`` is False when this key was already received or
    the step was already done (the first tick stands). Raises ValidationError for a key that
    is not 8–64 characters, or a passage of a later day."""
    if not 8 <= len(client_key) <= 64:
        raise ValidationError(_("This tick has no valid key."))
    existing = RoundStep.objects.filter(organisation=organisation, client_key=client_key).first()
    if existing is not None:
        return existing, False
    try:
        return _tick(organisation, actor, step_id, client_key, done_at)
    except IntegrityError:
        # The same tick sent twice at once: the other request stored the key.
        existing = RoundStep.objects.filter(organisation=organisation, client_key=client_key)
        return existing.get(), False


@write_transaction
def _tick(organisation, actor, step_id, client_key, done_at):
    step = (
        RoundStep.objects.select_for_update(of=("self",), no_key=True)
        .select_related("occurrence")
        .get(organisation=organisation, pk=step_id)
    )
    if step.done_at is not None:
        return step, False
    now = timezone.now()
    occurrence = step.occurrence
    if occurrence.day > timezone.localdate(now):
        raise ValidationError(_("This round is planned for a later day."))
    earliest = dt.datetime.combine(
        occurrence.day, dt.time(0), tzinfo=timezone.get_current_timezone()
    )
    done_at = min(max(done_at or now, earliest), now + CLOCK_SKEW)
    step.done_at, step.done_by, step.received_at, step.client_key = done_at, actor, now, client_key
    step.save(update_fields=["done_at", "done_by", "received_at", "client_key"])
    remaining = RoundStep.objects.filter(occurrence=occurrence, done_at__isnull=True).exists()
    if not remaining:
        last = RoundStep.objects.filter(occurrence=occurrence).aggregate(last=Max("done_at"))
        RoundOccurrence.objects.filter(pk=occurrence.pk).update(
            status=OccurrenceStatus.DONE, completed_at=last["last"]
        )
    audit.record(
        action="round_step.done",
        organisation=organisation,
        actor=actor,
        obj=step,
        changes={"occurrence": occurrence.pk, "done_at": done_at, "round_done": not remaining},
    )
    return step, True


@dataclass(frozen=True)
class NewRemark:
    text: str
    photo: object = None  # an interventions ``requests.photos.Photo`` (re-encoded), or None
    client_key: str = ""
    category: object = None  # an interventions ``Category``; None: "other"


def _other_category(organisation):
    """The organisation's "other problem" category (its default tree given if it has none),
    else its first active category."""
    ensure_defaults(organisation)
    categories = Category.objects.for_organisation(organisation)
    found = categories.filter(code="other", is_active=True).first()
    return found or categories.active().filter(parent__isnull=False).first()


def remark_add(*, organisation, actor, step: RoundStep, data: NewRemark) -> StepRemark:
    """A remark on ``step`` for the manager, made an intervention request about the
    building's common areas (source "round", the photo attached, category ``data.category``
    or "other"); the same ``client_key`` twice gives one remark and one request."""
    if data.client_key:
        found = StepRemark.objects.filter(organisation=organisation, client_key=data.client_key)
        if found.exists():
            return found.get()
    try:
        return _remark(organisation, actor, step, data)
    except IntegrityError:
        # The same remark sent twice at once: the other request stored the key.
        return StepRemark.objects.get(organisation=organisation, client_key=data.client_key)


@write_transaction
def _remark(organisation, actor, step, data: NewRemark) -> StepRemark:
    occurrence = step.occurrence
    request = request_create(
        organisation=organisation,
        actor=actor,
        source=RequestSource.ROUND,
        data=NewRequest(
            household=None,
            lease=None,
            dwelling=None,
            building=occurrence.building,
            category=data.category or _other_category(organisation),
            description=data.text,
            photos=(data.photo,) if data.photo is not None else (),
            submission_key=data.client_key or None,
        ),
    )
    remark = StepRemark(
        organisation=organisation,
        step=step,
        building_id=occurrence.building_id,
        text=data.text,
        client_key=data.client_key,
        created_by=actor,
        request=request,
    )
    if data.photo is not None:
        remark.photo.save("remark.jpg", ContentFile(data.photo.content), save=False)
    remark.save()
    audit.record(
        action="round_remark.added",
        organisation=organisation,
        actor=actor,
        obj=remark,
        changes={"step": step.pk, "photo": data.photo is not None, "request": request.pk},
    )
    return remark


@transaction.atomic
def remark_handled(*, organisation, actor, remark: StepRemark) -> None:
    if remark.handled_at is None:
        StepRemark.objects.filter(pk=remark.pk, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=actor
        )
        audit.record(
            action="round_remark.handled", organisation=organisation, actor=actor, obj=remark
        )


def mark_missed(now=None) -> dict[int, int]:
    """Mark missed every planned passage due before ``now``; returns {organisation id: count}
    and audits one event per organisation concerned. Set-based: one grouped read, one UPDATE."""
    now = now or timezone.now()
    late = RoundOccurrence.objects.filter(status=OccurrenceStatus.PLANNED, due_at__lt=now)
    with transaction.atomic():
        counts = dict(
            late.order_by()
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        if not counts:
            return {}
        late.update(status=OccurrenceStatus.MISSED)
        for organisation in Organisation.objects.filter(pk__in=counts):
            audit.record(
                action="rounds.missed",
                organisation=organisation,
                changes={"count": counts[organisation.pk]},
            )
    return counts


def on_day_declared(*, organisation, actor, staff, day: dt.date, status: str, before: str):
    """Continuity recorded where ``staff`` is on ``day`` (inside its transaction): the
    passages of ``day`` not started (planned, not yet due, no step ticked) of the buildings
    whose caretaker or usual replacement they are go at once to whoever ``assignment`` names
    now — the replacement when the caretaker is absent, the caretaker when back on site.
    Past days and days not generated yet are left alone (the generation reads the
    declaration). Audited when passages changed hands; returns how many."""
    if day < timezone.localdate():
        return 0
    user_id = staff.membership.user_id
    moved = generation.reassign_day(day, person=(organisation.pk, user_id))
    if moved:
        audit.record(
            action="rounds.reassigned",
            organisation=organisation,
            actor=actor,
            changes={"day": day.isoformat(), "person": user_id, "moved": moved},
        )
    return moved
