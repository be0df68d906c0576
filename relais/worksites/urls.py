from django.urls import path

from . import gate, views

app_name = "worksites"

urlpatterns = [
    path("chantiers/", views.site_list, name="site_list"),
    path("chantiers/nouveau/", views.site_create, name="site_create"),
    path("chantiers/protocole/", views.protocol, name="protocol"),
    path("chantiers/region/", views.regional, name="regional"),
    path("chantiers/<int:pk>/", views.site_detail, name="site_detail"),
    path("chantiers/<int:pk>/modifier/", views.site_edit, name="site_edit"),
    path("chantiers/<int:pk>/entreprises/ajouter/", views.company_add, name="company_add"),
    path("chantiers/entreprises/<int:pk>/", views.company_edit, name="company_edit"),
    path("chantiers/mesures/<int:pk>/", views.measure_answer, name="measure_answer"),
    path("chantiers/mesures/<int:pk>/rouvrir/", views.measure_reopen, name="measure_reopen"),
    path("chantiers/mesures/<int:pk>/preuve/", views.evidence_download, name="evidence"),
    path("chantiers/<int:pk>/arret/", views.site_stop, name="site_stop"),
    path("chantiers/<int:pk>/demarrage/", views.site_start, name="site_start"),
    path("chantiers/<int:pk>/fin/", views.site_complete, name="site_complete"),
    path("chantiers/<int:pk>/preparer-reprise/", views.restart_prepare, name="restart_prepare"),
    path("chantiers/<int:pk>/reprise/", views.restart_sign, name="restart_sign"),
    path("chantiers/<int:pk>/acces/", views.access_log, name="access_log"),
    path("chantiers/<int:pk>/lien-portail/", views.gate_link_create, name="gate_link_create"),
    path("chantiers/portail/<int:pk>/", views.gate_poster, name="gate_poster"),
    path("chantiers/portail/<int:pk>/fermer/", views.gate_link_revoke, name="gate_link_revoke"),
    path("chantier/acces/<str:token>/", gate.gate, name="gate"),
    path("chantier/acces/<str:token>/<uuid:key>/", gate.gate_done, name="gate_done"),
]
