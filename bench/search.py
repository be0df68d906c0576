#!/usr/bin/env python
"""Benchmark of the household search at region scale against the bare indexed query.

    .venv/bin/python bench/search.py                          # SQLite (DATABASE_URL unset)
    DATABASE_URL=postgres://… .venv/bin/python bench/search.py

Runs on the database of ``DATABASE_URL`` and seeds the region demo there first when it is
missing (196,000 dwellings, ~184,000 households; ``seed_demo --scale region``). In Tours
Habitat (17,900 households) it draws 200 queries, half names (a surname, or a first name and
a surname, typed in lower case without accents) and half phone numbers of its occupants in
one of four spellings (``0612345678``, ``06 12 34 56 78``, ``+33 6 12 34 56 78``, the first
digits only). For each it times, in random order:

- the search: what the household list runs — ``search_households`` on the annotated
  ``selectors.households`` queryset, ordered, first page of 50 through ``ListPaginator``
  (the page's ids, its rows with their occupant count, current dwelling and commune, and the
  ``COUNT`` when more than 50 rows match);
- the bare indexed query: one hand-written ``SELECT id, name`` of the matching rows of the
  organisation (``search LIKE`` every term), ordered, ``LIMIT 50``, through a cursor.

Prints the p95 of each and their ratio. Targets: search p95 ≤ 100 ms, ratio ≤ 3.
"""

import argparse
import random
import time

from region import (
    analyse,
    ensure_region_demo,
    landlord,
    machine,
    ms,
    p95,
    setup_django,
)

TARGET_P95_S, TARGET_RATIO = 0.100, 3
PAGE = 50


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="queries timed")
    parser.add_argument("--seed", type=int, default=2020)
    return parser.parse_args()


def spell_phone(rng, national: str) -> str:
    """``national``: "0612345678" → one of the ways people type it."""
    pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    spellings = (national, pairs, "+33 " + pairs[1:], pairs[:8])
    return spellings[rng.randrange(len(spellings))]


def draw_queries(rng, organisation, count: int) -> list[str]:
    from relais.core.search import compact, phone_digits
    from relais.housing.models import Occupant

    people = list(
        Occupant.objects.filter(organisation=organisation)
        .exclude(phone="")
        .values_list("first_name", "last_name", "phone")
    )
    queries = []
    for n in range(count):
        first, last, phone = people[rng.randrange(len(people))]
        if n % 2:
            queries.append(spell_phone(rng, phone_digits(phone)))
        elif rng.random() < 0.5:
            queries.append(compact(last))
        else:
            queries.append(f"{compact(first)} {compact(last)}")
    return queries


def full_search(organisation, query: str) -> int:
    from relais.core.pagination import ListPaginator
    from relais.housing import selectors

    rows = selectors.search_households(selectors.households(organisation), query)
    page = ListPaginator(rows.order_by("name", "pk"), PAGE).get_page(1)
    list(page.object_list)
    return page.paginator.count


def bare_search(cursor, organisation_id: int, query: str) -> int:
    from relais.core.search import terms

    words = terms(query)
    likes = " AND ".join(["search LIKE %s"] * len(words))
    cursor.execute(
        "SELECT id, name FROM housing_household "
        f"WHERE organisation_id = %s AND {likes} ORDER BY name, id LIMIT {PAGE}",
        [organisation_id, *(f"%{word}%" for word in words)],
    )
    return len(cursor.fetchall())


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    args = parse_args()
    vendor = setup_django()
    from django.db import connection

    seconds = ensure_region_demo()
    analyse()
    from relais.housing.models import Household

    organisation = landlord()
    households = Household.objects.filter(organisation=organisation).count()
    rng = random.Random(args.seed)
    queries = draw_queries(rng, organisation, args.runs)
    full, bare = [], []
    with connection.cursor() as cursor:
        for query in queries[:10]:  # warm the caches and the connection
            full_search(organisation, query)
            bare_search(cursor, organisation.pk, query)
        for query in queries:
            if rng.random() < 0.5:
                full.append(timed(full_search, organisation, query))
                bare.append(timed(bare_search, cursor, organisation.pk, query))
            else:
                bare.append(timed(bare_search, cursor, organisation.pk, query))
                full.append(timed(full_search, organisation, query))
    total = Household.objects.count()
    search_p95, bare_p95 = p95(full), p95(bare)
    ratio = search_p95 / bare_p95
    print(f"database: {vendor}; {total:,} households, {households:,} in {organisation.name}")
    print(f"machine: {machine()} (set-up and seed check {seconds:.0f} s)")
    print(f"queries: {len(queries)} ({len(queries) // 2} phones, the rest names)")
    print(f"household search p95: {ms(search_p95)} (target ≤ {ms(TARGET_P95_S)})")
    print(f"bare indexed query p95: {ms(bare_p95)}")
    print(f"ratio: {ratio:.2f} (target ≤ {TARGET_RATIO})")
    met = search_p95 <= TARGET_P95_S and ratio <= TARGET_RATIO
    print("targets met" if met else "TARGETS MISSED")


if __name__ == "__main__":
    main()
