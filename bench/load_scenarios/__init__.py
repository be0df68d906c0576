"""Load scenarios of ``bench/load.py``: one module per scenario (``--scenario <module>``).

A scenario module exposes:

- ``USERS``: the locust ``User`` classes to run (their ``weight`` shares the users out);
- ``prepare() -> dict``: run once in ``load.py``'s process, with Django set up on the benched
  database and the region demo loaded, before the users start; it returns what the users need
  (logged-in session keys, ids to visit…), JSON-like. ``load.py`` hands it to every user class
  as the class attribute ``prepared``.

The users talk HTTP to the gunicorn server that ``load.py`` starts; they name their requests
by page (``name=``), which is how ``load.py`` reports the p95 per page.
"""
