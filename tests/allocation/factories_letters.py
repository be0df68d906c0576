"""A closed session with every kind of decision, as the close leaves it (letters and minutes).

``closed_session(organisation)`` builds, without the close's code, what it produces: item 1
decided (two ranked attributions, a conditional one, a non-attribution, an inadmissibility),
with a conflict declared; item 2 sent back to an in-person session.
"""

import datetime as dt
import subprocess
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from relais.allocation.letters import sending
from relais.allocation.letters.reasons import reasons_for
from relais.allocation.models import (
    AgendaItem,
    Candidate,
    CommissionMember,
    DecisionType,
    DeclarationKind,
    ItemDeclaration,
    ItemStatus,
    Letter,
    LetterStatus,
    Position,
    PositionChoice,
    Seat,
    Session,
    SessionStatus,
    VacancyStatus,
)
from relais.core.models import Agency

from ..factories import CommuneFactory, UserFactory
from .factories import (
    AgendaItemFactory,
    ApplicationFactory,
    CandidateFactory,
    CommissionFactory,
    CommissionMemberFactory,
    SessionFactory,
    VacancyFactory,
)


@dataclass
class ClosedSession:
    session: Session
    president: CommissionMember
    members: list[CommissionMember]
    item: AgendaItem
    sent_back: AgendaItem
    first: Candidate
    second: Candidate
    conditional: Candidate
    refused: Candidate
    inadmissible: Candidate


def _members(commission, mark):
    def seat(seat, first, last, **extra):
        user = UserFactory(first_name=first, last_name=last)
        return CommissionMemberFactory(commission=commission, user=user, seat=seat, **extra)

    return [
        seat(Seat.PRESIDENT, "Hélène", f"Présidente {mark}".strip()),
        seat(Seat.TENANT, "François", "Locataire"),
        seat(Seat.MAYOR, "Cécile", "Maire", commune=CommuneFactory()),
        seat(Seat.PREFECT, "Jérôme", "Préfecture"),
        seat(Seat.ADVISORY, "Zoé", "Association"),
    ]


def _candidate(item, rank, decision, last_name, tally, **fields):
    application = ApplicationFactory(
        organisation=item.organisation,
        applicant_first_name="Joëlle",
        applicant_last_name=last_name,
        postal_address="12 rue de la Fontaine, Appartement 3, 37000 Tours",
        email=fields.pop("email", ""),
    )
    return CandidateFactory(
        item=item,
        application=application,
        proposed_rank=rank,
        score_at_proposal=100 - rank,
        decision=decision,
        tally=tally,
        **fields,
    )


def _agency(organisation, mark):
    agency, _ = Agency.objects.get_or_create(
        organisation=organisation,
        name=f"Agence de Tours Nord {mark}".strip(),
        defaults={
            "address": "15 avenue de la République",
            "postcode": "37100",
            "city": "Tours",
            "phone": "0247123456",
            "email": "attributions.tours@example.org",
        },
    )
    return agency


def _decided_item(session, mark):
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=session.organisation,
        dwelling__building__residence__agency=_agency(session.organisation, mark),
        dwelling__building__address=f"3 allée des Peupliers {mark}".strip(),
        dwelling__rent_cents=123_456,
        charges_cents=9_050,
        status=VacancyStatus.ON_AGENDA,
    )
    item = AgendaItemFactory(
        session=session,
        vacancy=vacancy,
        position=1,
        status=ItemStatus.DECIDED,
        participants=3,
        voting_members=4,
    )
    votes = {"attribution": 3, "non_attribution": 0, "inadmissible": 0}
    first = _candidate(
        item,
        1,
        DecisionType.RANKED,
        f"Lefèvre {mark}".strip(),
        {**votes, "mean_rank": 1.0},
        decided_rank=1,
        email="joelle.lefevre@example.org",
    )
    second = _candidate(
        item,
        2,
        DecisionType.RANKED,
        "Bérénice",
        {**votes, "mean_rank": 2.333},
        decided_rank=2,
    )
    conditional = _candidate(
        item,
        3,
        DecisionType.CONDITIONAL,
        "Françoise",
        {**votes, "mean_rank": 3.0},
        decided_rank=3,
        missing_document="Avis d'imposition 2025",
        document_deadline=dt.date(2026, 12, 15),
    )
    refused = _candidate(
        item,
        4,
        DecisionType.NON_ATTRIBUTION,
        "Noël",
        {"attribution": 1, "non_attribution": 2, "inadmissible": 0},
        decision_reason="Logement inadapté à la composition du ménage (sous-occupation).",
    )
    inadmissible = _candidate(
        item,
        5,
        DecisionType.INADMISSIBLE,
        "Œuvray",
        {"attribution": 0, "non_attribution": 0, "inadmissible": 3},
        decision_reason="Ressources supérieures aux plafonds réglementaires.",
    )
    return item, [first, second, conditional, refused, inadmissible]


def closed_session(organisation, mark: str = "") -> ClosedSession:
    name = f"CALEOL Touraine {mark}".strip()
    commission = CommissionFactory(organisation=organisation, name=name)
    members = _members(commission, mark)
    opens_at = timezone.now() - dt.timedelta(days=2)
    session = SessionFactory(
        commission=commission,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(hours=24),
        closed_at=opens_at + dt.timedelta(hours=24, seconds=5),
        status=SessionStatus.CLOSED,
    )
    item, candidates = _decided_item(session, mark)
    sent_back = AgendaItemFactory(session=session, position=2, status=ItemStatus.SENT_BACK)
    CandidateFactory(item=sent_back, proposed_rank=1)
    president, tenant, mayor = members[:3]
    for member in (president, tenant):
        for candidate in candidates:
            Position.objects.create(
                organisation=organisation,
                member=member,
                candidate=candidate,
                choice=PositionChoice.ATTRIBUTION,
                rank=candidate.proposed_rank,
            )
    for member, target, kind, reason in (
        (mayor, item, DeclarationKind.CONFLICT, "Lien de parenté avec un candidat"),
        (tenant, sent_back, DeclarationKind.SEND_BACK, "Dossier à étudier en présence"),
    ):
        ItemDeclaration.objects.create(
            organisation=organisation, member=member, item=target, kind=kind, reason=reason
        )
    return ClosedSession(session, president, members, item, sent_back, *candidates)


def review(letter, *, actor=None, reasons=None, wording=""):
    """Review ``letter`` with ``reasons`` (default: the first standard reason of its type)."""
    if reasons is None:
        reasons = list(reasons_for(letter.organisation, letter.reason_kind)[:1])
    return sending.letter_review(letter=letter, actor=actor, reasons=reasons, wording=wording)


def send_all(session, *, actor=None) -> list[Letter]:
    """Review (first standard reason) and send every letter of ``session`` not sent yet."""
    unsent = Letter.objects.filter(candidate__item__session=session).exclude(
        status=LetterStatus.SENT
    )
    sent = []
    for letter in unsent.order_by("pk"):
        review(letter, actor=actor)
        sent.append(sending.letter_send(letter=letter, actor=actor))
    return sent


def pdf_text(content) -> str:
    """The text of a PDF (poppler's pdftotext), with runs of white space made single spaces."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=bytes(content),
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def says(response, message: str) -> bool:
    """Whether the page shows ``message`` (an English msgid) in the site's language, French."""
    with translation.override("fr"):
        text = gettext(message)
    body = response.content.decode()
    # {% translate %} output is not escaped, messages and variables are.
    return text in body or escape(text) in body
