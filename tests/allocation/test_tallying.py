"""The tally of an agenda item: pure function, no database."""

from decimal import Decimal

from relais.allocation.commissions.tally import CandidateIn, ItemIn, Vote, tally_item
from relais.allocation.models import DecisionType, ItemStatus

A, B, C = 101, 102, 103  # candidates
MEMBERS = frozenset({1, 2, 3, 4})
MAYOR = 4


def _candidates(*missing):
    scores = {A: 50, B: 40, C: 30}
    return tuple(
        CandidateIn(
            candidate_id=cid,
            score=scores[cid],
            proposed_rank=rank,
            missing_documents=missing[rank - 1] if len(missing) >= rank else (),
        )
        for rank, cid in enumerate((A, B, C), start=1)
    )


def attribute(member, candidate, rank):
    return Vote(member, candidate, "attribution", rank=rank)


def refuse(member, candidate, reason="Ressources insuffisantes"):
    return Vote(member, candidate, "non_attribution", reason=reason)


def inadmissible(member, candidate, reason="Plafond dépassé"):
    return Vote(member, candidate, "inadmissible", reason=reason)


def item(votes, **kwargs):
    kwargs.setdefault("candidates", _candidates())
    kwargs.setdefault("voting_member_ids", MEMBERS)
    return ItemIn(votes=tuple(votes), **kwargs)


def unanimous(members=MEMBERS):
    votes = []
    for member in members:
        votes += [attribute(member, A, 1), attribute(member, B, 2), refuse(member, C)]
    return votes


def test_unanimous_ranked_attribution_and_non_attribution_with_reason():
    out = tally_item(item(unanimous()))
    assert out.status == ItemStatus.DECIDED
    assert (out.participants, out.voting_members) == (4, 4)
    a, b, c = (out.for_candidate(x) for x in (A, B, C))
    assert (a.decision, a.decided_rank) == (DecisionType.RANKED, 1)
    assert (b.decision, b.decided_rank) == (DecisionType.RANKED, 2)
    assert (c.decision, c.decided_rank) == (DecisionType.NON_ATTRIBUTION, None)
    assert c.reason == "Ressources insuffisantes"
    assert a.tally["attribution"] == 4 and a.tally["mean_rank"] == 1
    assert c.tally["non_attribution"] == 4 and c.tally["abstentions"] == 0


def test_single_attributed_candidate_is_a_plain_attribution():
    votes = []
    for member in MEMBERS:
        votes += [attribute(member, B, 1), refuse(member, A, "Typologie"), refuse(member, C)]
    out = tally_item(item(votes))
    b = out.for_candidate(B)
    assert (b.decision, b.decided_rank) == (DecisionType.ATTRIBUTION, 1)
    assert out.for_candidate(A).reason == "Typologie"


def test_inadmissibility_with_the_distinct_reasons_given():
    votes = [attribute(m, x, r) for m in MEMBERS for x, r in ((A, 1), (B, 2))]
    votes += [inadmissible(1, C, "Titre de séjour expiré")]
    votes += [inadmissible(m, C, "Plafond dépassé") for m in (2, 3, 4)]
    c = tally_item(item(votes)).for_candidate(C)
    assert (c.decision, c.decided_rank) == (DecisionType.INADMISSIBLE, None)
    assert c.reason == "Titre de séjour expiré; Plafond dépassé"
    assert c.tally["inadmissible"] == 4


def test_quorum_reached_with_exactly_half_of_the_voting_members():
    votes = [v for v in unanimous() if v.member_id in {1, 2}]
    out = tally_item(item(votes))
    assert out.status == ItemStatus.DECIDED
    assert (out.participants, out.voting_members) == (2, 4)
    assert out.for_candidate(A).tally["abstentions"] == 0


def test_no_quorum_postpones_the_item_without_decisions():
    votes = [v for v in unanimous() if v.member_id == 1]
    out = tally_item(item(votes))
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "no_quorum")
    assert all(c.decision == "" and c.decided_rank is None for c in out.candidates)
    assert out.for_candidate(A).tally["attribution"] == 1


def test_quorum_ratio_is_taken_from_the_session():
    votes = [v for v in unanimous() if v.member_id in {1, 2}]
    out = tally_item(item(votes, quorum_ratio=Decimal("0.75")))
    assert out.status == ItemStatus.POSTPONED


