"""Running calls at once, for the tests of what two people (or two workers) do together.

These tests need real transactions (``django_db(transaction=True)``) and PostgreSQL, where row
locks are contended; SQLite serialises every write."""

import threading

from django.db import connections


def race(*calls) -> list[Exception]:
    """Run each call in its own thread, all released together by a barrier; returns the
    exceptions they raised (each thread closes its database connections at the end)."""
    barrier = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
