"""Continuity pages under ``/continuite/``."""

from django.urls import path

from . import views

app_name = "continuity"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ma-journee/", views.declare, name="declare"),
    path("equipe/", views.team, name="team"),
    path("equipe/<int:pk>/", views.team_declare, name="team_declare"),
    path("personnel/", views.staff_list, name="staff_list"),
    path("personnel/nouveau/", views.staff_create, name="staff_create"),
    path("personnel/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("plan/", views.plan, name="plan"),
    path("plan/adopter/", views.plan_adopt, name="plan_adopt"),
    path("plan/activite/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("couverture/", views.coverage, name="coverage"),
    path("decisions/", views.decision_log, name="decision_log"),
    path("decisions/pdf/", views.decision_log_pdf, name="decision_log_pdf"),
    path("points/", views.report_list, name="report_list"),
    path("points/nouveau/", views.report_build, name="report_build"),
    path("points/<int:pk>/", views.report_detail, name="report_detail"),
    path("points/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
