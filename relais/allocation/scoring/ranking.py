"""The candidate ranking (``RankedWish``, docs/decisions/0051): one row per active application
and place it wishes, with the score it is ranked on there and the columns the eligibility
filter reads, so the search for a vacancy is a walk on one index that stops at its LIMIT.

- ``ranking_source_sql``: the rows as they follow from the applications, their wishes and
  their scores (the one definition: ``ranking_write``, ``ranking_fill`` and the tests' check
  that the table is in step read it);
- ``ranking_write``: rewrite the rows of some applications, set-based (a DELETE and an
  INSERT … SELECT per 2,000 ids). Called by whatever writes an application, its wishes, its
  status or its scores: the services (create, edit, status events), ``score_applications``
  (rescoring, grids, import), the lifecycle (strike-off), the letting (housed);
- ``ranking_fill``: rebuild the whole table (demo, benchmark).
"""

from django.db import connection

from relais.housing.models import Commune

from ..models import (
    RANKED_FACTS,
    Application,
    ApplicationScore,
    ApplicationStatus,
    RankedWish,
)

CHUNK = 2000
COLUMNS = ("application_id", "commune_id", "epci_id", "score", "first_applied_on", *RANKED_FACTS)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def ranking_source_sql(where: str = "") -> str:
    """SELECT of the ranking rows (``COLUMNS`` order) from the source tables; one ``%s``: the
    active status. ``where``: an extra condition on ``a`` (the application), e.g. ``a.id IN
    (…)``, whose parameters follow the status — it appears twice (communes, then EPCIs).

    A wished commune of an EPCI ranks on the application's score in that EPCI (no score row,
    no rank: the search never found such a file either); a wished commune without an EPCI on
    its main score; a wished EPCI on its score there (ADR 0033)."""
    facts = ", ".join(f"a.{name}" for name in RANKED_FACTS)
    extra = f" AND {where}" if where else ""
    application, score = _table(Application), _table(ApplicationScore)
    return (
        f"SELECT a.id, w.commune_id, NULL, COALESCE(s.score, a.score),"
        f" COALESCE(s.first_applied_on, a.first_applied_on), {facts}"
        f" FROM {_table(Application.wished_communes.through)} w"
        f" JOIN {application} a ON a.id = w.application_id"
        f" JOIN {_table(Commune)} c ON c.code = w.commune_id"
        f" LEFT JOIN {score} s ON s.application_id = w.application_id AND s.epci_id = c.epci_id"
        f" WHERE a.status = %s AND (c.epci_id IS NULL OR s.id IS NOT NULL){extra}"
        f" UNION ALL SELECT a.id, NULL, e.epci_id, s.score, s.first_applied_on, {facts}"
        f" FROM {_table(Application.wished_epcis.through)} e"
        f" JOIN {application} a ON a.id = e.application_id"
        f" JOIN {score} s ON s.application_id = e.application_id AND s.epci_id = e.epci_id"
        f" WHERE a.status = %s{extra}"
    )


def _insert_sql(where: str = "") -> str:
    columns = ", ".join(COLUMNS)
    return f"INSERT INTO {_table(RankedWish)} ({columns}) {ranking_source_sql(where)}"


def ranking_write(application_ids) -> None:
    """Rewrite the ranking rows of ``application_ids`` from their current facts, wishes,
    status and scores (inside the caller's transaction). Two statements per 2,000 ids."""
    ids = sorted(set(application_ids))
    active = ApplicationStatus.ACTIVE
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_table(RankedWish)} WHERE application_id IN ({marks})", chunk
            )
            cursor.execute(_insert_sql(f"a.id IN ({marks})"), [active, *chunk, active, *chunk])


def ranking_fill(organisation_ids=None) -> None:
    """Rebuild the ranking rows of every application registered by ``organisation_ids`` (all
    applications when None) from the source tables: one DELETE and one INSERT … SELECT,
    whatever the number of applications (the demo's and the benchmark's bulk writes)."""
    active = ApplicationStatus.ACTIVE
    with connection.cursor() as cursor:
        if organisation_ids is None:
            cursor.execute(f"DELETE FROM {_table(RankedWish)}")
            cursor.execute(_insert_sql(), [active, active])
            return
        ids = list(organisation_ids)
        marks = ", ".join(["%s"] * len(ids))
        mine = f"SELECT id FROM {_table(Application)} WHERE organisation_id IN ({marks})"
        cursor.execute(f"DELETE FROM {_table(RankedWish)} WHERE application_id IN ({mine})", ids)
        where = f"a.organisation_id IN ({marks})"
        cursor.execute(_insert_sql(where), [active, *ids, active, *ids])
