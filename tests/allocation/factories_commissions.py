"""A commission with its members and a session with an agenda, ready for votes.

``board(organisation)`` builds an open remote session (opened an hour ago, closing in 23 h) of a
commission with four voting members (president, landlord representative, tenant
representative, the mayor of Tours, the dwellings' commune) and an advisory member, the items'
electorates fixed as at the opening, each an outside
member of the organisation with an authenticator set up; one agenda item per vacancy with three
proposed candidates whose files hold the tax notice.
"""

import datetime as dt
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.utils import timezone

from relais.allocation.commissions.electorate import fix_electorates
from relais.allocation.models import (
    AgendaItem,
    ApplicationStatus,
    Candidate,
    CommissionMember,
    Seat,
    Session,
    SessionKind,
    SessionStatus,
    VacancyStatus,
)
from relais.core.roles import Role

from ..factories import CommuneFactory, MembershipFactory, UserFactory
from .factories import (
    AgendaItemFactory,
    ApplicationFactory,
    CandidateFactory,
    CommissionFactory,
    CommissionMemberFactory,
    SessionFactory,
    VacancyFactory,
)


def with_totp(user):
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    return user


def seat(commission, seat_kind, *, role=Role.COMMISSION_MEMBER, totp=True, **extra):
    user = UserFactory(first_name="Élu", last_name=f"{seat_kind.title()} {commission.name}")
    MembershipFactory(organisation=commission.organisation, user=user, role=role)
    if totp:
        with_totp(user)
    return CommissionMemberFactory(commission=commission, user=user, seat=seat_kind, **extra)


@dataclass
class Board:
    session: Session
    president: CommissionMember
    landlord: CommissionMember
    tenant: CommissionMember
    mayor: CommissionMember
    advisory: CommissionMember
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def commission(self):
        return self.session.commission

    @property
    def voters(self) -> list[CommissionMember]:
        return [self.president, self.landlord, self.tenant, self.mayor]

    def candidates(self, index=0) -> list[Candidate]:
        return list(self.items[index].candidates.order_by("proposed_rank"))


def agenda_item(session, *, position=1, candidates=3, mark="", documents=("tax_notice_n2",)):
    organisation = session.organisation
    vacancy = VacancyFactory(
        dwelling__building__residence__organisation=organisation,
        dwelling__building__address=f"{position} rue {mark}".strip(),
        status=VacancyStatus.ON_AGENDA,
    )
    item = AgendaItemFactory(session=session, vacancy=vacancy, position=position)
    for rank in range(1, candidates + 1):
        application = ApplicationFactory(
            organisation=organisation,
            applicant_last_name=f"Candidat{rank} {mark}".strip(),
            status=ApplicationStatus.PROPOSED,
            documents_received=list(documents),
            score=100 - 10 * rank,
            phone="+33247999999",
            email=f"candidat{rank}@example.org",
            postal_address="7 rue Secrète, 37000 Tours",
        )
        CandidateFactory(
            item=item,
            application=application,
            proposed_rank=rank,
            score_at_proposal=application.score,
        )
    return item


def board(
    organisation,
    *,
    items=1,
    kind=SessionKind.REMOTE,
    status=SessionStatus.OPEN,
    mark="",
    opens_at=None,
) -> Board:
    named = {"name": f"CALEOL {mark}"} if mark else {}
    commission = CommissionFactory(organisation=organisation, **named)
    opens_at = opens_at or timezone.now() - dt.timedelta(hours=1)
    session = SessionFactory(
        commission=commission,
        kind=kind,
        status=status,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(hours=24),
    )
    result = Board(
        session=session,
        president=seat(commission, Seat.PRESIDENT),
        landlord=seat(commission, Seat.LANDLORD),
        tenant=seat(commission, Seat.TENANT),
        mayor=seat(commission, Seat.MAYOR, commune=CommuneFactory()),
        advisory=seat(commission, Seat.ADVISORY),
    )
    result.items = [agenda_item(session, position=n, mark=mark) for n in range(1, items + 1)]
    if status != SessionStatus.DRAFT:
        fix_electorates(session)  # as session_open does
    return result
