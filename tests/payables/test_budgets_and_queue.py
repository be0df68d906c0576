"""Budget lines for the director and the accountant (list with consumption, create, edit,
validated and audited); the approver's queue by hand-written SQL gives what the ORM gave;
the "invoices paid" figure of the situation report."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.continuity import report
from relais.core.models import AuditEvent
from relais.payables import approvals, figures, queue, selectors
from relais.payables.models import Budget, Invoice, Status

from ..factories import OrganisationFactory
from .test_approvals import _invoice

TODAY = dt.date(2026, 12, 1)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_budget_lines_are_created_edited_and_audited(landlord, people):
    client = _client(people["accountant"])
    url = reverse("payables:budget_create")
    response = client.post(
        url,
        {
            "code": "615-ent",
            "label": "Entretien courant",
            "year": "2026",
            "amount_cents": "12 500,50",
        },
    )
    assert response.status_code == 302
    line = Budget.objects.get(organisation=landlord)
    assert (line.code, line.amount_cents) == ("615-ENT", 1_250_050)
    created = AuditEvent.objects.get(action="budget.created")
    assert created.changes["amount_cents"] == 1_250_050
    edit = reverse("payables:budget_edit", args=[line.pk])
    page = client.get(edit)
    assert page.context["form"].initial["amount_cents"] == "12500,50"
    response = client.post(
        edit,
        {"code": "615-ENT", "label": "Entretien courant", "year": "2026", "amount_cents": "20000"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount_cents == 2_000_000
    changed = AuditEvent.objects.get(action="budget.changed")
    assert changed.changes == {"amount_cents": [1_250_050, 2_000_000]}


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"amount_cents": "-5"}, "amount_cents"),
        ({"amount_cents": "12,345"}, "amount_cents"),
        ({"amount_cents": "beaucoup"}, "amount_cents"),
        ({"year": "1850"}, "year"),
        ({"code": "615-ENT"}, "code"),  # already used for 2026
    ],
)
def test_bad_budget_input_is_refused_naming_the_field(landlord, people, fields, field):
    Budget.objects.create(
        organisation=landlord, code="615-ENT", label="Entretien", year=2026, amount_cents=100
    )
    data = {"code": "616-ASS", "label": "Assurances", "year": "2026", "amount_cents": "1 000"}
    response = _client(people["director"]).post(reverse("payables:budget_create"), data | fields)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Budget.objects.filter(organisation=landlord).count() == 1


def test_consumption_counts_approved_in_payment_and_paid_invoices(landlord, people, supplier):
    line = Budget.objects.create(
        organisation=landlord, code="615", label="Entretien", year=2026, amount_cents=1_000_000
    )
    for number, status in (("A", "approved"), ("B", "paid"), ("C", "pending"), ("D", "rejected")):
        invoice = _invoice(landlord, people, supplier, gross_cents=600_000, number=number)
        Invoice.objects.filter(pk=invoice.pk).update(status=status, budget=line)
    found = selectors.budgets(landlord).get()
    assert found.committed_cents == 1_200_000
    page = _client(people["director"]).get(reverse("payables:budget_list"))
    row = page.context["lines"][0]
    assert (row.left_cents, row.over_cents, row.percent) == (-200_000, 200_000, 120)
    text = page.content.decode()
    assert "12\u202f000,00\u00a0€" in text or "12 000,00\u00a0€" in text


def test_budget_pages_are_for_the_director_and_the_accountant_of_the_landlord(landlord, people):
    line = Budget.objects.create(
        organisation=landlord, code="615", label="Entretien", year=2026, amount_cents=100
    )
    edit = reverse("payables:budget_edit", args=[line.pk])
    for key in ("technician", "manager"):
        assert _client(people[key]).get(reverse("payables:budget_list")).status_code == 403
    assert _client(people["director"]).get(edit).status_code == 200
    other = OrganisationFactory()
    stranger = Budget.objects.create(
        organisation=other, code="615", label="Autre", year=2026, amount_cents=100
    )
    url = reverse("payables:budget_edit", args=[stranger.pk])
    assert _client(people["accountant"]).get(url).status_code == 404


def test_hand_written_queue_gives_what_the_orm_gave(landlord, people, supplier):
    for n, gross in enumerate((100_000, 1_200_000, 900_000, 6_000_000, 300_000)):
        _invoice(landlord, people, supplier, gross_cents=gross, number=f"Q-{n}")
    Invoice.objects.filter(number="Q-2").update(due_on=TODAY - dt.timedelta(days=3))
    approvals.delegation_create(
        organisation=landlord,
        actor=people["manager"],
        delegator=people["manager"],
        delegate=people["technician2"],
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=5),
    )
    for key, role in (
        ("technician2", "technician"),
        ("manager", "manager"),
        ("director", "director"),
    ):
        held = selectors.levels_held(landlord, people[key], role, TODAY)
        expected = list(selectors.approver_queue(landlord, held))
        ours = queue.levels(landlord, people[key], role, TODAY)
        assert set(ours) == set(held)
        total, rows = queue.page(landlord, ours, limit=3)
        assert total == len(expected)
        assert [(r.pk, r.due_on, r.gross_cents, r.supplier.name) for r in rows] == [
            (i.pk, i.due_on, i.gross_cents, i.supplier.name) for i in expected[:3]
        ]
        assert [r.pk for r in queue.page(landlord, ours, limit=3, offset=3)[1]] == [
            i.pk for i in expected[3:6]
        ]
    by_delegation = queue.levels(landlord, people["technician2"], "technician", TODAY)
    assert by_delegation == {"technician": "", "manager": "Marie Durand"}
    # Outside a delegation's dates, only one's own level.
    later = queue.levels(
        landlord, people["technician2"], "technician", TODAY + dt.timedelta(days=9)
    )
    assert later == {"technician": ""}


def test_queue_page_lists_by_delegation_and_pages(landlord, people, supplier, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    for n in range(3):
        _invoice(landlord, people, supplier, gross_cents=1_200_000, number=f"P-{n}")
    response = _client(people["technician"]).get(reverse("payables:invoice_list") + "?queue=mine")
    assert [i.number for i in response.context["invoices"]] == ["P-0", "P-1", "P-2"]
    assert response.context["page"].paginator.count == 3
    past_the_end = _client(people["technician"]).get(
        reverse("payables:invoice_list") + "?queue=mine&page=9"
    )
    assert past_the_end.status_code == 200
    assert len(past_the_end.context["invoices"]) == 3


def test_paid_figure_of_the_situation_report(landlord, people, supplier):
    assert figures.paid(landlord, TODAY) is None  # no invoice: not in use
    for number, paid_on in (
        ("A", TODAY),
        ("B", TODAY - dt.timedelta(days=6)),
        ("C", TODAY - dt.timedelta(days=7)),
    ):
        invoice = _invoice(landlord, people, supplier, gross_cents=120_000, number=number)
        Invoice.objects.filter(pk=invoice.pk).update(status=Status.PAID, paid_on=paid_on)
    _invoice(landlord, people, supplier, gross_cents=120_000, number="D")
    assert figures.paid(landlord, TODAY) == 2
    rows = {row["key"]: row["value"] for row in report.compute_all(landlord, TODAY)}
    assert rows["payables.paid"] == 2
