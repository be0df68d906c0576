from django.urls import path

from . import views
from .audit_trail import views as audit_trail
from .outbox import urls as outbox_urls

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/changer/", views.organisation_switch, name="organisation_switch"),
    path("organisation/parametres/", views.organisation_settings, name="organisation_settings"),
    path("crise/", views.crisis, name="crisis"),
    path("crise/avis/", views.crisis_notice, name="crisis_notice"),
    path("crise/avis/affiche.pdf", views.crisis_notice_pdf, name="crisis_notice_pdf"),
    path("agences/", views.agency_list, name="agency_list"),
    path("agences/<int:pk>/statut/", views.agency_edit, name="agency_edit"),
    path("agences/<int:pk>/fermeture/", views.agency_closure, name="agency_closure"),
    path("journal/", audit_trail.audit_log, name="audit_log"),
    path("journal/export.csv", audit_trail.audit_export, name="audit_export"),
    path("profil/", views.profile, name="profile"),
    path("profil/cles/<int:pk>/revoquer/", views.api_key_revoke, name="api_key_revoke"),
    path("o/<slug:slug>/agences/", views.public_agencies, name="public_agencies"),
    *outbox_urls.urlpatterns,
]
