"""Staff pages under ``/tournees/``; the public building page under the organisation's public
address ``/o/<slug>/immeuble/<token>/`` (reached by the notice's QR code)."""

from django.urls import path

from . import views

app_name = "proximity"
urlpatterns = [
    path("tournees/", views.today, name="today"),
    path("tournees/etape/<int:pk>/fait/", views.step_tick, name="step_tick"),
    path("tournees/etape/<int:pk>/remarque/", views.step_remark, name="step_remark"),
    path("tournees/immeuble/<int:pk>/", views.building, name="building"),
    path("tournees/immeuble/<int:pk>/nouvelle/", views.round_create, name="round_create"),
    path("tournees/immeuble/<int:pk>/gardien/", views.caretaker_set, name="caretaker_set"),
    path("tournees/ronde/<int:pk>/", views.round_edit, name="round_edit"),
    path("tournees/collectes/", views.collection_list, name="collection_list"),
    path("tournees/collectes/<int:pk>/", views.collection_edit, name="collection_edit"),
    path(
        "tournees/collectes/<int:pk>/supprimer/",
        views.collection_delete,
        name="collection_delete",
    ),
    path("tournees/immeuble/<int:pk>/affiche.pdf", views.notice_pdf, name="notice_pdf"),
    path("tournees/remplacements/", views.replacement_list, name="replacement_list"),
    path("tournees/suivi/", views.supervision, name="supervision"),
    path("tournees/remarque/<int:pk>/traitee/", views.remark_handled, name="remark_handled"),
    path("tournees/remarque/<int:pk>/photo/", views.remark_photo, name="remark_photo"),
    path("tournees/couverture/", views.coverage, name="coverage"),
    path("tournees/couverture.csv", views.coverage_csv, name="coverage_csv"),
    path("o/<slug:slug>/immeuble/<str:token>/", views.public_building, name="public_building"),
]
