#!/usr/bin/env python
"""Benchmark of a broadcast at region scale: segment resolution, outbox rows, letters' PDF.

    .venv/bin/python bench/messaging.py                    # SQLite (var/bench-region.sqlite3)
    .venv/bin/python bench/messaging.py --scale 0.25       # a quarter of the landlords
    DATABASE_URL=postgres://… .venv/bin/python bench/messaging.py

Runs on the database of ``DATABASE_URL`` (else the benches' SQLite file), seeding the region
demo there when missing (~184,000 households, one holder or two each). For every landlord (or
the first ``--scale`` share of them), one information broadcast to all its tenants:

- segment resolution: ``recipients.counts`` (one holder per household, opt-outs left out,
  the channel of each by preference and fallback);
- outbox rows: ``services.broadcast_dispatch`` (the e-mails and texts written by one
  ``INSERT … SELECT`` each, merge fields rendered in SQL, the letters recorded), against a
  bare ``INSERT INTO core_outboxmessage … SELECT … FROM housing_occupant`` of as many rows in
  the same run (no join, no rendering);
- letters: ``letters.render_batch`` of the bench landlord's letters (one Typst document),
  pages per second.

Targets (issue 11 §4): outbox for 200,000 recipients ≤ 30 s with a ratio ≤ 3 to the bare
statement; letters ≥ 50 pages per second on 2 cores. Everything written is deleted at the end.
The bare statement runs once untimed first, so that both sides find the tables in the cache.
"""

import argparse
import time

from region import LANDLORD, ensure_region_demo, machine, setup_django

TARGET_OUTBOX_S = 30.0
TARGET_RATIO = 3.0
TARGET_PAGES_PER_S = 50.0


def _broadcasts(organisations, author):
    from relais.messaging.models import Broadcast

    return [
        Broadcast.objects.create(
            organisation=organisation,
            title="Bench : coupure d'eau",
            criteria=[{"key": "organisation"}],
            subject="Coupure d'eau : {adresse}",
            body="Bonjour {nom},\nL'eau sera coupée mardi. Agence : {telephone_agence}.",
            sms_body="Bonjour {nom}, eau coupée mardi. Infos : {lien_avis}",
            status="sending",
            created_by=author,
        )
        for organisation in organisations
    ]


def _bare_insert(rows: int) -> float:
    """Seconds of a bare INSERT … SELECT of ``rows`` outbox rows from the holders."""
    from django.db import connection, transaction

    sql = (
        'INSERT INTO core_outboxmessage (organisation_id, channel, "to", subject, body, '
        "household_id, purpose, batch, unsubscribe, status, attempts, last_error, error_kind, "
        "created_at, next_attempt_at, provider_reference) "
        "SELECT organisation_id, 'email', email, 'Coupure', 'Bonjour', household_id, "
        "'bench.bare', 'bench.bare', %s, 'cancelled', 0, '', '', %s, %s, '' "
        "FROM housing_occupant WHERE is_holder ORDER BY id LIMIT %s"
    )
    from django.utils import timezone

    now = timezone.now()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [True, now, now, rows])
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_outboxmessage WHERE batch = 'bench.bare'")
    return elapsed


def _clean(broadcasts) -> None:
    from relais.core.outbox.models import OutboxMessage
    from relais.messaging.models import Broadcast

    for broadcast in broadcasts:
        OutboxMessage.objects.filter(batch=broadcast.batch).delete()
    Broadcast.objects.filter(pk__in=[b.pk for b in broadcasts]).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the landlords")
    args = parser.parse_args()
    vendor = setup_django()
    ensure_region_demo()
    from django.contrib.auth import get_user_model

    from relais.core.models import Organisation
    from relais.messaging import letters, recipients, services

    organisations = list(Organisation.objects.order_by("pk"))
    organisations = organisations[: max(1, round(len(organisations) * args.scale))]
    if LANDLORD not in {o.name for o in organisations}:
        organisations.append(Organisation.objects.get(name=LANDLORD))
    author = get_user_model().objects.order_by("pk").first()
    print(f"{vendor}, {len(organisations)} landlords; {machine()}")
    broadcasts = _broadcasts(organisations, author)
    try:
        # Warm-up, so neither side pays for reading the tables from disk first: the bare
        # statement once (its rows deleted), which reads the holders.
        _bare_insert(200_000)
        start = time.perf_counter()
        total = sum(
            sum(v for k, v in recipients.counts(b).items() if k != "opted_out") for b in broadcasts
        )
        resolve = time.perf_counter() - start
        start = time.perf_counter()
        for broadcast in broadcasts:
            services.broadcast_dispatch(broadcast.pk)
        dispatch = time.perf_counter() - start
        for broadcast in broadcasts:
            broadcast.refresh_from_db()
        outbox_rows = sum(b.counts["email"] + b.counts["sms"] for b in broadcasts)
        letter_rows = sum(b.counts["letter"] for b in broadcasts)
        bare = _bare_insert(outbox_rows + letter_rows)
        ratio = dispatch / bare if bare else float("inf")
        print(f"recipients: {total:,} ({outbox_rows:,} e-mails and texts, {letter_rows:,} letters)")
        print(f"segment resolution (counts by channel): {resolve:6.2f} s")
        print(
            f"outbox rows + letters recorded: {dispatch:6.2f} s (target ≤ {TARGET_OUTBOX_S:.0f} s "
            f"for 200,000), bare INSERT … SELECT of {outbox_rows + letter_rows:,} rows "
            f"{bare:6.2f} s, ratio {ratio:.1f} (target ≤ {TARGET_RATIO:.0f})"
        )
        landlord_broadcast = next(b for b in broadcasts if b.organisation.name == LANDLORD)
        start = time.perf_counter()
        _pdf, pages = letters.render_batch(landlord_broadcast)
        rendering = time.perf_counter() - start
        print(
            f"letters PDF ({LANDLORD}): {pages:,} pages in {rendering:.2f} s, "
            f"{pages / rendering:.0f} pages/s (target ≥ {TARGET_PAGES_PER_S:.0f})"
        )
    finally:
        _clean(broadcasts)


if __name__ == "__main__":
    main()
