"""Workers racing on the outbox: every message sent exactly once, a dedupe key queued once.

Runs on PostgreSQL only (``DATABASE_URL=postgres://…``): SQLite serialises every write
transaction of the whole database, so there is no race to test there.
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from relais.core.outbox import OutboxMessage, OutboxStatus, delivery, queue_message
from relais.core.outbox.sms import BaseSmsBackend

from ..factories import OrganisationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
WORKERS = 4
MESSAGES = 40


@pytest.fixture(autouse=True)
def _postgresql_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writes, there is no race to test")
    # Queued tasks are recorded, not run: the test's threads play the workers.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class CountingBackend(BaseSmsBackend):
    """Records every send, slowly enough that racing workers overlap while sending."""

    sent: list[str] = []
    lock = threading.Lock()

    def send(self, message):
        time.sleep(0.002)
        with self.lock:
            self.sent.append(message.reference)
        return message.reference


def _in_threads(work, count=WORKERS):
    """Run ``work(index)`` in ``count`` threads started together; their errors re-raised."""
    start, errors = threading.Barrier(count), []

    def run(index):
        try:
            start.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001  (reported to the test below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_racing_workers_send_each_message_once(settings):
    settings.RELAIS_SMS_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.sent = []
    organisation = OrganisationFactory()
    ids = []
    for index in range(MESSAGES):
        message = queue_message(
            organisation=organisation,
            channel="sms",
            to=f"06 12 34 56 {index:02d}",
            subject="",
            body="Votre intervention est planifiée.",
            purpose="tests.race",
        )
        ids.append(message.pk)

    def worker(index):
        order = ids[:]
        random.Random(index).shuffle(order)
        for message_id in order:
            delivery.deliver(message_id)

    _in_threads(worker)
    assert Counter(CountingBackend.sent).most_common(1)[0][1] == 1
    assert len(CountingBackend.sent) == MESSAGES
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboxStatus.SENT: MESSAGES}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_racing_submits_of_one_dedupe_key_queue_one_message():
    organisation = OrganisationFactory()
    found = []

    def submit(_index):
        message = queue_message(
            organisation=organisation,
            channel="email",
            to="jeanne@example.fr",
            subject="Votre demande",
            body="Reçue.",
            purpose="tests.race",
            dedupe_key="request-1-received",
        )
        found.append(message.pk)

    _in_threads(submit)
    assert len(set(found)) == 1 and len(found) == WORKERS
    assert OutboxMessage.objects.count() == 1
