"""Routes of the allocation commissions pages (included in the ``allocation`` namespace)."""

from django.urls import path

from .views import commissions, sessions

urlpatterns = [
    path("commissions/", commissions.commission_list, name="commission_list"),
    path("commissions/nouvelle/", commissions.commission_edit, name="commission_create"),
    path("commissions/<int:pk>/", commissions.commission_detail, name="commission_detail"),
    path("commissions/<int:pk>/modifier/", commissions.commission_edit, name="commission_edit"),
    path("commissions/<int:pk>/reglement/", commissions.commission_rules, name="commission_rules"),
    path(
        "commissions/<int:pk>/membres/inviter/",
        commissions.commission_member_invite,
        name="commission_member_invite",
    ),
    path("invitations/<int:pk>/", commissions.invitation_answer, name="invitation_answer"),
    path(
        "commissions/membres/<int:pk>/retirer/",
        commissions.commission_member_remove,
        name="commission_member_remove",
    ),
    path(
        "commissions/<int:commission_pk>/seances/nouvelle/",
        sessions.session_create,
        name="session_create",
    ),
    path("seances/", sessions.session_list, name="session_list"),
    path("seances/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("seances/<int:pk>/ordre-du-jour/", sessions.session_item_add, name="session_item_add"),
    path(
        "seances/points/<int:pk>/retirer/", sessions.session_item_remove, name="session_item_remove"
    ),
    path("seances/<int:pk>/ouvrir/", sessions.session_open, name="session_open"),
    path("seances/<int:pk>/clore/", sessions.session_close, name="session_close"),
    # Members of the commission, by their seat.
    path("mes-seances/", sessions.my_sessions, name="my_sessions"),
    path("mes-seances/<int:pk>/", sessions.vote, name="vote"),
    path(
        "mes-seances/<int:pk>/candidats/<int:candidate_pk>/",
        sessions.vote_candidate,
        name="vote_candidate",
    ),
    path(
        "mes-seances/<int:pk>/candidats/<int:candidate_pk>/position/",
        sessions.vote_position,
        name="vote_position",
    ),
    path(
        "mes-seances/<int:pk>/points/<int:item_pk>/declaration/",
        sessions.vote_declaration,
        name="vote_declaration",
    ),
    path(
        "mes-seances/<int:pk>/points/<int:item_pk>/remarques/",
        sessions.vote_remark,
        name="vote_remark",
    ),
]
