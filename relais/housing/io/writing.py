"""Set-based writes of an import, in batches, and the journal that can take them back.

An import is all or nothing (docs/decisions/0004). A small file is written in the request, in
one transaction. A large one is written by a background task in batches of ``BATCH_SIZE`` rows,
each batch in its own short transaction, so that on SQLite (one writer at a time) other
organisations' requests get the write lock between two batches instead of waiting for the
whole file. Each batch's transaction also writes an :class:`~relais.housing.models.ImportUndo`
row per row written (its primary key if created, the values it replaced if updated): a batch
and the means to undo it commit together or not at all. If the job fails, or its worker dies
(``recover_interrupted``), :func:`undo` takes every committed batch back, newest first, each
undo batch again in one transaction with the removal of its journal rows, so an interrupted
undo resumes where it stopped. See docs/decisions/0023-background-imports.md.
"""

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import ImportJob, ImportUndo

BATCH_SIZE = 1000
# Rows per transaction of a background job: each holds SQLite's write lock a few tens of ms.
JOB_BATCH_SIZE = 250
# SQLite has no queue for its write lock: a writer that waits retries after a sleep of up to
# 100 ms (its busy handler), so a job that begins its next batch at once would starve it.
# After each batch the job leaves the lock free for longer than that sleep.
SQLITE_PAUSE_SECONDS = 0.12
PREVIOUS = "_import_previous"  # attname → value before the import, on changed instances


@dataclass
class Count:
    key: str
    label: Any  # lazy translated plural name
    model: str = ""  # "housing.dwelling"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    fields: set[str] = field(default_factory=set)  # fields written (created or changed rows)


def chunks(values: list, size: int | None = None):
    size = size or connection.features.max_query_params or len(values) or 1
    for start in range(0, len(values), size):
        yield values[start : start + size]


def by_reference(queryset, references) -> dict[str, Any]:
    """reference → row, for the given references (like ``in_bulk`` on a per-tenant key)."""
    found = {}
    for chunk in chunks(sorted(references)):
        for obj in queryset.filter(reference__in=chunk):
            found[obj.reference] = obj
    return found


def apply_values(obj, values: dict[str, Any]) -> list[str]:
    """Set ``values`` (by attname) on ``obj``; the names of the fields that really changed.

    The replaced values are kept on the instance (``PREVIOUS``) for the journal.
    """
    changed = []
    for attname, value in values.items():
        model_field = obj._meta.get_field(attname)
        old = getattr(obj, attname)
        if model_field.get_prep_value(old) != model_field.get_prep_value(value):
            remember(obj, model_field.attname, old)
            setattr(obj, attname, value)
            changed.append(model_field.name)
    return changed


def remember(obj, name: str, value) -> None:
    """Keep ``value`` as what ``obj``'s field ``name`` (an attname, or a many-to-many field's
    name with the list of target ids in their order) held before the import, for the journal;
    the first value remembered wins."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        key, stored = model_field.name, list(value)
    else:
        key, stored = model_field.attname, _json_value(model_field, value)
    obj.__dict__.setdefault(PREVIOUS, {}).setdefault(key, stored)


def _json_value(model_field, value):
    """``value`` as the journal stores it (JSON), read back by ``model_field.to_python``."""
    if value is None:
        return None
    prepared = model_field.get_prep_value(value)
    if isinstance(prepared, str | int | float | bool | list | dict):
        return prepared
    if hasattr(prepared, "isoformat"):  # dates and times
        return prepared.isoformat()
    return str(prepared)  # Decimal


class Writer:
    """Where an importer's rows go.

    Without a job, the caller holds the transaction (a small import in the request). With a
    job, every batch commits on its own together with its journal and the job's progress.
    """

    def __init__(self, job: ImportJob | None = None):
        self.job = job

    @property
    def batch_size(self) -> int:
        """Rows per batch: short transactions for a job, fewer queries in the request."""
        return BATCH_SIZE if self.job is None else JOB_BATCH_SIZE

    def save_all(
        self, model, to_create: list, to_update: list, fields: set, count: Count, given=()
    ) -> None:
        """Bulk-update the changed rows (``fields`` changed), then bulk-create the new ones
        (``given``: the fields the file sets on them, for the audit event)."""
        size = self.batch_size
        for batch in chunks(to_update, size):
            with self._batch(model, batch, created=False):
                model.objects.bulk_update(batch, sorted(fields))
        for batch in chunks(to_create, size):
            with self._batch(model, batch, created=True):
                model.objects.bulk_create(batch)
        count.created += len(to_create)
        count.updated += len(to_update)
        count.fields.update(fields)
        if to_create:
            count.fields.update(model._meta.get_field(name).name for name in given)

    @contextlib.contextmanager
    def _batch(self, model, objs: list, *, created: bool):
        with self.batch(len(objs)) as journal:
            yield
            journal.add(model, objs, created=created)

    @contextlib.contextmanager
    def batch(self, rows: int):
        """One batch of writes: with a job, its own transaction, which also writes the
        journal of the rows recorded in the yielded :class:`Journal` (read when the block
        ends: values remembered during the block count) and adds ``rows`` to the job's
        progress. Without a job, the caller's transaction holds everything."""
        journal = Journal(self.job)
        if self.job is None:
            yield journal
            return
        with transaction.atomic():
            yield journal
            journal.write()
            ImportJob.objects.filter(pk=self.job.pk).update(
                rows_done=F("rows_done") + rows, heartbeat_at=timezone.now()
            )
        if connection.vendor == "sqlite":
            time.sleep(SQLITE_PAUSE_SECONDS)