def test_members_without_a_vote_do_not_count():
    votes = unanimous({1, 2}) + [refuse(9, A), refuse(9, B)]  # 9 is not a voting member
    out = tally_item(item(votes))
    assert out.participants == 2
    assert out.for_candidate(A).tally["non_attribution"] == 0


def test_majority_wins_per_candidate():
    votes = unanimous({1, 2, 3}) + [refuse(4, A), attribute(4, B, 1), refuse(4, C)]
    out = tally_item(item(votes))
    a = out.for_candidate(A)
    assert a.decision == DecisionType.RANKED
    assert (a.tally["attribution"], a.tally["non_attribution"]) == (3, 1)


def test_tie_settled_by_the_casting_vote_of_the_mayor_who_voted():
    votes = [
        *(attribute(m, A, 1) for m in (1, 2)),
        *(refuse(m, A) for m in (3, MAYOR)),
        *(refuse(m, B) for m in MEMBERS),
        *(refuse(m, C) for m in MEMBERS),
    ]
    out = tally_item(item(votes, casting_member_id=MAYOR))
    a = out.for_candidate(A)
    assert out.status == ItemStatus.DECIDED
    assert a.decision == DecisionType.NON_ATTRIBUTION
    assert a.tally["casting_vote"] is True
    assert out.for_candidate(B).tally["casting_vote"] is False


def test_tie_without_a_mayor_on_the_commission_postpones_the_item():
    tied = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A), refuse(MAYOR, A)]
    out = tally_item(item(tied + [refuse(m, x) for m in MEMBERS for x in (B, C)]))
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "tie")
    assert all(c.decision == "" for c in out.candidates)


def test_a_casting_vote_outside_the_tied_choices_does_not_settle():
    votes = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A), refuse(5, A)]
    votes += [inadmissible(MAYOR, A)]
    votes += [refuse(m, x) for m in (1, 2, 3, 5, MAYOR) for x in (B, C)]
    members = frozenset({1, 2, 3, 5, MAYOR})
    out = tally_item(item(votes, voting_member_ids=members, casting_member_id=MAYOR))
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "tie")


def test_tie_when_the_mayor_abstained_on_that_candidate_postpones():
    members = frozenset({1, 2, 3, 5, MAYOR})
    votes = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A), refuse(5, A)]
    votes += [refuse(m, x) for m in members for x in (B, C)]  # the mayor votes on B and C only
    out = tally_item(item(votes, voting_member_ids=members, casting_member_id=MAYOR))
    assert out.for_candidate(A).tally["abstentions"] == 1
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "tie")


def test_a_conflicted_mayor_has_no_casting_vote():
    votes = [attribute(1, A, 1), refuse(2, A), refuse(MAYOR, A)]
    votes += [refuse(m, x) for m in (1, 2) for x in (B, C)]
    out = tally_item(
        item(votes, casting_member_id=MAYOR, conflicted_member_ids=frozenset({MAYOR, 3}))
    )
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "tie")


def test_send_back_by_any_member_wins_over_the_votes():
    out = tally_item(item(unanimous(), sent_back_by=frozenset({3})))
    assert (out.status, out.why) == (ItemStatus.SENT_BACK, "sent_back")
    assert all(c.decision == "" for c in out.candidates)
    assert out.participants == 4


def test_conflicted_members_leave_the_numerator_and_the_denominator():
    # Two voters conflicted: 1 of the 2 remaining voters is half of them, quorum reached,
    # even though 1 of 4 members would not be.
    votes = unanimous({1}) + [refuse(3, A), refuse(3, B), refuse(3, C)]  # 3 is conflicted
    out = tally_item(item(votes, conflicted_member_ids=frozenset({3, 4})))
    assert out.status == ItemStatus.DECIDED
    assert (out.participants, out.voting_members) == (1, 2)
    assert out.for_candidate(A).tally["non_attribution"] == 0


