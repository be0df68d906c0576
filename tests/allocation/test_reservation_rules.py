"""The pure reservation rules: scope, the flow chosen for a vacancy, owed counts, DALO dates."""

import datetime as dt

import pytest

from relais.allocation.reservations import rules
from relais.allocation.reservations.rules import Scope, Standing

T3 = 1 << 2


@pytest.mark.parametrize(
    ("scope", "commune", "departement", "bit", "expected"),
    [
        (Scope(), "37261", "37", T3, True),
        (Scope(departement="37"), "37261", "37", T3, True),
        (Scope(departement="45"), "37261", "37", T3, False),
        (Scope(communes=frozenset({"37261"})), "37261", "37", T3, True),
        (Scope(communes=frozenset({"37122"})), "37261", "37", T3, False),
        (Scope(typology_mask=T3), "37261", "37", T3, True),
        (Scope(typology_mask=1), "37261", "37", T3, False),
    ],
)
def test_covers(scope, commune, departement, bit, expected):
    assert rules.covers(scope, commune=commune, departement=departement, typology_bit=bit) is (
        expected
    )


def test_choose_flow_takes_the_agreement_furthest_behind_at_half_a_vacancy():
    # 30 % of 1 = 0.3 behind: own flow; 30 % of 2 = 0.6: the holder.
    assert rules.choose_flow([Standing(1, 30, 1, 0)]) is None
    assert rules.choose_flow([Standing(1, 30, 2, 0)]).agreement_id == 1
    prefecture, action_logement = Standing(1, 30, 4, 1), Standing(2, 20, 4, 0)
    assert rules.choose_flow([prefecture, action_logement]).agreement_id == 2  # 0.8 > 0.2
    # Ties: the larger share, then the older agreement, whatever the order of the list.
    assert rules.choose_flow([Standing(5, 25, 2, 0), Standing(3, 25, 2, 0)]).agreement_id == 3
    assert rules.choose_flow([Standing(3, 25, 4, 0), Standing(4, 50, 2, 0)]).agreement_id == 4


def test_a_year_of_flow_keeps_each_agreement_on_its_share():
    shares = {1: 30, 2: 20, 3: 10}
    assigned = dict.fromkeys(shares, 0)
    for flow in range(1, 101):
        chosen = rules.choose_flow([Standing(a, s, flow, assigned[a]) for a, s in shares.items()])
        if chosen:
            assigned[chosen.agreement_id] += 1
        for agreement, share in shares.items():  # never more than one vacancy off
            assert abs(share * flow / 100 - assigned[agreement]) <= 1
    assert assigned == {1: 30, 2: 20, 3: 10}


def test_owed_rounds_half_up():
    assert [rules.owed(30, n) for n in (0, 1, 2, 5, 15)] == [0, 0, 1, 2, 5]


def test_dalo_deadline_adds_calendar_months():
    assert rules.dalo_deadline(dt.date(2026, 1, 15), 3) == dt.date(2026, 4, 15)
    assert rules.dalo_deadline(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert rules.dalo_deadline(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
