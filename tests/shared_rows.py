"""Rows built once per module and shared by its tests, as Django's ``TestCase.setUpTestData``.

``shared_rows(django_db_blocker, build)`` opens Django's test-case atomic blocks on every
database, runs ``build()`` and yields its result; each test then runs in the ``db`` fixture's
own atomic block nested inside (a savepoint), so what a test writes is rolled back and the next
test sees the same rows. The outer blocks are rolled back when the module ends: nothing leaks
into other modules. The authorisation matrix builds two worlds of every app's objects (about a
second each time) for some 900 tests: building them once per worker is most of its run time.

Tests sharing rows must not keep in-memory changes to the shared instances (re-read them).
"""

import contextlib

from django.test import TestCase


@contextlib.contextmanager
def shared_rows(django_db_blocker, build):
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            yield build()
        finally:
            TestCase._rollback_atomics(atomics)
