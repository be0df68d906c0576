"""Commission members voting at once in a remote session while staff read files (issue 19 §6).

Each voter is an outside member of the landlord: it logs in through the real pages (password,
then the TOTP code computed from its seeded secret with allauth's own TOTP functions), then
does what members do in a session: open the ballot, open a candidate's file (an audited read),
take or change a position (the htmx card). Staff (allocation officers, ``Staff.fixed_count``
of them) open household files and applications (audited reads) of the same landlord
meanwhile: the pages that deadlocked against the votes on PostgreSQL. Users think 0.5 to 2 s
between two pages.

``prepare(voters=…)`` seeds its own landlord, commission and open session (``ITEMS`` agenda
items of three candidates) in the benched database — use a throwaway one. Every position a
voter saw accepted is kept in ``ACCEPTED``; ``check_positions()`` compares them with the
stored rows after a run (each pair stored once, with the member's last word).

With ``bench/load.py`` (branch ``search``): ``--scenario voting --users 15 55 105`` runs 10,
50 and 100 voters plus the 5 staff. Without it, this module runs itself::

    DATABASE_URL=postgres://…/relais_bench python bench/load_scenarios/voting.py --voters 10 50 100
    python bench/load_scenarios/voting.py   # SQLite, var/bench-voting.sqlite3 (recreated)

``--prepared-sessions`` starts each user from a session made by ``prepare()`` (the state the
login leaves) instead of the login pages: on a saturated machine, 50 and more password hashes
at once dominate the run and the login step times out.
"""

import random
import re
import time

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "bench-voting-password"
ITEMS = 3
STAFF = 5
ACCEPTED: dict[tuple[int, int], tuple[str, int | None]] = {}  # (member, candidate) → last word
IN_FLIGHT: dict[tuple[int, int], tuple[str, int | None]] = {}  # sent, answer not read yet
LOGGED_IN = [0]  # users past their login (the runner measures once all are)
LOGIN_ATTEMPTS = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare(voters: int = 100) -> dict:
    """Seed a landlord with an open remote session, ``voters`` voting members (password and
    TOTP), ``STAFF`` allocation officers and a household; return what the users need."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the tests' factories
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from relais.allocation.commissions.electorate import fix_electorates
    from relais.allocation.models import Candidate, Seat
    from relais.core.roles import Role
    from tests.allocation.factories_commissions import board, seat
    from tests.factories import HouseholdFactory, MembershipFactory, OrganisationFactory

    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding only: one real hash below
    with override_settings(PASSWORD_HASHERS=fast):
        organisation = OrganisationFactory(name="Habitat du banc d'essai")
        prepared = board(organisation, items=ITEMS, mark="banc")
        extra = [
            seat(prepared.commission, Seat.LANDLORD if n % 2 else Seat.TENANT)
            for n in range(max(voters - len(prepared.voters), 0))
        ]
        members = (prepared.voters + extra)[:voters]
        fix_electorates(prepared.session)  # every voter in the quorum base, as if seated first
        staff = [
            MembershipFactory(organisation=organisation, role=Role.ALLOCATION_OFFICER).user
            for _n in range(STAFF)
        ]
        household = HouseholdFactory(organisation=organisation)
    users = [m.user for m in members] + staff
    type(users[0]).objects.filter(pk__in=[u.pk for u in users]).update(
        password=make_password(PASSWORD)
    )
    for user in users:
        user.refresh_from_db(fields=["password"])  # the session hash follows the password
    logged_in = {u.username: _session_key(u) for u in users}
    session = prepared.session
    candidates = list(
        Candidate.objects.filter(item__session=session).order_by("item__position", "pk")
    )
    return {
        "session": session.pk,
        "voters": [
            {"username": m.user.username, "member": m.pk, "secret": _secret(m.user)}
            for m in members
        ],
        "staff": [u.username for u in staff],
        "candidates": [c.pk for c in candidates],
        "proposed_ranks": {c.pk: c.proposed_rank for c in candidates},
        "applications": [c.application_id for c in candidates],
        "household": household.pk,
        "sessions": logged_in,
    }


def _session_key(user) -> str:
    """A session of ``user`` past the login (password and TOTP), as allauth leaves it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _secret(user) -> str:
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_adapter().decrypt(totp.data["secret"])


