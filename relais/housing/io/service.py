"""Running one import, whatever its kind: read, check every row, then write all or nothing.

Shared by the housing importers (``importers.py``) and the applications importer
(``relais.allocation``). In the request (``job=None``) the checks and the writes run in one
transaction. In a background job (``jobs.py``) the checks only read, and the writes go in
short batches with their undo journal (``writing.py``); the last transaction records the audit
event, marks the job done and drops the journal. See docs/decisions/0004 and 0023.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit

from ..models import ImportJob, ImportStatus, ImportUndo
from .formats import Format
from .readers import FileError, read_upload
from .validation import MAX_SHOWN_ERRORS, Errors, RowError, parse_table
from .writing import Count, Writer, undo


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]

    @property
    def hidden_error_count(self) -> int:
        return max(0, len(self.errors) - MAX_SHOWN_ERRORS)

    @property
    def created(self) -> int:
        return sum(count.created for count in self.counts)

    @property
    def updated(self) -> int:
        return sum(count.updated for count in self.counts)

    def as_json(self) -> dict:
        """What an import job keeps for its result page (every error, as shown)."""
        return {
            "kind": self.kind,
            "filename": self.filename,
            "rows": self.rows,
            "errors": [[e.row, e.column, e.message, e.cell] for e in self.errors],
            "counts": [
                [c.model, c.created, c.updated, c.unchanged, sorted(c.fields)] for c in self.counts
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        counts = []
        for model, created, updated, unchanged, fields in data.get("counts", []):
            meta = apps.get_model(model)._meta
            counts.append(
                Count(meta.model_name, meta.verbose_name_plural, model, created, updated, unchanged)
            )
            counts[-1].fields = set(fields)
        return cls(
            kind=data.get("kind", ""),
            filename=data.get("filename", ""),
            rows=data.get("rows", 0),
            errors=[RowError(*error) for error in data.get("errors", [])],
            counts=counts,
        )


def _changed_meanwhile() -> str:
    return _("The data changed during the import: nothing was saved. Try again.")


def _failed(result: ImportResult, message: str) -> ImportResult:
    result.counts = []
    result.errors = [RowError(0, "", message)]
    return result


def check_sensitive(spec: Format, header: list[str], errors: Errors, *, sensitive: bool) -> bool:
    """A file with sensitive columns needs the ability to see them (``sensitive``).

    Refused as a whole, before any row is read: an error on a sensitive cell (« a consent
    needs its date ») would tell who is on the vulnerability register.
    """
    names = [column.name for column in spec.columns if column.sensitive and column.name in header]
    if names and not sensitive:
        errors.add(
            1,
            "",
            _(
                "The columns %(columns)s hold sensitive personal data that your role may not "
                "see or change: remove them from the file. Nothing was imported."
            )
            % {"columns": ", ".join(names)},
        )
        return False
    return True


def run_import(
    *,
    spec: Format,
    importer_class,
    organisation,
    actor,
    file,
    sensitive: bool,
    audit_action: str,
    audit_changes: Callable[[ImportResult], dict[str, Any]],
    job: ImportJob | None = None,
) -> ImportResult:
    """Import ``file`` of ``spec`` into ``organisation``, all or nothing; see the module."""
    result = ImportResult(kind=spec.kind, filename=getattr(file, "name", "") or "")
    errors = Errors()
    try:
        table = read_upload(file)
    except FileError as exc:
        return _failed(result, exc.message)
    if not check_sensitive(spec, spec.canonical(table.header), errors, sensitive=sensitive):
        result.errors = errors.sorted()
        return result
    header, rows = parse_table(spec, table, errors)
    result.rows = len(rows)
    if job is not None:
        ImportJob.objects.filter(pk=job.pk).update(
            rows_total=len(rows), heartbeat_at=timezone.now()
        )
    if not header or not rows:
        result.errors = errors.sorted()
        return result
    importer = importer_class(organisation, header, rows, errors, Writer(job))

    def finish():
        audit.record(
            action=audit_action,
            organisation=organisation,
            actor=actor,
            object_repr=result.filename,
            changes=audit_changes(result),
        )
        if job is not None:
            _job_done(job, result)

    try:
        if job is not None:
            return _run_batched(importer, result, finish)
        with transaction.atomic():
            importer.check()
            if errors:
                result.errors = errors.sorted()
                return result
            result.counts = importer.write()
            importer.refresh_search()
            finish()
    except IntegrityError:
        # Someone else changed the same rows between our checks and our writes.
        return _failed(result, _changed_meanwhile())
    return result


def _run_batched(importer, result: ImportResult, finish) -> ImportResult:
    """Checks (reads only), then batches that commit one by one; undone on any failure."""
    importer.check()
    if importer.errors:
        result.errors = importer.errors.sorted()
        return result
    job = importer.writer.job
    try:
        result.counts = importer.write()
        with transaction.atomic():
            importer.refresh_search()
            finish()
    except BaseException as exc:
        undo(job)
        if isinstance(exc, IntegrityError):
            return _failed(result, _changed_meanwhile())
        raise
    return result


def _job_done(job: ImportJob, result: ImportResult) -> None:
    """Inside the last transaction: the job's result, and its journal dropped."""
    ImportUndo.objects.filter(job=job).delete()
    job.status = ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED
    job.result = result.as_json()
    job.finished_at = timezone.now()
    job.data = b""
    job.save(update_fields=["status", "result", "finished_at", "data"])
