"""Pure rules: the legal payment date, late-payment interest and indemnity, approval levels,
totals (DOMAIN.md §3b)."""

import datetime as dt

import pytest

from relais.payables import rules

D = dt.date


@pytest.mark.parametrize(
    ("regime", "days", "issue", "received", "stated", "expected"),
    [
        ("public", 30, D(2026, 11, 2), D(2026, 11, 10), None, D(2026, 12, 10)),  # from receipt
        ("commercial", 60, D(2026, 11, 2), D(2026, 11, 10), None, D(2027, 1, 1)),  # from the date
        (
            "public",
            30,
            D(2026, 11, 2),
            D(2026, 11, 10),
            D(2026, 11, 30),
            D(2026, 11, 30),
        ),  # earlier
        (
            "public",
            30,
            D(2026, 11, 2),
            D(2026, 11, 10),
            D(2027, 3, 1),
            D(2026, 12, 10),
        ),  # never later
    ],
)
def test_due_date(regime, days, issue, received, stated, expected):
    assert (
        rules.due_date(
            regime=regime,
            deadline_days=days,
            issue_date=issue,
            received_on=received,
            stated_due_on=stated,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("gross", "due", "paid", "regime", "days", "interest", "indemnity"),
    [
        # 12,000 € paid 20 days late by a public buyer: 12,000 × (2.15 % + 8 %) × 20 / 365
        # = 66.74 €, plus the 40 € indemnity.
        (1_200_000, D(2026, 12, 1), D(2026, 12, 21), "public", 20, 6_674, 4_000),
        # The same by a company: ECB + 10 points → 12,000 × 12.15 % × 20 / 365 = 79.89 €.
        (1_200_000, D(2026, 12, 1), D(2026, 12, 21), "commercial", 20, 7_989, 4_000),
        # One day late on 100 €: 0.03 € (rounded half up) and still the whole indemnity.
        (10_000, D(2026, 12, 1), D(2026, 12, 2), "public", 1, 3, 4_000),
        # On time or early: nothing.
        (1_200_000, D(2026, 12, 1), D(2026, 12, 1), "public", 0, 0, 0),
        (1_200_000, D(2026, 12, 1), D(2026, 11, 20), "commercial", 0, 0, 0),
    ],
)
def test_late_payment_amounts(gross, due, paid, regime, days, interest, indemnity):
    late = rules.late_payment(
        gross_cents=gross, due_on=due, paid_on=paid, regime=regime, ecb_rate_bp=215
    )
    assert (late.days, late.interest_cents, late.indemnity_cents) == (days, interest, indemnity)
    assert late.total_cents == interest + indemnity


@pytest.mark.parametrize(
    ("gross", "over_budget", "expected"),
    [
        (500_000, False, ["technician"]),  # 5,000 € exactly: the technician alone
        (500_001, False, ["technician", "manager"]),
        (5_000_000, False, ["technician", "manager"]),
        (5_000_001, False, ["technician", "manager", "director"]),
        (10_000, True, ["technician", "manager", "director"]),  # over its budget line
    ],
)
def test_levels(gross, over_budget, expected):
    assert (
        rules.levels_for(
            gross,
            technician_limit_cents=500_000,
            manager_limit_cents=5_000_000,
            over_budget=over_budget,
        )
        == expected
    )


def test_totals_consistent_and_each_mismatch_named():
    lines = [rules.Line(60_000, 2000), rules.Line(40_000, 2000)]
    vat_rows = [rules.VatRow(100_000, 20_000, 2000)]
    assert (
        rules.totals_problems(
            net_cents=100_000, vat_cents=20_000, gross_cents=120_000, lines=lines, vat_rows=vat_rows
        )
        == []
    )
    assert rules.totals_problems(net_cents=100_000, vat_cents=20_000, gross_cents=120_100) == [
        ("gross", 120_000, 120_100)
    ]
    assert rules.totals_problems(
        net_cents=100_100, vat_cents=20_000, gross_cents=120_100, lines=lines
    )[0] == ("lines", 100_000, 100_100)
    wrong_rate = [rules.VatRow(100_000, 10_000, 2000)]
    assert ("rate", 20_000, 10_000) in rules.totals_problems(
        net_cents=100_000, vat_cents=10_000, gross_cents=110_000, vat_rows=wrong_rate
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 2)),  # Tuesday → Wednesday
        (dt.date(2026, 12, 4), dt.date(2026, 12, 7)),  # Friday → Monday
        (dt.date(2026, 12, 24), dt.date(2026, 12, 28)),  # 25 and 26 December closed
        (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),  # 1 January closed, then the weekend
        (dt.date(2026, 4, 2), dt.date(2026, 4, 7)),  # Good Friday and Easter Monday closed
        (dt.date(2026, 4, 30), dt.date(2026, 5, 4)),  # 1 May closed, then the weekend
        (dt.date(2026, 7, 13), dt.date(2026, 7, 14)),  # a French holiday, TARGET2 open
    ],
)
def test_next_target2_business_day(after, expected):
    assert rules.next_target2_business_day(after) == expected


def test_a_payment_run_defaults_to_the_next_target2_business_day(monkeypatch):
    from django.utils import timezone

    from relais.payables.forms import PaymentRunForm

    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 12, 24))
    form = PaymentRunForm()
    assert form.fields["execution_date"].initial == dt.date(2026, 12, 28)
