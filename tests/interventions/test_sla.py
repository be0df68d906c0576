"""Response times and SLA (issue 8 §3): measured from the tenant's first report; overdue work
orders remind the contractor, then escalate to the technicians; compliance per priority and
per contractor; the technician's and the director's home cards; the dashboard."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.roles import Role
from relais.interventions.models import Contractor, WorkOrder, WorkOrderStatus
from relais.interventions.work_orders import selectors, services, sla

from ..factories import ResidenceFactory
from .work_order_fixtures import SIREN, make_request

NOW = timezone.now()


def _order(request, contractor, *, status, due_in_hours, completed_after_due=None):
    due = NOW + dt.timedelta(hours=due_in_hours)
    return WorkOrder.objects.create(
        organisation=request.organisation,
        request=request,
        contractor=contractor,
        status=status,
        link_token_hash=f"h{WorkOrder.objects.count()}",
        link_expires_at=NOW + dt.timedelta(days=14),
        sent_at=NOW - dt.timedelta(days=2),
        due_at=due,
        completed_at=None
        if completed_after_due is None
        else due + dt.timedelta(hours=completed_after_due),
    )


@pytest.fixture
def book(organisation, lease, categories, plumber):
    """Work orders with known outcomes: plumber (urgent) 2 on time, 1 late, 1 open overdue,
    1 open not yet due (not measured); electrician (safety) 1 on time; 1 declined (ignored)."""
    electrician = Contractor.objects.create(
        organisation=organisation, name="Élec Services", siren="732829320"
    )
    leak, gas = categories["water_leak"], categories["gas"]
    n = iter(range(1, 100))

    def req(category):
        return make_request(lease, category, number=f"DI-{next(n)}")

    S = WorkOrderStatus
    _order(req(leak), plumber, status=S.COMPLETED, due_in_hours=-30, completed_after_due=-1)
    _order(req(leak), plumber, status=S.COMPLETED, due_in_hours=-20, completed_after_due=0)
    _order(req(leak), plumber, status=S.COMPLETED, due_in_hours=-10, completed_after_due=3)
    overdue = _order(req(leak), plumber, status=S.ACCEPTED, due_in_hours=-3)
    _order(req(leak), plumber, status=S.SENT, due_in_hours=5)
    _order(req(gas), electrician, status=S.COMPLETED, due_in_hours=-50, completed_after_due=-2)
    _order(req(gas), electrician, status=S.DECLINED, due_in_hours=-50)
    return {"electrician": electrician, "overdue": overdue}


def test_due_is_counted_from_the_first_report():
    reported = dt.datetime(2026, 3, 20, 22, 0, tzinfo=dt.UTC)
    assert sla.due_at(reported, 4) == dt.datetime(2026, 3, 21, 2, 0, tzinfo=dt.UTC)
    assert sla.due_at(reported, None) is None
    assert sla.target_hours("urgent", {"urgent": 12}) == 12
    assert sla.target_hours("urgent", {}) == 24
    assert sla.compliance(0, 0) is None and sla.compliance(3, 4) == 0.75


def test_sla_by_priority_and_by_contractor(organisation, book):
    found = WorkOrder.objects.for_organisation(organisation)
    by_priority = {r.key: (r.met, r.measured) for r in selectors.sla_by_priority(found, NOW)}
    assert by_priority == {"safety": (1, 1), "urgent": (2, 4)}
    by_contractor = {
        r.label: (r.met, r.measured, r.rate) for r in selectors.sla_by_contractor(found, NOW)
    }
    assert by_contractor == {"Élec Services": (1, 1, 1.0), "Plomberie Martin": (2, 4, 0.5)}


def test_overdue_work_orders_remind_then_escalate(
    organisation, book, messages_sent, member_factory
):
    technician, _client = member_factory(Role.TECHNICIAN)
    technician.email = "tech@bailleur.fr"
    technician.save()
    assert services.remind_and_escalate(NOW) == (1, 0)
    assert [(m["to"], m["purpose"]) for m in messages_sent] == [
        ("contact@plomberie-martin.fr", "work_order_reminder")
    ]
    # A second run at once changes nothing; two hours after the reminder, the technicians.
    assert services.remind_and_escalate(NOW + dt.timedelta(minutes=5)) == (0, 0)
    later = NOW + services.ESCALATE_AFTER + dt.timedelta(minutes=1)
    assert services.remind_and_escalate(later) == (0, 1)
    assert services.remind_and_escalate(later + dt.timedelta(minutes=1)) == (0, 0)
    # The one due in 5 hours is reminded once past due, escalated two hours later.
    assert services.remind_and_escalate(NOW + dt.timedelta(hours=5, minutes=1)) == (1, 0)
    assert services.remind_and_escalate(NOW + dt.timedelta(hours=7, minutes=2)) == (0, 1)
    escalations = [m for m in messages_sent if m["purpose"] == "work_order_escalation"]
    assert [m["to"] for m in escalations] == ["tech@bailleur.fr", "tech@bailleur.fr"]
    assert "Plomberie Martin" in escalations[0]["subject"]


def test_home_cards(organisation, book, member_factory, django_assert_max_num_queries):
    _tech, technician = member_factory(Role.TECHNICIAN)
    page = technician.get(reverse("core:home")).content.decode()
    assert "Bons de commande en retard" in page and book["overdue"].request.tracking_number in page
    _director, director = member_factory(Role.DIRECTOR)
    page = director.get(reverse("core:home")).content.decode()
    assert "Délais d’intervention tenus (30 jours)" in page
    assert "50 % dans les délais (2 sur 4)" in page


def test_dashboard_figures_filters_and_query_count(
    organisation, book, member_factory, lease, django_assert_max_num_queries
):
    _director, director = member_factory(Role.DIRECTOR)
    url = reverse("interventions:dashboard")
    # The residence filter lists them all: no query per residence (its label has the reference).
    ResidenceFactory.create_batch(20, organisation=organisation)
    with django_assert_max_num_queries(16):
        page = director.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text
    assert "Plomberie Martin (2/4)" in text and "50 %" in text
    residence = lease.dwelling.building.residence
    filtered = director.get(url, {"residence": residence.pk}).content.decode()
    assert f'<option value="{residence.pk}" selected>' in filtered
    assert "Toutes les résidences" in filtered
    other = director.get(url, {"residence": residence.pk + 1000})
    assert other.status_code == 200  # an unknown residence is ignored, not a 500
    _tech, caretaker = member_factory(Role.CARETAKER)
    assert caretaker.get(url).status_code == 403


def test_contractor_pages_check_the_siren(member_factory, categories, organisation):
    _user, manager = member_factory(Role.MANAGER)
    url = reverse("interventions:contractor_create")
    data = {
        "name": "Plomberie Martin",
        "siren": "552 100 553",
        "trades": [categories["water_leak"].pk],
        "email": "",
        "phone": "",
        "operating_status": "operating",
        "operating_status_note": "",
        "is_active": "on",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Luc Martin",
        "contacts-0-phone": "06 33 33 33 33",
        "contacts-0-receives_work_orders": "on",
    }
    refused = manager.post(url, data)
    assert refused.status_code == 400
    assert "« 552 100 553 » n’est pas un numéro SIREN" in refused.content.decode()
    assert not Contractor.objects.exists()
    assert manager.post(url, {**data, "siren": "552 100 554"}).status_code == 302
    contractor = Contractor.objects.get()
    assert contractor.siren == SIREN and contractor.contacts.get().name == "Luc Martin"
    assert contractor.operating_status_updated_at is not None
    status_url = reverse("interventions:contractor_status", args=[contractor.pk])
    manager.post(status_url, {"operating_status": "stopped", "operating_status_note": "Confinés"})
    contractor.refresh_from_db()
    assert contractor.operating_status == "stopped"
    page = manager.get(reverse("interventions:contractor_list")).content.decode()
    assert "À l’arrêt" in page and "Confinés" in page


def test_suggestions_put_trade_and_sector_first_and_stopped_last(
    organisation, triaged, plumber, categories, lease
):
    from relais.interventions.contractors.selectors import suggestions

    anywhere = Contractor.objects.create(
        organisation=organisation, name="Multiservices", siren="732829320"
    )
    stopped = Contractor.objects.create(
        organisation=organisation, name="Aqua Stop", siren="542107651", operating_status="stopped"
    )
    stopped.trades.add(categories["water_leak"])
    plumber.residences.add(lease.dwelling.building.residence)
    found = suggestions(triaged)
    assert [c.name for c in found] == ["Plomberie Martin", "Multiservices", "Aqua Stop"]
    assert found[0].matches_trade and found[0].matches_sector
    assert not found[1].matches_trade and found[1].matches_sector  # works everywhere
    assert anywhere.pk == found[1].pk
