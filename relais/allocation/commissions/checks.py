"""Legal checks of an agenda item: when candidates are proposed, and at the close.

- **Proposal** (``proposal_justification``): every candidate must be eligible for the
  dwelling at the decision date (the session's closing day): the ceiling of the dwelling's
  financing for that year, ages on that day, income of N-2 up to date
  (``eligibility.decisions``). Fewer than three candidates need a justified exception
  (L441-2 CCH): DALO only with a candidate holding a DALO designation and its decision date;
  "too few candidates" only when the candidate search, run now, finds fewer than three
  eligible, fitting applications with up-to-date income. The justification is returned as a
  French sentence for the item (and the minutes).
- **Close** (``enforce_eligibility``): the same check on the day of the close overrides the
  votes, as legal conditions do: over the ceiling → inadmissible; over this dwelling's
  ceiling but within the next financing's, or income to update → non-attribution, the
  application stays active. A missing ceiling table postpones the item: nobody is attributed
  a dwelling whose eligibility could not be checked.
docs/decisions/0027-eligibility-at-decision-time.md.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..eligibility.ceilings import EligibilityError, ceiling_zone
from ..eligibility.decisions import (
    ELIGIBLE,
    OVER_CEILING,
    Ceilings,
    check_for_decision,
    required_income_year,
)
from ..models import (
    Candidate,
    DecisionType,
    FewCandidatesReason,
    ItemStatus,
    PriorityCriterion,
)
from ..vacancies.candidates import MIN_CANDIDATES, proposable_count

ATTRIBUTED = (DecisionType.ATTRIBUTION, DecisionType.RANKED, DecisionType.CONDITIONAL)


def _zone(dwelling) -> str:
    try:
        return ceiling_zone(dwelling.financing, dwelling.building.commune)
    except EligibilityError as error:
        raise ValidationError(error.message) from error


def proposal_justification(*, session, vacancy, applications, reason: str) -> str:
    """Check the proposed applications (in rank order) and justify an exception.

    Returns the justification ("" with three candidates or more). Raises ``ValidationError``
    naming each application that cannot be proposed and why, or an unjustified exception.
    """
    decided_on = timezone.localdate(session.closes_at)
    dwelling = vacancy.dwelling
    zone, ceilings = _zone(dwelling), Ceilings()
    refused = []
    for application in applications:
        try:
            check = check_for_decision(
                application,
                financing=dwelling.financing,
                zone=zone,
                decided_on=decided_on,
                ceilings=ceilings,
            )
        except EligibilityError as error:
            raise ValidationError(error.message) from error
        if check.status != ELIGIBLE:
            refused.append(f"{application.registration_number} : {check.reason}")
    if refused:
        raise ValidationError(
            _("These applications cannot be proposed for this dwelling: %(list)s")
            % {"list": " ; ".join(refused)}
        )
    if reason == FewCandidatesReason.DALO:
        return _dalo_justification(applications)
    if reason == FewCandidatesReason.TOO_FEW:
        return _too_few_justification(vacancy, decided_on)
    return ""


def _dalo_justification(applications) -> str:
    designated = [
        a
        for a in applications
        if PriorityCriterion.DALO in a.priority_criteria and a.dalo_decided_on is not None
    ]
    if not designated:
        raise ValidationError(
            _(
                "The DALO exception needs a proposed candidate with a DALO designation: the "
                "DALO priority criterion and the date of the mediation commission's decision."
            )
        )
    with translation.override("fr"):
        return "; ".join(
            _("DALO designation of %(number)s (decision of %(date)s)")
            % {
                "number": a.registration_number,
                "date": formats.date_format(a.dalo_decided_on, "SHORT_DATE_FORMAT"),
            }
            for a in designated
        )


def _too_few_justification(vacancy, decided_on: dt.date) -> str:
    """Run the candidate search now: fewer than three proposable applications, or refuse."""
    try:
        found = proposable_count(
            vacancy, decided_on.year, required_income_year(decided_on), up_to=MIN_CANDIDATES
        )
    except EligibilityError as error:
        raise ValidationError(error.message) from error
    if found >= MIN_CANDIDATES:
        raise ValidationError(
            _(
                "The candidate search finds at least three eligible applications fitting this "
                "dwelling: propose three, or justify a DALO designation."
            )
        )
    with translation.override("fr"):
        now = formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
        return ngettext(
            "Candidate search of %(when)s: %(count)s eligible application fits the dwelling.",
            "Candidate search of %(when)s: %(count)s eligible applications fit the dwelling.",
            found,
        ) % {"when": now, "count": found}


def enforce_eligibility(item, decided_on: dt.date) -> None:
    """At the close, after the tally: turn ineligible candidates' decisions into what the law
    says, renumber the remaining attributed ranks, or postpone the item without a table.

    ``item`` has its candidates (with applications) prefetched; they are updated in place,
    so the caller's later steps see the final decisions.
    """
    if item.status != ItemStatus.DECIDED:
        return
    candidates = list(item.candidates.all())
    dwelling = item.vacancy.dwelling
    try:
        zone, ceilings = ceiling_zone(dwelling.financing, dwelling.building.commune), Ceilings()
        checks = {
            c.pk: check_for_decision(
                c.application,
                financing=dwelling.financing,
                zone=zone,
                decided_on=decided_on,
                ceilings=ceilings,
            )
            for c in candidates
        }
    except EligibilityError as error:
        _postpone(item, candidates, error.message)
        return
    for candidate in candidates:
        check = checks[candidate.pk]
        candidate.tally = {**candidate.tally, "eligibility": check.status}
        if check.status == ELIGIBLE:
            continue
        candidate.decision = (
            DecisionType.INADMISSIBLE
            if check.status == OVER_CEILING
            else DecisionType.NON_ATTRIBUTION
        )
        candidate.decided_rank, candidate.decision_reason = None, check.reason
        candidate.missing_document, candidate.document_deadline = "", None
    _renumber(candidates)
    Candidate.objects.bulk_update(
        candidates,
        ["decision", "decided_rank", "decision_reason", "missing_document", "document_deadline"]
        + ["tally"],
    )


def _renumber(candidates) -> None:
    attributed = sorted(
        (c for c in candidates if c.decision in ATTRIBUTED),
        key=lambda c: (c.decided_rank or 0, c.proposed_rank),
    )
    for rank, candidate in enumerate(attributed, start=1):
        candidate.decided_rank = rank
    if len(attributed) == 1 and attributed[0].decision == DecisionType.RANKED:
        attributed[0].decision = DecisionType.ATTRIBUTION


def _postpone(item, candidates, message: str) -> None:
    item.status = ItemStatus.POSTPONED
    item.save(update_fields=["status"])
    for candidate in candidates:
        candidate.decision, candidate.decided_rank = "", None
        candidate.missing_document, candidate.document_deadline = "", None
        candidate.decision_reason = message
        candidate.tally = {**candidate.tally, "why": "no_table"}
    Candidate.objects.bulk_update(
        candidates,
        ["decision", "decided_rank", "decision_reason", "missing_document", "document_deadline"]
        + ["tally"],
    )
