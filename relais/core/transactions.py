"""Write transactions that hold up under contention (docs/decisions/0024-lock-order.md).

``write_transaction`` wraps a service: one transaction, the audit events appended last (the
chain head is locked by the final statements only, see ``core.audit.appended_last``), and the
whole transaction run again when the database picked it as the loser of a lock race:

- PostgreSQL ``40P01`` deadlock_detected and ``40001`` serialization_failure: the server rolled
  the transaction back; running it again from the start is the documented remedy;
- SQLite "database is locked": the busy timeout ran out while another process wrote.

Nothing else is retried: a constraint violation or a validation error is an answer, not a race.
A retried service must have no effect outside the database before it commits (mail and tasks go
through ``transaction.on_commit``, which Django drops with the rolled-back attempt).
"""

import functools
import logging
import random
import time

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

from . import audit

logger = logging.getLogger(__name__)

RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 5
BACKOFF_SECONDS = 0.01  # first pause; doubled at each attempt, with full jitter


def is_retryable(error: BaseException) -> bool:
    """True when ``error`` says the transaction lost a lock race and may simply run again."""
    if getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def write_transaction(func=None, *, attempts: int = ATTEMPTS, using: str = DEFAULT_DB_ALIAS):
    """Decorator: run ``func`` in one transaction, audit appended last, retried on lock races.

    Called inside a transaction opened by another ``write_transaction``, ``func`` simply joins
    it (the outer one appends and retries). Called inside any other transaction (a test case,
    a management command's ``atomic``), ``func`` runs in a savepoint with its audit appended at
    its end, and is not retried: only the owner of a transaction can run it again.
    After ``attempts`` lost races the last error propagates.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            connection = connections[using]
            if connection.in_atomic_block:
                if audit.appending_last():
                    return func(*args, **kwargs)
                with transaction.atomic(using=using), audit.appended_last(using):
                    return func(*args, **kwargs)
            for attempt in range(1, attempts):
                try:
                    with transaction.atomic(using=using), audit.appended_last(using):
                        return func(*args, **kwargs)
                except OperationalError as error:
                    if not is_retryable(error):
                        raise
                    logger.info("%s lost a lock race (try %d): %s", func.__name__, attempt, error)
                    time.sleep(random.uniform(0, BACKOFF_SECONDS * 2**attempt))
            with transaction.atomic(using=using), audit.appended_last(using):
                return func(*args, **kwargs)  # the last attempt: its error propagates

        return wrapper

    return decorate(func) if func is not None else decorate
