"""Commission and session pages in the authorisation matrix.

The members' pages (my sessions, the vote, a candidate's file) open by seat, not by role, and
the actions are POST only: their access is tested in test_sessions_access.py.
"""

from relais.allocation.models import SessionStatus

from .factories_commissions import board

ABILITY = "commission.manage"

PAGES = {
    "allocation:commission_list": (ABILITY, None),
    "allocation:commission_create": (ABILITY, None),
    "allocation:commission_detail": (ABILITY, {"pk": "commission"}),
    "allocation:commission_edit": (ABILITY, {"pk": "commission"}),
    "allocation:commission_member_invite": (ABILITY, {"pk": "commission"}),
    "allocation:commission_rules": ("commission.rules", {"pk": "commission"}),
    "allocation:session_create": (ABILITY, {"commission_pk": "commission"}),
    "allocation:session_list": (ABILITY, None),
    "allocation:session_detail": (ABILITY, {"pk": "commission_session"}),
    "allocation:session_item_add": (ABILITY, {"pk": "commission_session"}),
}
NOT_PAGES = {
    "allocation:commission_member_remove",
    # Only the invited person's page (404 to anyone else): test_commission_invitations.py.
    "allocation:invitation_answer",
    "allocation:session_item_remove",
    "allocation:session_open",
    "allocation:session_close",
    "allocation:my_sessions",
    "allocation:vote",
    "allocation:vote_candidate",
    "allocation:vote_position",
    "allocation:vote_declaration",
    "allocation:vote_remark",
}


def world(organisation, mark, base) -> dict:
    prepared = board(organisation, status=SessionStatus.DRAFT, mark=mark)
    return {"commission": prepared.commission, "commission_session": prepared.session}
