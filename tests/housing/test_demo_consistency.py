"""What a new user notices in the demo (on the ``tiny`` scale): one postcode per commune, one
name per account, and a caretaker never teleworking on a day his rounds are done."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from relais.continuity.models import DayStatus, Declaration
from relais.core.roles import Role
from relais.housing.demo import seed_demo
from relais.housing.models import Building, Commune
from relais.proximity.models import RoundOccurrence

pytestmark = pytest.mark.django_db


def test_the_tiny_demo_is_consistent():
    seed_demo(scale="tiny", seed=5)

    # Neighbouring buildings of a commune share its principal postcode (Tours has three).
    postcodes = Building.objects.values("commune_id").annotate(n=Count("postcode", distinct=True))
    assert {row["n"] for row in postcodes} == {1}
    for code, postcode in Building.objects.values_list("commune_id", "postcode").distinct():
        assert postcode == Commune.objects.get(pk=code).postcodes.split()[0]

    # Two accounts never show the same name.
    users = get_user_model().objects.exclude(first_name="", last_name="")
    names = [f"{u.first_name} {u.last_name}" for u in users]
    assert names and len(names) == len(set(names))

    # No caretaker teleworks on a day he completed a passage.
    done = set(
        RoundOccurrence.objects.filter(completed_at__isnull=False).values_list("assignee_id", "day")
    )
    assert done
    teleworked = set(
        Declaration.objects.filter(
            status=DayStatus.TELEWORK, staff__membership__role=Role.CARETAKER
        ).values_list("staff__membership__user_id", "day")
    )
    assert Declaration.objects.filter(staff__membership__role=Role.CARETAKER).exists()
    assert not done & teleworked
