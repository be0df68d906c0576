"""Routes of the library (included in the ``federation`` namespace under ``modeles/``)."""

from django.urls import path

from . import scoring_grid, views

urlpatterns = [
    path("modeles/", views.library_list, name="library_list"),
    path("modeles/nouveau/<str:kind>/", views.library_create, name="library_create"),
    path("modeles/<int:pk>/", views.library_detail, name="library_detail"),
    path("modeles/<int:pk>/nouvelle-version/", views.library_version, name="library_version"),
    path("modeles/<int:pk>/adopter/", views.library_adopt, name="library_adopt"),
    path(
        "modeles/<int:pk>/comparer/<int:adoption>/",
        views.library_compare,
        name="library_compare",
    ),
    path("grilles/<int:pk>/", scoring_grid.grid_copy_edit, name="grid_copy_edit"),
    path("modeles/<int:pk>/garder/<int:adoption>/", views.library_keep, name="library_keep"),
]