def test_attributed_candidates_are_ranked_by_mean_rank_then_score():
    votes = [
        attribute(1, A, 2),
        attribute(1, B, 1),
        attribute(1, C, 1),
        attribute(2, A, 2),
        attribute(2, B, 2),
        attribute(2, C, 3),
        attribute(3, A, 2),
        attribute(3, B, 3),
        attribute(3, C, 2),
    ]  # means: A 2.0, B 2.0, C 2.0 → by score A 50 > B 40 > C 30
    out = tally_item(item(votes, voting_member_ids=frozenset({1, 2, 3})))
    assert [out.for_candidate(x).decided_rank for x in (A, B, C)] == [1, 2, 3]
    votes[0] = attribute(1, A, 3)  # A's mean becomes 2.33: last
    out = tally_item(item(votes, voting_member_ids=frozenset({1, 2, 3})))
    assert [out.for_candidate(x).decided_rank for x in (B, C, A)] == [1, 2, 3]
    assert out.for_candidate(A).tally["mean_rank"] == 2.33


def test_missing_document_gives_an_attribution_under_suspensive_condition():
    candidates = _candidates((), ("Avis d'imposition N-2",))
    out = tally_item(item(unanimous(), candidates=candidates))
    a, b = out.for_candidate(A), out.for_candidate(B)
    assert (a.decision, a.missing_document) == (DecisionType.RANKED, "")
    assert (b.decision, b.decided_rank) == (DecisionType.CONDITIONAL, 2)
    assert b.missing_document == "Avis d'imposition N-2"


def test_nobody_voting_means_no_quorum_and_no_voter_too():
    assert tally_item(item([])).why == "no_quorum"
    assert tally_item(item([], voting_member_ids=frozenset())).why == "no_quorum"


# The decision rule of the internal rules (issue 7 §1) -------------------------------------


def _rest_refused(members):
    return [refuse(m, x) for m in members for x in (B, C)]


def test_relative_plurality_decides_two_one_one():
    """Relative plurality: 2 attributions, 1 non-attribution, 1 inadmissibility → attribution."""
    votes = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A), inadmissible(MAYOR, A)]
    out = tally_item(item(votes + _rest_refused(MEMBERS), decision_rule="plurality"))
    assert out.status == ItemStatus.DECIDED
    assert out.for_candidate(A).decision == DecisionType.ATTRIBUTION


def test_majority_of_votes_cast_is_not_reached_by_two_of_four():
    """Majority of the votes cast: 2 of 4 cast is not more than half → the item is postponed."""
    votes = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A), inadmissible(MAYOR, A)]
    out = tally_item(item(votes + _rest_refused(MEMBERS), decision_rule="majority"))
    assert (out.status, out.why) == (ItemStatus.POSTPONED, "no_majority")
    assert all(c.decision == "" for c in out.candidates)


def test_majority_counts_the_votes_cast_not_the_abstentions():
    """3 of 4 members took position on A (2 for, 1 against): 2 of 3 cast is a majority."""
    votes = [attribute(1, A, 1), attribute(2, A, 1), refuse(3, A)]
    out = tally_item(item(votes + _rest_refused(MEMBERS), decision_rule="majority"))
    a = out.for_candidate(A)
    assert (a.decision, a.tally["abstentions"]) == (DecisionType.ATTRIBUTION, 1)


def test_majority_rule_even_split_is_settled_by_the_casting_vote():
    votes = [attribute(1, A, 1), attribute(MAYOR, A, 1), refuse(2, A), refuse(3, A)]
    out = tally_item(
        item(votes + _rest_refused(MEMBERS), decision_rule="majority", casting_member_id=MAYOR)
    )
    a = out.for_candidate(A)
    assert (a.decision, a.tally["casting_vote"]) == (DecisionType.ATTRIBUTION, True)


def test_the_quorum_base_is_the_electorate_fixed_at_the_opening():
    """Opened with members 1–4, members 5 and 6 seated later: 2 of 4, not 2 of 6."""
    votes = unanimous({1, 2})
    out = tally_item(item(votes, voting_member_ids=frozenset(range(1, 7)), quorum_base_ids=MEMBERS))
    assert (out.status, out.participants, out.voting_members) == (ItemStatus.DECIDED, 2, 4)
    late = tally_item(
        item(
            unanimous({1, 5, 6}),
            voting_member_ids=frozenset(range(1, 7)),
            quorum_base_ids=MEMBERS,
        )
    )
    assert (late.status, late.participants) == (ItemStatus.POSTPONED, 1)  # 5, 6 not in base
    assert late.for_candidate(A).tally["attribution"] == 3  # their votes are counted
