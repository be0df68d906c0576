"""Imports run as background tasks: start, run, recover (docs/decisions/0023).

A file larger than ``IMPORT_BACKGROUND_BYTES`` is stored on an :class:`ImportJob` and imported
by the ``run_import_job`` task (``relais.housing.tasks``); the uploader follows its progress
and reads its result on the job's page. Every kind of import registers here the service that
runs it (``register``): the housing kinds below, the applications from ``relais.allocation``.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.core.enqueue import enqueue

from ..models import ImportJob, ImportStatus
from .service import ImportResult
from .validation import RowError
from .writing import undo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportKind:
    """``service(*, organisation, actor, file, sensitive, job)`` → ImportResult; ``ability``
    needed to start or follow it; ``url_name`` of its upload page."""

    service: object
    ability: str
    url_name: str


KINDS: dict[str, ImportKind] = {}


def register(kind: str, service, *, ability: str, url_name: str) -> None:
    KINDS[kind] = ImportKind(service, ability, url_name)


def import_job_start(*, organisation, actor, kind: str, file, sensitive: bool) -> ImportJob:
    """Store the uploaded ``file`` on a new job and queue its task once committed."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation=organisation,
            kind=kind,
            filename=(getattr(file, "name", "") or "")[:255],
            data=file.read(),
            sensitive=sensitive,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    enqueue("relais.housing.tasks.run_import_job", job_id)


def import_job_run(job_id: int) -> None:
    """Run one queued job (claimed once: a second worker or a retry does nothing)."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, heartbeat_at=now
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            result = KINDS[job.kind].service(
                organisation=job.organisation,
                actor=job.created_by,
                file=SimpleUploadedFile(job.filename, bytes(job.data)),
                sensitive=job.sensitive,
                job=job,
            )
        except Exception:
            logger.exception("import job %s failed", job_id)
            undo(job)
            result = ImportResult(kind=job.kind, filename=job.filename)
            result.errors = [
                RowError(0, "", _("The import stopped on an unexpected error: nothing was saved."))
            ]
        _fail(job, result)


def _fail(job: ImportJob, result: ImportResult) -> None:
    """A job still running after its service returned was refused: keep why."""
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED,
        result=result.as_json(),
        finished_at=timezone.now(),
        data=b"",
    )


def recover_interrupted(now=None) -> list[int]:
    """Undo the jobs whose worker died (no heartbeat for ``IMPORT_STALE_SECONDS``)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    recovered = []
    for job in ImportJob.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=stale):
        # Claim it: another recovery that got there first has moved the heartbeat.
        if not ImportJob.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at).update(
            heartbeat_at=now
        ):
            continue
        undo(job)
        with translation.override(job.language):
            result = ImportResult(kind=job.kind, filename=job.filename)
            result.errors = [
                RowError(
                    0, "", _("The import was interrupted: nothing was saved. Send the file again.")
                )
            ]
            _fail(job, result)
        recovered.append(job.pk)
    return recovered
