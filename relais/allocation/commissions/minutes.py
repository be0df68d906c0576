"""The minutes (procès-verbal) of a commission session: render, regenerate, seal.

After the close the minutes are rendered (``minutes_generate``) and may be regenerated until the
president acknowledges them (``minutes_acknowledge``): their SHA-256 then goes into the session
and into the audit chain, and the stored bytes can no longer change. Downloads check the stored
bytes against the recorded digest (``minutes_intact``), so tampering in the database shows.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import AuditEvent

from .. import pdf
from ..models import (
    CommissionMember,
    DeclarationKind,
    ItemDeclaration,
    ItemRemark,
    ItemStatus,
    Position,
    PositionChoice,
    Seat,
    Session,
    SessionStatus,
)


def president_of(session: Session) -> CommissionMember | None:
    return (
        CommissionMember.objects.filter(
            commission_id=session.commission_id, seat=Seat.PRESIDENT, is_active=True
        )
        .select_related("user")
        .first()
    )


def is_president(session: Session, user) -> bool:
    president = president_of(session)
    return president is not None and user.is_authenticated and president.user_id == user.pk


def _member_name(member: CommissionMember) -> str:
    return member.user.get_full_name() or member.user.get_username()


def _members(session, declarations) -> list[dict]:
    """Every seat of the commission, whether it took part, and its declared conflicts."""
    voters = set(
        Position.objects.filter(candidate__item__session=session).values_list(
            "member_id", flat=True
        )
    ) | {d.member_id for d in declarations}
    members = (
        CommissionMember.objects.filter(commission_id=session.commission_id, is_active=True)
        .select_related("user", "commune")
        .order_by("seat", "user__last_name", "user__username")
    )
    seat_order = {seat: index for index, seat in enumerate(Seat.values)}
    rows = []
    for member in sorted(members, key=lambda m: seat_order[m.seat]):
        conflicts = sorted(
            d.item.position
            for d in declarations
            if d.member_id == member.pk and d.kind == DeclarationKind.CONFLICT
        )
        rows.append(
            {
                "name": _member_name(member),
                "seat": member.seat,
                "commune": member.commune.name if member.commune else "",
                "took_part": member.pk in voters,
                "conflicts": conflicts,
            }
        )
    return rows


def _tally(tally: dict) -> dict | None:
    """The tally the close stored (see ``tallying``), or None when nobody took a position."""
    if not any(tally.get(choice) for choice in PositionChoice.values):
        return None
    return {
        "for": str(tally.get("attribution", 0)),
        "against": str(tally.get("non_attribution", 0)),
        "inadmissible": str(tally.get("inadmissible", 0)),
        "abstentions": str(tally.get("abstentions") or ""),
        "mean_rank": pdf.fr_number(tally.get("mean_rank")),
        "casting_vote": bool(tally.get("casting_vote")),
    }


def _candidate(candidate) -> dict:
    application = candidate.application
    return {
        "proposed_rank": str(candidate.proposed_rank),
        "name": f"{application.applicant_first_name} {application.applicant_last_name}",
        "registration_number": application.registration_number,
        "score": str(candidate.score_at_proposal),
        "decision": candidate.decision,
        "decided_rank": str(candidate.decided_rank or ""),
        "reason": candidate.decision_reason,
        "missing_document": candidate.missing_document,
        "document_deadline": pdf.fr_date(candidate.document_deadline),
        "tally": _tally(candidate.tally),
    }


def dwelling_data(vacancy) -> dict:
    """The dwelling as documents show it (shared by the minutes and the letters)."""
    dwelling = vacancy.dwelling
    building = dwelling.building
    return {
        "reference": dwelling.reference,
        "address": f"{building.address}, {building.postcode} {building.commune.name}".strip(),
        "typology": dwelling.typology,
        "surface": pdf.fr_number(dwelling.surface) if dwelling.surface else "",
        "financing": dwelling.financing,
        "rent": pdf.fr_money(dwelling.rent_cents),
        "charges": pdf.fr_money(vacancy.charges_cents),
        "total": pdf.fr_money(dwelling.rent_cents + vacancy.charges_cents),
    }


def _postponed_why(item, quorum_ratio: Decimal) -> str:
    """Why an item was postponed, as the close stored it on its candidates: no ceiling table
    to check eligibility, the quorum missed, no majority of the votes cast, or a tie nobody
    could settle (recomputed from the counts for items closed before ``why`` was stored)."""
    if item.status != ItemStatus.POSTPONED:
        return ""
    whys = {c.tally.get("why") for c in item.candidates.all()}
    for why in ("no_table", "no_quorum", "no_majority", "tie"):
        if why in whys:
            return why
    if not item.voting_members or item.participants < quorum_ratio * item.voting_members:
        return "no_quorum"
    return "tie"


def _exchange(item) -> list[dict]:
    """The item's written exchange (remote sessions), in order, with who wrote and when."""
    return [
        {
            "member": _member_name(remark.member),
            "seat": remark.member.seat,
            "at": pdf.fr_datetime(remark.created_at),
            "text": remark.text,
        }
        for remark in item.remarks.all()
    ]


