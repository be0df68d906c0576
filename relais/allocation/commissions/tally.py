"""Deciding an agenda item from the members' positions: pure functions, no database, no clock.

The rules (see docs/commissions.md):

- an item that any member sent back to an in-person session is not decided here;
- the item's voters are the members whose seat covers the dwelling (``electorate.covers``)
  minus those who declared a conflict of interest on it (conflicted members take part in the
  session, not in the item: they count in neither the numerator nor the denominator of its
  quorum, and their positions are ignored);
- the quorum base is the electorate fixed when the session opened (``quorum_base_ids``) minus
  the conflicted members: members seated later may vote, but neither count in the base nor in
  the participants it is compared with;
- quorum: base members who recorded at least one position on the item ≥ ``quorum_ratio`` ×
  base, else the item is postponed;
- per candidate, by the internal rules' decision rule: *relative plurality*, the position with
  the most votes wins; *majority of the votes cast*, a position needs more than half of the
  votes cast on the candidate (abstentions are not cast). A tie (an even split between two
  positions under the majority rule) is settled by the casting vote of its holder when they
  took one of the tied positions; otherwise the whole item is postponed (``tie``, or
  ``no_majority`` when no position reached the majority without a tie);
- attributed candidates are ranked by the mean rank given, then by score (highest first), then
  by the officer's proposed rank; one attributed candidate is an *attribution*, several a
  *ranked attribution*; an attributed candidate whose file misses a document of the closed list
  gets an *attribution under suspensive condition* (rank kept).
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import fmean

from ..models import DecisionRule, DecisionType, ItemStatus, PositionChoice

CHOICES = tuple(PositionChoice.values)


@dataclass(frozen=True)
class Vote:
    member_id: int
    candidate_id: int
    choice: str
    rank: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class CandidateIn:
    candidate_id: int
    score: int
    proposed_rank: int
    # Labels of the documents of the closed list the application still misses.
    missing_documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemIn:
    candidates: tuple[CandidateIn, ...]
    votes: tuple[Vote, ...]
    # Members whose seat covers the dwelling (their positions count).
    voting_member_ids: frozenset[int]
    conflicted_member_ids: frozenset[int] = frozenset()
    sent_back_by: frozenset[int] = frozenset()
    # The holder of the casting vote on this dwelling, when they sit on the commission.
    casting_member_id: int | None = None
    quorum_ratio: Decimal = Decimal("0.5")
    # The electorate fixed at the opening (the quorum base); None: ``voting_member_ids``.
    quorum_base_ids: frozenset[int] | None = None
    decision_rule: str = DecisionRule.PLURALITY


@dataclass(frozen=True)
class CandidateOut:
    candidate_id: int
    decision: str = ""  # a DecisionType value, "" when the item is not decided
    decided_rank: int | None = None
    reason: str = ""
    missing_document: str = ""
    tally: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ItemOut:
    status: str  # an ItemStatus value
    participants: int
    voting_members: int
    why: str  # "", "sent_back", "no_quorum", "tie" or "no_majority"
    candidates: tuple[CandidateOut, ...]

    def for_candidate(self, candidate_id: int) -> CandidateOut:
        return next(c for c in self.candidates if c.candidate_id == candidate_id)


def _candidate_tally(votes: list[Vote], participants: int) -> dict:
    counts = Counter(vote.choice for vote in votes)
    ranks = sorted(v.rank for v in votes if v.choice == PositionChoice.ATTRIBUTION and v.rank)
    return {
        **{choice: counts.get(choice, 0) for choice in CHOICES},
        "abstentions": participants - len(votes),
        "ranks": ranks,
        "mean_rank": round(fmean(ranks), 2) if ranks else None,
        "casting_vote": False,
        "reasons": [v.reason for v in votes if v.reason],
    }


def _winning_choice(tally: dict, votes: list[Vote], casting_member_id: int | None, rule: str):
    """(winning choice or None, whether the casting vote settled it, why there is none).

    ``why`` is "tie" (an unsettled tie) or "no_majority" (majority rule, no tie).
    """
    best = max(tally[choice] for choice in CHOICES)
    if best == 0:
        return None, False, "tie"
    leaders = [choice for choice in CHOICES if tally[choice] == best]
    cast = sum(tally[choice] for choice in CHOICES)
    if rule == DecisionRule.MAJORITY:
        if 2 * best > cast:
            return leaders[0], False, ""
        if not (len(leaders) == 2 and 2 * best == cast):
            return None, False, "no_majority"  # e.g. 2–1–1: nobody has more than half
    elif len(leaders) == 1:
        return leaders[0], False, ""
    casting = next((v for v in votes if v.member_id == casting_member_id), None)
    if casting is not None and casting.choice in leaders:
        return casting.choice, True, ""
    return None, False, "tie"


def _reason(votes: list[Vote], choice: str) -> str:
    """The distinct reasons given by the members who took the winning position, in order."""
    reasons = dict.fromkeys(v.reason.strip() for v in votes if v.choice == choice and v.reason)
    return "; ".join(reason for reason in reasons if reason)


def _undecided(item: ItemIn, status, why, participants, voters, tallies) -> ItemOut:
    candidates = tuple(
        CandidateOut(candidate_id=c.candidate_id, tally=tallies[c.candidate_id])
        for c in item.candidates
    )
    return ItemOut(status, participants, voters, why, candidates)


def tally_item(item: ItemIn) -> ItemOut:
    voters = item.voting_member_ids - item.conflicted_member_ids
    fixed = item.voting_member_ids if item.quorum_base_ids is None else item.quorum_base_ids
    base = fixed - item.conflicted_member_ids
    votes = sorted(
        (v for v in item.votes if v.member_id in voters),
        key=lambda v: (v.candidate_id, v.member_id),
    )
    participants = len({v.member_id for v in votes} & base)
    by_candidate = {
        c.candidate_id: [v for v in votes if v.candidate_id == c.candidate_id]
        for c in item.candidates
    }
    voted = len({v.member_id for v in votes})  # the base's and those seated later
    tallies = {
        c.candidate_id: _candidate_tally(by_candidate[c.candidate_id], voted)
        for c in item.candidates
    }
    counts = (participants, len(base), tallies)
    if item.sent_back_by:
        return _undecided(item, ItemStatus.SENT_BACK, "sent_back", *counts)
    if not base or Decimal(participants) < item.quorum_ratio * len(base):
        return _undecided(item, ItemStatus.POSTPONED, "no_quorum", *counts)
    winners = {}
    for candidate in item.candidates:
        cid = candidate.candidate_id
        choice, by_casting, why = _winning_choice(
            tallies[cid], by_candidate[cid], item.casting_member_id, item.decision_rule
        )
        if choice is None:
            return _undecided(item, ItemStatus.POSTPONED, why, *counts)
        tallies[cid]["casting_vote"] = by_casting
        winners[cid] = choice
    return ItemOut(
        ItemStatus.DECIDED,
        participants,
        len(base),
        "",
        tuple(_decide(item, winners, tallies, by_candidate)),
    )


def _mean_rank(tally: dict) -> float:
    """The exact mean (the tally keeps it rounded for display)."""
    return fmean(tally["ranks"]) if tally["ranks"] else float("inf")


def _decide(item: ItemIn, winners: dict, tallies: dict, by_candidate: dict):
    attributed = sorted(
        (c for c in item.candidates if winners[c.candidate_id] == PositionChoice.ATTRIBUTION),
        key=lambda c: (_mean_rank(tallies[c.candidate_id]), -c.score, c.proposed_rank),
    )
    ranks = {c.candidate_id: rank for rank, c in enumerate(attributed, start=1)}
    plain = DecisionType.ATTRIBUTION if len(attributed) == 1 else DecisionType.RANKED
    for candidate in item.candidates:
        cid, choice = candidate.candidate_id, winners[candidate.candidate_id]
        if choice != PositionChoice.ATTRIBUTION:
            yield CandidateOut(
                candidate_id=cid,
                decision=DecisionType(choice),
                reason=_reason(by_candidate[cid], choice),
                tally=tallies[cid],
            )
            continue
        missing = ", ".join(candidate.missing_documents)
        yield CandidateOut(
            candidate_id=cid,
            decision=DecisionType.CONDITIONAL if missing else plain,
            decided_rank=ranks[cid],
            missing_document=missing,
            tally=tallies[cid],
        )
