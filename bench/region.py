"""What the region-scale benches share: Django set-up on ``DATABASE_URL``, the region demo
(seeded there when missing), the landlord measured and percentiles."""

import math
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REGION_HOUSEHOLDS = 180_000  # the region demo has ~184,000 (94 % of 196,000 dwellings)
# The landlord of the measures: one of 17,900 households.
LANDLORD = "Tours Habitat"
OFFICER = "attribution"  # the demo's allocation officer in Tours Habitat


SQLITE_FILE = ROOT / "var" / "bench-region.sqlite3"
# The audit chain's key for the benches' throwaway databases (required with DEBUG off): the
# same when seeding and when serving, so the chains they write still verify.
BENCH_AUDIT_KEY = "relais-benches-throwaway-audit-key-0123456789"


def production_env() -> dict[str, str]:
    """Settings as in production (DEBUG off: cached templates, no query log), served over
    plain HTTP on the loopback, with a throwaway secret key."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "AUDIT_HMAC_KEY": BENCH_AUDIT_KEY,
        "SECURE_HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


def setup_django() -> str:
    """Configure Django on ``DATABASE_URL``, else on a SQLite file of the benches' own
    (``var/bench-region.sqlite3``: the demo database is left alone); returns the vendor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("AUDIT_HMAC_KEY", BENCH_AUDIT_KEY)
    os.environ.setdefault("SECURE_HTTPS", "0")
    if not os.environ.get("DATABASE_URL"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    import django
    from django.db import connection

    django.setup()
    return connection.vendor


def ensure_region_demo() -> float:
    """Migrate, and seed the region demo unless it is there; returns the seconds spent."""
    from django.core.management import call_command

    from relais.housing.demo import seed_demo
    from relais.housing.models import Household

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if Household.objects.count() < REGION_HOUSEHOLDS:
        print("seeding the region demo (a few minutes)…", flush=True)
        seed_demo(scale="region", reset=True)
        analyse()
    return time.perf_counter() - start


def analyse() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL plans on them; SQLite too)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def landlord():
    from relais.core.models import Organisation

    return Organisation.objects.get(name=LANDLORD)


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """A note printed with every figure: the machine is shared, figures vary run to run."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs shared with other work, load average {load:.1f}"


# Timing sub-millisecond queries on a loaded machine (ADR 0037) --------------------------------

SAMPLE_S = 0.020  # each sample times a batch of calls lasting about this long


def timed(call, runs: int, batch: int = 1) -> list[float]:
    """``runs`` samples of the seconds one ``call`` takes, each the mean of ``batch`` calls in
    a row (a sub-millisecond query timed alone measures the scheduler of a loaded machine)."""
    return paired([call], runs, batch)[0]


def paired(calls, runs: int, batch: int) -> list[list[float]]:
    """Samples of each of ``calls`` as in :func:`timed`, taken in turns (one batch of each,
    then again), so that the ratios compare calls that ran under the same load."""
    for call in calls:
        call()  # warm-up (plans, caches)
    samples = [[] for _ in calls]
    for _ in range(runs):
        for call, mine in zip(calls, samples, strict=True):
            start = time.perf_counter()
            for _ in range(batch):
                call()
            mine.append((time.perf_counter() - start) / batch)
    return samples


def batch_size(call) -> int:
    """How many calls in a row last about ``SAMPLE_S`` (at least one, at most 200)."""
    durations = []
    for _ in range(5):  # the quickest of five: one call can wait for the CPU
        start = time.perf_counter()
        call()
        durations.append(time.perf_counter() - start)
    once = max(min(durations), 1e-5)
    return max(1, min(200, round(SAMPLE_S / once)))