def _item(item, declarations, quorum_ratio: Decimal) -> dict:
    own = [d for d in declarations if d.item_id == item.pk]

    def people(kind):
        return [
            {"member": _member_name(d.member), "reason": d.reason} for d in own if d.kind == kind
        ]

    return {
        "number": item.position,
        "status": item.status,
        "postponed_why": _postponed_why(item, quorum_ratio),
        "participants": str(item.participants),
        "voting_members": str(item.voting_members),
        "few_candidates_reason": item.few_candidates_reason,
        "few_candidates_justification": item.few_candidates_justification,
        "dwelling": dwelling_data(item.vacancy),
        "conflicts": people(DeclarationKind.CONFLICT),
        "send_backs": people(DeclarationKind.SEND_BACK),
        "exchange": _exchange(item),
        "candidates": [_candidate(c) for c in item.candidates.all()],
    }


def minutes_data(session: Session) -> dict:
    """Everything the minutes show, formatted the French way (the typst template's input)."""
    remarks = ItemRemark.objects.select_related("member__user").order_by("created_at", "pk")
    items = session.items.select_related("vacancy__dwelling__building__commune").prefetch_related(
        "candidates__application", Prefetch("remarks", queryset=remarks)
    )
    quorum_ratio = Decimal(str(session.quorum_ratio))
    declarations = list(
        ItemDeclaration.objects.filter(item__session=session)
        .select_related("member__user", "item")
        .order_by("item__position", "created_at", "pk")
    )
    return {
        "landlord": session.organisation.name,
        "commission": session.commission.name,
        "territory": session.commission.territory,
        "session": {
            "kind": session.kind,
            "opens_at": pdf.fr_datetime(session.opens_at),
            "closes_at": pdf.fr_datetime(session.closes_at),
            "closed_at": pdf.fr_datetime(session.closed_at),
            "quorum": f"{pdf.fr_number(quorum_ratio * 100, 0)} %",
            "decision_rule": session.decision_rule,
            "casting_vote": session.casting_vote,
        },
        "members": _members(session, declarations),
        "items": [
            _item(item, declarations, quorum_ratio) for item in items.order_by("position", "pk")
        ],
        "generated_on": pdf.fr_date(timezone.localdate(_document_time(session))),
    }


def _document_time(session: Session):
    """The minutes' date: the close, so regenerating unchanged data gives the same bytes."""
    return session.closed_at or session.closes_at


def minutes_render(session: Session) -> bytes:
    return pdf.render("minutes", minutes_data(session), created_at=_document_time(session))


def minutes_generate(session: Session, *, actor=None) -> bytes:
    """Render the minutes of a closed session and store them; refused once sealed.

    Idempotent: when the rendering equals the stored minutes nothing is written or audited.
    """
    with transaction.atomic():
        locked = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
        if locked.status == SessionStatus.SEALED:
            raise ValidationError(_("The minutes are sealed and can no longer change."))
        if locked.status != SessionStatus.CLOSED:
            raise ValidationError(_("Minutes are drawn up once the session is closed."))
        content = minutes_render(locked)
        if locked.minutes_pdf is None or bytes(locked.minutes_pdf) != content:
            locked.minutes_pdf = content
            locked.save(update_fields=["minutes_pdf"])
            audit.record(
                action="minutes.generated",
                organisation=locked.organisation,
                actor=actor,
                obj=locked,
                changes={"sha256": pdf.sha256(content)},
            )
    session.minutes_pdf = content
    return content


def minutes_acknowledge(*, session: Session, actor, expected_sha256: str = "") -> Session:
    """The president acknowledges the stored minutes: they are sealed with their SHA-256.

    ``expected_sha256`` is the digest of the version the president read; when the minutes were
    regenerated in between, the acknowledgement is refused rather than sealing unread text.
    """
    if not is_president(session, actor):
        raise PermissionDenied(_("Only the commission's president acknowledges the minutes."))
    with transaction.atomic():
        locked = Session.objects.select_for_update(no_key=True).get(pk=session.pk)
        if locked.status == SessionStatus.SEALED:
            raise ValidationError(_("The minutes are already sealed."))
        if locked.status != SessionStatus.CLOSED or locked.minutes_pdf is None:
            raise ValidationError(_("The minutes of this session have not been drawn up yet."))
        digest = pdf.sha256(locked.minutes_pdf)
        if expected_sha256 and expected_sha256 != digest:
            raise ValidationError(_("The minutes changed since you opened them: read them again."))
        locked.minutes_sha256 = digest
        locked.sealed_at = timezone.now()
        locked.acknowledged_by = actor
        locked.status = SessionStatus.SEALED
        locked.save(update_fields=["minutes_sha256", "sealed_at", "acknowledged_by", "status"])
        audit.record(
            action="minutes.sealed",
            organisation=locked.organisation,
            actor=actor,
            obj=locked,
            changes={"sha256": digest},
        )
    return locked


def sealed_digest(session: Session) -> str:
    """The SHA-256 the audit chain recorded when the minutes were sealed ("" if never)."""
    changes = (
        AuditEvent.objects.filter(
            organisation_id=session.organisation_id,
            action="minutes.sealed",
            object_type=Session._meta.label_lower,
            object_id=str(session.pk),
        )
        .order_by("-sequence")
        .values_list("changes", flat=True)
        .first()
    )
    return (changes or {}).get("sha256", "")


def minutes_intact(session: Session) -> bool:
    """Whether the stored minutes are exactly the ones sealed (always true before sealing).

    The stored bytes must match both the session's digest and the audit chain's, so rewriting
    the PDF and the session row together still shows (the chain cannot be rewritten unseen).
    """
    if session.status != SessionStatus.SEALED:
        return True
    if session.minutes_pdf is None:
        return False
    digest = pdf.sha256(session.minutes_pdf)
    return digest == session.minutes_sha256 == sealed_digest(session)
