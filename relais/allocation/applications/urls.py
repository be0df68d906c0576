"""Routes of the allocation applications pages (included in the ``allocation`` namespace)."""

from django.urls import path, re_path

from . import views

FILE_TYPE = "csv|xlsx"

urlpatterns = [
    path("demandes/", views.application_list, name="application_list"),
    path("demandes/nouvelle/", views.application_edit, name="application_create"),
    path("demandes/<int:pk>/", views.application_detail, name="application_detail"),
    path("demandes/<int:pk>/modifier/", views.application_edit, name="application_edit"),
    path("demandes/<int:pk>/renouveler/", views.application_renew_view, name="application_renew"),
    path("demandes/relances/", views.reminder_list, name="reminder_list"),
    path("demandes/relances/<int:pk>/envoyee/", views.reminder_sent, name="reminder_sent"),
    path("demandes/import/", views.application_import, name="application_import"),
    re_path(
        rf"^demandes/import/modele-demandes\.(?P<file_type>{FILE_TYPE})$",
        views.application_import_template,
        name="application_import_template",
    ),
    re_path(
        rf"^demandes/export\.(?P<file_type>{FILE_TYPE})$",
        views.application_export,
        name="application_export",
    ),
    path("cotation/", views.scoring_grid_list, name="scoring_grid_list"),
    path("cotation/<int:pk>/", views.scoring_grid_detail, name="scoring_grid_detail"),
]
