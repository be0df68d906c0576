"""Routes of the allocation vacancies pages (included in the ``allocation`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("vacances/", views.vacancy_list, name="vacancy_list"),
    path("vacances/nouvelle/", views.vacancy_create_view, name="vacancy_create"),
    path("vacances/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacances/<int:pk>/modifier/", views.vacancy_edit, name="vacancy_edit"),
    path("vacances/<int:pk>/statut/", views.vacancy_transition_view, name="vacancy_transition"),
    path("vacances/<int:pk>/candidats/", views.vacancy_candidates, name="vacancy_candidates"),
    path("vacances/<int:pk>/bail/", views.vacancy_lease_sign, name="vacancy_lease_sign"),
    path("equite/", views.fairness_view, name="fairness"),
]