def totp_code(secret: str) -> str:
    """The current TOTP code of ``secret``, as an authenticator app shows it."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def check_positions() -> tuple[int, list[str]]:
    """(positions checked, problems): each accepted pair is stored once, with its last word."""
    from relais.allocation.models import Position

    rows = {
        (p.member_id, p.candidate_id): (p.choice, p.rank)
        for p in Position.objects.filter(member_id__in={m for m, _c in ACCEPTED})
    }
    # A position sent when the run stopped may be stored without its answer being read.
    problems = [
        f"member {m} candidate {c}: stored {rows.get((m, c))}, last accepted {word}"
        for (m, c), word in ACCEPTED.items()
        if rows.get((m, c)) not in (word, IN_FLIGHT.get((m, c)))
    ]
    return len(ACCEPTED), problems


class _Browser(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    prepared: dict = {}  # set from prepare() by the runner
    log_in_through_pages = True  # False: start from the session prepared for the user
    cookie = ""

    def _start(self, username: str, secret: str | None = None) -> None:
        if self.log_in_through_pages:
            self._login(username, secret)
            return
        # A CSRF secret of our own in the cookie, sent back in the header: what a browser does.
        self.csrf = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
        self.client.client.cookiejar = None  # the header below is the browser's cookies
        key = self.prepared["sessions"][username]
        self.cookie = f"sessionid={key}; csrftoken={self.csrf}"
        LOGGED_IN[0] += 1

    def _page(self, path: str, name: str, *, data=None, htmx=False, expect=200, refused="") -> str:
        """GET (or POST ``data`` with the CSRF token); anything but ``expect`` is a failure, and
        so is an answer holding ``refused`` (the mark of a refused form)."""
        headers = {"HX-Request": "true"} if htmx else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if data is not None:
            headers["X-CSRFToken"] = self.csrf
            headers["Referer"] = self.host + path
        method = self.client.post if data is not None else self.client.get
        with method(
            path, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            text = response.text or ""
            self.status = response.status_code
            if response.status_code != expect:
                where = response.headers.get("location", "")
                response.failure(f"status {response.status_code} {where}".strip())
            elif refused and refused in text:
                response.failure("refused")
        token = CSRF.search(text)
        if token and not self.cookie:
            self.csrf = token.group(1)
        return text

    def _login(self, username: str, secret: str | None = None) -> None:
        """Log in as a person does, trying again (after a pause) when a step fails."""
        for _attempt in range(LOGIN_ATTEMPTS):
            self.client.cookiejar.clear()  # no half-finished login left from a failed attempt
            self.csrf = ""
            self._page("/accounts/login/", "login page")
            credentials = {"login": username, "password": PASSWORD}
            self._page("/accounts/login/", "login", data=credentials, expect=302)
            for _code in range(3 if self.status == 302 and secret is not None else 0):
                # A code read just before a 30-second boundary may reach a loaded server
                # after it: the next code is typed, as a person does.
                self._page("/accounts/2fa/authenticate/", "login TOTP page")
                code = {"code": totp_code(secret)}
                self._page("/accounts/2fa/authenticate/", "login TOTP", data=code, expect=302)
                if self.status == 302:
                    break
            if self.status == 302:
                LOGGED_IN[0] += 1
                return
            time.sleep(random.uniform(1, 5))


class Voter(_Browser):
    """One commission member at home, voting on the agenda."""

    weight = 10
    _next = 0

    def on_start(self):
        voters = self.prepared["voters"]
        self.me = voters[Voter._next % len(voters)]
        Voter._next += 1
        self.rng = random.Random(self.me["member"])
        self._start(self.me["username"], self.me["secret"])
        self.ballot = f"/attributions/mes-seances/{self.prepared['session']}/"
        self._page(self.ballot, "ballot")

    @task(2)
    def open_ballot(self):
        self._page(self.ballot, "ballot")

    @task(3)
    def open_candidate(self):
        candidate = self.rng.choice(self.prepared["candidates"])
        self._page(f"{self.ballot}candidats/{candidate}/", "candidate file")

    @task(6)
    def take_position(self):
        candidate = self.rng.choice(self.prepared["candidates"])
        if self.rng.random() < 0.7:  # each member ranks an item's three candidates in its order
            proposed = self.prepared["proposed_ranks"][candidate]
            word = ("attribution", 1 + (self.me["member"] + proposed) % 3)
            data = {"choice": "attribution", "rank": str(word[1])}
        else:
            word = ("non_attribution", None)
            data = {"choice": "non_attribution", "reason": "Typologie inadaptée"}
        path = f"{self.ballot}candidats/{candidate}/position/"
        IN_FLIGHT[(self.me["member"], candidate)] = word
        text = self._page(path, "position", data=data, htmx=True, refused="alert-danger")
        del IN_FLIGHT[(self.me["member"], candidate)]
        if 'data-testid="my-position"' in text and "alert-danger" not in text:
            ACCEPTED[(self.me["member"], candidate)] = word


class Staff(_Browser):
    """An allocation officer of the same landlord, reading files while the vote runs."""

    fixed_count = STAFF
    _next = 0

    def on_start(self):
        staff = self.prepared["staff"]
        self._start(staff[Staff._next % len(staff)])
        Staff._next += 1
        self.rng = random.Random(Staff._next)

    @task(2)
    def open_household(self):
        self._page(f"/patrimoine/menages/{self.prepared['household']}/", "household (staff)")

    @task(2)
    def open_application(self):
        pk = self.rng.choice(self.prepared["applications"])
        self._page(f"/attributions/demandes/{pk}/", "application (staff)")

    @task(1)
    def session_page(self):
        self._page(f"/attributions/seances/{self.prepared['session']}/", "session (staff)")


USERS = [Voter, Staff]


# A minimal runner, for when bench/load.py is not at hand -------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
SQLITE_FILE = ROOT / "var" / "bench-voting.sqlite3"
SPAWN_RATE = 5  # users a second: logins (password hashing) spread over the warm-up
LOGIN_TIMEOUT_SECONDS = 900  # the logins (password hashing + TOTP) are not measured


def _fresh_database() -> str:
    """Recreate the benched database (SQLite file, or the PostgreSQL database of
    ``DATABASE_URL``), migrate it; returns the vendor."""
    import os

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        SQLITE_FILE.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            __import__("pathlib").Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    else:
        import psycopg

        base, _slash, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    # One secret and one audit key for the seeding process and the server: prepared sessions
    # carry the secret's HMACs, and the audit chains written by both must verify at the end.
    os.environ.update(DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.setdefault("SECRET_KEY", __import__("secrets").token_urlsafe(40))
    os.environ.setdefault("AUDIT_HMAC_KEY", __import__("secrets").token_urlsafe(48))
    __import__("sys").path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return connection.vendor


def _gunicorn(port: int, workers: int):
    import os
    import subprocess
    import sys
    import urllib.request

    env = {
        **os.environ,
        **{"DEBUG": "0", "SECURE_HTTPS": "0"},
        **{"ALLOWED_HOSTS": "127.0.0.1", "DB_CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING"},
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'bench'}",
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def _run(host: str, voters: int, seconds: int) -> None:
    import gevent
    from locust.env import Environment

    Voter._next = Staff._next = LOGGED_IN[0] = 0
    environment = Environment(user_classes=USERS, host=host)
    runner = environment.create_local_runner()
    runner.start(voters + STAFF, spawn_rate=SPAWN_RATE)
    started = time.monotonic()
    while LOGGED_IN[0] < voters + STAFF and time.monotonic() - started < LOGIN_TIMEOUT_SECONDS:
        gevent.sleep(0.5)
    logins = environment.stats.get("login", "POST")
    print(
        f"logins: {LOGGED_IN[0]}/{voters + STAFF} in {time.monotonic() - started:.0f} s, "
        f"{logins.num_failures} attempts failed and retried (not measured below)"
    )
    for error in environment.stats.errors.values():
        print(f"  login failure x{error.occurrences}: {error.method} {error.name}: {error.error}")
    environment.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    stats = environment.stats
    print(f"{'page':<22} {'requests':>8} {'failures':>8} {'median':>9} {'p95':>9}")
    entries = sorted((e for e in stats.entries.values() if e.num_requests), key=lambda e: e.name)
    for entry in [*entries, stats.total]:
        name = "all pages" if entry is stats.total else entry.name
        median = entry.get_response_time_percentile(0.5) or 0
        p95 = entry.get_response_time_percentile(0.95) or 0
        print(
            f"{name:<22} {entry.num_requests:>8} {entry.num_failures:>8} "
            f"{median:>6.0f} ms {p95:>6.0f} ms"
        )
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()}
    for error, count in sorted(errors.items()):
        print(f"  failure x{count}: {error}")


def main() -> None:
    import argparse
    import os
    import signal
    import socket

    parser = argparse.ArgumentParser(description="Voting load on gunicorn (locust, headless).")
    parser.add_argument("--voters", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=int, default=30, help="measured time per run")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--prepared-sessions",
        action="store_true",
        help="start from sessions made by prepare() instead of logging in through the pages",
    )
    args = parser.parse_args()
    for user_class in USERS:
        user_class.log_in_through_pages = not args.prepared_sessions
    vendor = _fresh_database()
    prepared = prepare(max(args.voters))
    for user_class in USERS:
        user_class.prepared = prepared
    from django.db import connections

    from relais.core import audit

    connections.close_all()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = _gunicorn(port, args.workers)
    try:
        print(f"voting: {vendor}, gunicorn {args.workers} workers, {STAFF} staff readers")
        for voters in args.voters:
            print(f"\n{voters} voters + {STAFF} staff, {args.seconds} s measured")
            _run(f"http://127.0.0.1:{port}", voters, args.seconds)
            checked, problems = check_positions()
            print(f"positions accepted so far {checked}, stored otherwise: {len(problems)}")
            for problem in problems[:5]:
                print(f"  {problem}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    events, chain_problems = audit.verify_all()
    print(f"audit chains: {events} events, {len(chain_problems)} problems")


if __name__ == "__main__":
    main()
