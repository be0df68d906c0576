"""``notify_household``: the holder's preferred channel among e-mail and SMS, the other one as
a fallback, None when the household can only be called or written to."""

import pytest

from relais.core.outbox import OutboxChannel, notify_household
from relais.core.outbox.purposes import register_purpose

from ..factories import HouseholdFactory, OccupantFactory

PURPOSE = "tests.household_notice"
register_purpose(PURPOSE, "Avis au foyer")


def _notify(household, **extra):
    return notify_household(
        organisation=household.organisation,
        household=household,
        subject="Votre demande",
        body="Votre demande avance.",
        purpose=PURPOSE,
        **extra,
    )


@pytest.mark.parametrize(
    ("preferred", "email", "phone", "expected"),
    [
        ("sms", "jeanne@example.fr", "06 12 34 56 78", ("sms", "+33612345678")),
        ("email", "jeanne@example.fr", "06 12 34 56 78", ("email", "jeanne@example.fr")),
        ("sms", "jeanne@example.fr", "02 47 00 00 00", ("email", "jeanne@example.fr")),
        ("email", "", "07 81 23 45 67", ("sms", "+33781234567")),
        ("letter", "jeanne@example.fr", "06 12 34 56 78", ("email", "jeanne@example.fr")),
        ("phone", "", "06 12 34 56 78", ("sms", "+33612345678")),
    ],
)
def test_the_preferred_channel_then_the_other(organisation, preferred, email, phone, expected):
    household = HouseholdFactory(organisation=organisation)
    OccupantFactory(household=household, preferred_channel=preferred, email=email, phone=phone)
    message = _notify(household)
    assert (message.channel, message.to) == expected
    assert message.household == household and message.organisation == organisation


def test_none_when_no_holder_can_be_reached_by_writing(organisation):
    household = HouseholdFactory(organisation=organisation)
    OccupantFactory(household=household, preferred_channel="sms", email="", phone="02 47 00 00 00")
    # A child with a mobile is not the holder: the notice is not sent to them.
    OccupantFactory(household=household, is_holder=False, phone="06 99 99 99 99")
    assert _notify(household) is None


def test_a_co_holder_is_reached_when_the_first_has_nothing(organisation):
    household = HouseholdFactory(organisation=organisation)
    OccupantFactory(household=household, email="", phone="")
    OccupantFactory(household=household, first_name="Paul", email="paul@example.fr", phone="")
    message = _notify(household)
    assert (message.channel, message.to) == (OutboxChannel.EMAIL, "paul@example.fr")


def test_notify_twice_with_a_key_queues_one_message(organisation):
    household = HouseholdFactory(organisation=organisation)
    OccupantFactory(household=household, email="jeanne@example.fr")
    first = _notify(household, dedupe_key="request-7-done")
    assert _notify(household, dedupe_key="request-7-done").pk == first.pk
