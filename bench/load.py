#!/usr/bin/env python
"""Load test: office users on the region demo behind gunicorn, with locust (headless, bounded).

    DATABASE_URL=postgres://… .venv/bin/python bench/load.py                 # browse, 10 then 50
    DATABASE_URL=postgres://… .venv/bin/python bench/load.py --scenario voting --users 10

Seeds the region demo in the database of ``DATABASE_URL`` when it is missing (use a
throwaway database: the demo replaces an existing demo), runs the scenario's ``prepare()``
(``bench/load_scenarios/``), starts gunicorn (``--workers``, 4 by default; DEBUG off,
persistent database connections) on a free local port, then for each user count runs the
scenario's users in-process with locust for ``--seconds`` (all users started at once, after a
warm-up of a few seconds that is not counted) and prints, per page, the requests, the
failures, the median and the p95. Target (browse, 10 users): every page p95 ≤ 500 ms and no
failure. The load generator runs on the same machine as the server and the database.
"""

# locust patches the standard library with gevent when imported: before anything else.
import locust  # noqa: F401, I001

import argparse
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from region import ROOT, ensure_region_demo, machine, production_env, setup_django

TARGET_P95_MS = {10: 500}
WARM_UP_SECONDS = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="browse", help="module of bench/load_scenarios")
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--seconds", type=int, default=60, help="measured time per user count")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:``port``, with this process's (production) settings."""
    env = dict(os.environ)
    command = [
        *(sys.executable, "-m", "gunicorn", "config.wsgi"),
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--timeout", "60", "--log-level", "warning"),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    else:
        print(f"gunicorn had stopped (exit status {server.returncode})")


def run_users(scenario, host: str, users: int, seconds: int):
    """Run ``users`` users for a warm-up then ``seconds``; returns locust's stats."""
    import gevent
    from locust.env import Environment

    environment = Environment(user_classes=scenario.USERS, host=host)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(WARM_UP_SECONDS)
    environment.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    return environment.stats


def report(stats, users: int) -> bool:
    """Print one line per page; True when the target for ``users`` (if any) is met."""
    target = TARGET_P95_MS.get(users)
    print(f"{'page':<32} {'requests':>8} {'failures':>8} {'median':>9} {'p95':>9}")
    met = True
    entries = sorted(stats.entries.values(), key=lambda entry: entry.name)
    for entry in [*entries, stats.total]:
        p95 = entry.get_response_time_percentile(0.95) or 0
        median = entry.get_response_time_percentile(0.5) or 0
        name = "all pages" if entry is stats.total else entry.name
        print(
            f"{name:<32} {entry.num_requests:>8} {entry.num_failures:>8} "
            f"{median:>6.0f} ms {p95:>6.0f} ms"
        )
        if target is not None and (p95 > target or entry.num_failures):
            met = False
    if target is not None:
        verdict = "target met" if met else "TARGET MISSED"
        print(f"{verdict}: every page p95 ≤ {target} ms and no failure at {users} users")
    return met


def main() -> None:
    args = parse_args()
    # The same settings (and secret key, which signs the sessions ``prepare`` creates) here
    # and in the server.
    os.environ.update(production_env())
    vendor = setup_django()
    scenario = importlib.import_module(f"load_scenarios.{args.scenario}")
    seconds = ensure_region_demo()
    prepared = scenario.prepare()
    for user_class in scenario.USERS:
        user_class.prepared = prepared
    from django.db import connections

    connections.close_all()  # the server's workers open their own
    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        print(f"scenario {args.scenario}: {vendor}, gunicorn {args.workers} workers")
        print(f"machine: {machine()} (set-up and seed check {seconds:.0f} s)")
        for users in args.users:
            print(f"\n{users} users, {args.seconds} s measured after {WARM_UP_SECONDS} s warm-up")
            report(run_users(scenario, f"http://127.0.0.1:{port}", users, args.seconds), users)
    finally:
        stop(server)


if __name__ == "__main__":
    main()
