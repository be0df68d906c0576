#!/usr/bin/env python
"""Benchmark of the list pages and the home page at region scale, one request at a time.

    .venv/bin/python bench/pages.py                           # SQLite (var/bench-region.sqlite3)
    DATABASE_URL=postgres://… .venv/bin/python bench/pages.py

Runs on the database of ``DATABASE_URL`` (else the benches' SQLite file) and seeds the region
demo there first when it is missing. Logged in as the demo's allocation officer of Tours Habitat
(17,900 households, 19,000 dwellings), it requests every list page and the home page through
Django's test client (the whole middleware stack and the templates, no network), ``--runs``
times each after one warm-up request, and prints for each page its p95, its median and the
number of SQL queries of one request, and the median CPU time of the request in the bench's
process (so that a slow figure on a busy machine can be told from a slow page).
Target: each list page p95 ≤ 150 ms on PostgreSQL.
"""

import argparse
import os
import statistics
import time

from region import OFFICER, ensure_region_demo, machine, ms, p95, production_env, setup_django

TARGET_P95_S = 0.150

# (label, URL name, query string): the home page, then every list page, searched and filtered
# the way the issue measured them.
PAGES = (
    ("home", "core:home", ""),
    ("residences", "housing:residence_list", ""),
    ("buildings", "housing:building_list", ""),
    ("dwellings", "housing:dwelling_list", ""),
    ("dwellings T3", "housing:dwelling_list", "typology=T3"),
    ("dwellings vacant T2", "housing:dwelling_list", "typology=T2&occupied=false"),
    ("dwellings page 100", "housing:dwelling_list", "page=100"),
    ("households", "housing:household_list", ""),
    ("households search martin", "housing:household_list", "q=martin"),
    ("households search phone", "housing:household_list", "q=06+12+34"),
    ("agencies", "core:agency_list", ""),
    ("applications", "allocation:application_list", ""),
    ("applications search martin", "allocation:application_list", "q=martin"),
    ("vacancies", "allocation:vacancy_list", ""),
    ("commissions", "allocation:commission_list", ""),
    ("sessions", "allocation:session_list", ""),
    ("scoring grids", "allocation:scoring_grid_list", ""),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="requests per page")
    return parser.parse_args()


def officer_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICER))
    return client


def measure(client, url: str, runs: int) -> tuple[list[float], int]:
    """Durations of ``runs`` requests of ``url``, the median CPU time they took in this
    process (Python: view and templates; the database's work is not in it) and the queries
    of one of them."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # Counted by a wrapper: the test client resets connection.queries at each request.
    with connection.execute_wrapper(count):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    durations, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        durations.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return durations, statistics.median(cpu), queries


def main() -> None:
    args = parse_args()
    os.environ.update(production_env())  # DEBUG off: cached templates, as served
    vendor = setup_django()
    from django.urls import reverse

    seconds = ensure_region_demo()
    client = officer_client()
    print(
        f"database: {vendor}; logged in as {OFFICER} (Tours Habitat), {args.runs} requests a page"
    )
    print(f"machine: {machine()} (set-up and seed check {seconds:.0f} s)")
    print(f"{'page':<30} {'p95':>10} {'median':>10} {'cpu':>10} {'queries':>8}")
    missed = []
    for label, name, query in PAGES:
        url = reverse(name) + (f"?{query}" if query else "")
        durations, cpu, queries = measure(client, url, args.runs)
        page_p95, median = p95(durations), statistics.median(durations)
        print(f"{label:<30} {ms(page_p95):>10} {ms(median):>10} {ms(cpu):>10} {queries:>8}")
        if name != "core:home" and page_p95 > TARGET_P95_S:
            missed.append(label)
    target = f"each list page p95 ≤ {ms(TARGET_P95_S)}"
    if vendor != "postgresql":
        print(f"target ({target}) is set for PostgreSQL")
    elif missed:
        print(f"TARGET MISSED ({target}): {', '.join(missed)}")
    else:
        print(f"target met: {target}")


if __name__ == "__main__":
    main()