class Journal:
    """The rows one batch wrote: created ones (undone by deleting them), updated ones (undone
    by giving back the values remembered on them, ``PREVIOUS``)."""

    def __init__(self, job: ImportJob | None):
        self.job = job
        self.entries: list[tuple[str, list, bool]] = []

    def add(self, model, objs: list, *, created: bool) -> None:
        if self.job is not None and objs:
            self.entries.append((model._meta.label_lower, objs, created))

    def write(self) -> None:
        ImportUndo.objects.bulk_create(
            [
                ImportUndo(
                    organisation_id=self.job.organisation_id,
                    job=self.job,
                    model=label,
                    object_id=obj.pk,
                    previous=None if created else obj.__dict__.get(PREVIOUS, {}),
                )
                for label, objs, created in self.entries
                for obj in objs
            ],
            batch_size=BATCH_SIZE,
        )


def save_all(model, to_create: list, to_update: list, fields: set, count: Count) -> None:
    """``Writer.save_all`` inside the caller's transaction (no job, no journal)."""
    Writer().save_all(model, to_create, to_update, fields, count)


# Model label → function called with the ids of that model's rows an undo took back (or
# deleted), once the journal is empty: for what the journal does not hold but derives from
# those rows (e.g. the per-EPCI scores of applications, rewritten by their import).
AFTER_UNDO: dict[str, Callable[[list[int]], None]] = {}


def register_after_undo(label: str, function: Callable[[list[int]], None]) -> None:
    """Call ``function(ids)`` after an undo took back rows of the model ``label``
    (``app_label.model_name``)."""
    AFTER_UNDO[label] = function


def undo(job: ImportJob) -> int:
    """Take back every row ``job`` wrote (newest first), then run the ``AFTER_UNDO`` hooks of
    the models it touched; returns the number of rows."""
    touched = {
        label: list(
            ImportUndo.objects.filter(job=job, model=label)
            .values_list("object_id", flat=True)
            .distinct()
        )
        for label in AFTER_UNDO
    }
    undone = _undo_journal(job)
    for label, ids in touched.items():
        if ids:
            AFTER_UNDO[label](ids)
    return undone


def _undo_journal(job: ImportJob) -> int:
    undone = 0
    while True:
        with transaction.atomic():
            records = list(ImportUndo.objects.filter(job=job).order_by("-id")[:BATCH_SIZE])
            if not records:
                return undone
            for group in _runs(records):
                _undo_group(group)
            ImportUndo.objects.filter(pk__in=[record.pk for record in records]).delete()
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        undone += len(records)


def _runs(records: list[ImportUndo]):
    """Consecutive records of one model and one kind (created, or the same updated fields)."""
    run: list[ImportUndo] = []
    for record in records:
        key = (record.model, None if record.previous is None else tuple(sorted(record.previous)))
        if run and key != run[-1].key:
            yield run
            run = []
        record.key = key
        run.append(record)
    if run:
        yield run


def _undo_group(group: list[ImportUndo]) -> None:
    model = apps.get_model(group[0].model)
    if group[0].previous is None:
        model._base_manager.filter(pk__in=[record.object_id for record in group]).delete()
        return
    fields = [model._meta.get_field(name) for name in group[0].previous]
    for model_field in fields:
        if model_field.many_to_many:
            _restore_links(model_field, group)
    concrete = [model_field for model_field in fields if not model_field.many_to_many]
    if not concrete:
        return
    objs = []
    for record in group:
        obj = model(pk=record.object_id)
        for model_field in concrete:
            raw = record.previous[model_field.attname]
            setattr(obj, model_field.attname, None if raw is None else model_field.to_python(raw))
        objs.append(obj)
    model._base_manager.bulk_update(objs, [model_field.name for model_field in concrete])


def _restore_links(model_field, group: list[ImportUndo]) -> None:
    """Give each record's object back the targets of its many-to-many ``model_field``, in
    their remembered order (the order of the links is their primary key's)."""
    through = model_field.remote_field.through
    source = f"{model_field.m2m_field_name()}_id"
    target = f"{model_field.m2m_reverse_field_name()}_id"
    ids = [record.object_id for record in group]
    through._base_manager.filter(**{f"{source}__in": ids}).delete()
    through._base_manager.bulk_create(
        [
            through(**{source: record.object_id, target: target_id})
            for record in group
            for target_id in record.previous[model_field.name]
        ],
        batch_size=BATCH_SIZE,
    )
