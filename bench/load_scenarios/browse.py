"""Office staff browsing the region demo: lists, searches as they type, files opened.

Each simulated user is a logged-in session of the demo's allocation officer of Tours Habitat
(sessions are created in ``prepare``, so no login form and no login rate limit is involved);
between two pages a user thinks for 1 to 3 seconds. The mix follows what reception and
allocation staff do most: search a household by name or phone, open it, browse the dwellings
filtered by typology, look at the applications and vacancies, come back to the home page.
"""

import random
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

SAMPLE = 500  # names, phones and ids drawn for the users to type and open
SESSIONS = 60  # one per simulated user, at most


def prepare() -> dict:
    """Sessions of the officer, and names, phones and ids of Tours Habitat to search and open."""
    from region import OFFICER, landlord

    from relais.core.search import phone_digits
    from relais.housing.models import Dwelling, Household, Occupant

    organisation = landlord()
    rng = random.Random(2020)
    people = list(
        Occupant.objects.filter(organisation=organisation)
        .exclude(phone="")
        .values_list("last_name", "phone")
        .order_by("pk")
    )
    drawn = rng.sample(people, min(SAMPLE, len(people)))
    households = list(Household.objects.filter(organisation=organisation).values_list("pk"))
    dwellings = list(Dwelling.objects.filter(organisation=organisation).values_list("pk"))
    return {
        "sessions": [_session_key(OFFICER) for _ in range(SESSIONS)],
        "names": [last for last, _phone in drawn],
        "phones": [_spaced(phone_digits(phone)) for _last, phone in drawn],
        "households": [pk for (pk,) in rng.sample(households, min(SAMPLE, len(households)))],
        "dwellings": [pk for (pk,) in rng.sample(dwellings, min(SAMPLE, len(dwellings)))],
    }


def _session_key(username: str) -> str:
    """A logged-in session of ``username``, as ``django.contrib.auth.login`` would store it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _spaced(national: str) -> str:
    return " ".join(national[i : i + 2] for i in range(0, len(national), 2))


class OfficeUser(FastHttpUser):
    """One member of staff at their desk."""

    wait_time = between(1, 3)
    prepared: dict = {}  # set by load.py from prepare()
    _next_session = 0

    def on_start(self):
        prepared = type(self).prepared
        index = OfficeUser._next_session % len(prepared["sessions"])
        OfficeUser._next_session += 1
        self.cookie = f"sessionid={prepared['sessions'][index]}"
        self.pick = random.Random(index).choice

    def _get(self, path: str, name: str, htmx: bool = False, **params):
        """GET ``path``; anything but a 200 (a redirect to the login page…) is a failure."""
        headers = {"Cookie": self.cookie, **({"HX-Request": "true"} if htmx else {})}
        url = f"{path}?{urlencode(params)}" if params else path
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(3)
    def search_household_by_name(self):
        name = self.pick(self.prepared["names"]).lower()
        # As people type: the htmx partial after 3 letters, then the whole name.
        self._get("/patrimoine/menages/", "households search (typing)", q=name[:3], htmx=True)
        self._get("/patrimoine/menages/", "households search", q=name, htmx=True)

    @task(2)
    def search_household_by_phone(self):
        self._get(
            "/patrimoine/menages/", "households search phone", q=self.pick(self.prepared["phones"])
        )

    @task(2)
    def open_household(self):
        self._get(f"/patrimoine/menages/{self.pick(self.prepared['households'])}/", "household")

    @task(1)
    def households(self):
        self._get("/patrimoine/menages/", "households", page=str(random.randint(1, 300)))

    @task(2)
    def dwellings_by_typology(self):
        self._get(
            "/patrimoine/logements/", "dwellings typology", typology=self.pick(["T2", "T3", "T4"])
        )

    @task(1)
    def dwellings(self):
        self._get("/patrimoine/logements/", "dwellings")

    @task(1)
    def open_dwelling(self):
        self._get(f"/patrimoine/logements/{self.pick(self.prepared['dwellings'])}/", "dwelling")

    @task(1)
    def applications(self):
        self._get("/attributions/demandes/", "applications")

    @task(1)
    def vacancies(self):
        self._get("/attributions/vacances/", "vacancies")

    @task(2)
    def home(self):
        self._get("/", "home")


USERS = [OfficeUser]
