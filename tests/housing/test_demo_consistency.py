"""What a new user notices in the demo (on the ``tiny`` scale): one postcode per commune, one
name per account, a caretaker never teleworking on a day his rounds are done, and invoices
approved by the rules with payment delays to show (one seed for all: it is the slow part)."""

import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from relais.continuity.models import AVAILABLE_STATUSES, DayStatus, Declaration
from relais.core.models import Membership, Organisation
from relais.core.roles import Role
from relais.housing.demo import seed_demo
from relais.housing.models import Building, Commune
from relais.payables import delays
from relais.payables.models import Approval, Invoice
from relais.proximity.models import BuildingCaretaker, OccurrenceStatus, RoundOccurrence

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
    _no_passage_done_by_an_absent_caretaker()
    _payables_follow_the_rules()


def _payables_follow_the_rules():
    """Each approved or paid invoice has one approval per level, each by a member holding the
    level's role, never twice the same person; some are paid, so each landlord's delay per
    supplier has figures (those whose invoices are all too recent to be approved have none)."""
    roles = dict(Membership.objects.filter(is_active=True).values_list("user_id", "role"))
    approvals = defaultdict(list)
    for invoice_id, level, actor in Approval.objects.values_list("invoice_id", "level", "actor"):
        approvals[invoice_id].append((level, actor))
    decided = Invoice.objects.filter(status__in=["approved", "paid"])
    assert decided.filter(status="approved").exists() and decided.filter(status="paid").exists()
    for invoice in decided:
        made = approvals[invoice.pk]
        assert sorted(level for level, _actor in made) == sorted(invoice.levels), invoice
        assert all(roles[actor] == level for level, actor in made)
        assert len({actor for _level, actor in made}) == len(made)  # four eyes
    since = timezone.localdate() - dt.timedelta(days=365)
    landlords = set(decided.values_list("organisation_id", flat=True))
    demo = Membership.objects.get(user__username="comptable").organisation_id
    assert demo in landlords  # the landlord whose accountant one logs in as
    for organisation in Organisation.objects.filter(pk__in=landlords):
        assert delays.by_supplier(organisation, since), organisation


def _no_passage_done_by_an_absent_caretaker():
    """A caretaker declared sick, on leave… (continuity) has none of his buildings' passages
    done that day (proximity): with nobody to replace him, they are missed."""
    absent = set(
        Declaration.objects.exclude(status__in=AVAILABLE_STATUSES)
        .filter(staff__membership__role=Role.CARETAKER)
        .values_list("staff__membership__user_id", "day")
    )
    assert absent
    caretakers = dict(BuildingCaretaker.objects.values_list("building_id", "caretaker_id"))
    passages = RoundOccurrence.objects.filter(building_id__in=caretakers).values_list(
        "building_id", "day", "assignee_id", "status"
    )
    assert passages
    for building, day, assignee, status in passages:
        if (caretakers[building], day) in absent:
            assert status != OccurrenceStatus.DONE, (building, day)
        if status == OccurrenceStatus.DONE:
            assert assignee is not None and (assignee, day) not in absent
