from django.urls import path

from . import holder_views, views

urlpatterns = [
    path("reservations/conventions/", views.agreement_list, name="agreement_list"),
    path("reservations/conventions/nouvelle/", views.agreement_create, name="agreement_create"),
    path("reservations/conventions/<int:pk>/", views.agreement_edit, name="agreement_edit"),
    path("reservations/logements/", views.assignment_list, name="assignment_list"),
    path("reservations/logements/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path(
        "reservations/logements/<int:pk>/flux/",
        views.assignment_override,
        name="assignment_override",
    ),
    path(
        "reservations/logements/<int:pk>/lien/",
        views.assignment_link_send,
        name="assignment_link_send",
    ),
    path(
        "reservations/logements/<int:pk>/lien/revoquer/",
        views.assignment_link_revoke,
        name="assignment_link_revoke",
    ),
    path(
        "reservations/logements/<int:pk>/reprise/",
        views.assignment_release,
        name="assignment_release",
    ),
    path(
        "reservations/logements/<int:pk>/ordre-du-jour/",
        views.assignment_agenda,
        name="assignment_agenda",
    ),
    path("reservations/bilan/", views.balance, name="reservation_balance"),
    path("reservations/bilan.csv", views.balance_csv, name="reservation_balance_csv"),
    path("reservations/dalo/", views.dalo_overdue, name="dalo_overdue"),
    # The holder's pages (role reservation_holder).
    path("reservataire/", holder_views.holder_assignment_list, name="holder_assignment_list"),
    path(
        "reservataire/<int:pk>/",
        holder_views.holder_assignment_detail,
        name="holder_assignment_detail",
    ),
    # A holder without an account: the link is the key.
    path("designation/<str:token>/", holder_views.reservation_link, name="reservation_link"),
]
