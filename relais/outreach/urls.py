from django.urls import path

from . import partner_views, views

app_name = "outreach"

urlpatterns = [
    path("suivi/registre/", views.register, name="register"),
    path("suivi/registre/candidats/", views.candidates, name="candidates"),
    path("suivi/registre/inscrire/<int:occupant_pk>/", views.entry_create, name="entry_create"),
    path("suivi/registre/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("suivi/registre/<int:pk>/sortie/", views.entry_leave, name="entry_leave"),
    path("suivi/campagnes/", views.campaign_list, name="campaign_list"),
    path("suivi/campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("suivi/campagnes/<int:pk>/modifier/", views.campaign_edit, name="campaign_edit"),
    path("suivi/campagnes/<int:pk>/demarrer/", views.campaign_start, name="campaign_start"),
    path("suivi/campagnes/<int:pk>/clore/", views.campaign_close, name="campaign_close"),
    path("suivi/permanences/", views.rota, name="rota"),
    path("suivi/appels/", views.today, name="today"),
    path("suivi/appels/<int:pk>/", views.call, name="call"),
    path("suivi/appels/<int:pk>/visite/", views.visit_ask, name="visit_ask"),
    path("suivi/besoins/", views.needs, name="needs"),
    path("suivi/besoins/<int:pk>/clore/", views.need_close, name="need_close"),
    path("suivi/visites/", views.visits, name="visits"),
    path("suivi/visites/<int:pk>/", views.visit, name="visit"),
    path("suivi/signalements/", views.referrals, name="referrals"),
    path("suivi/signalements/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("suivi/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("suivi/partenaires/", views.partner_list, name="partner_list"),
    path("suivi/partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("suivi/partenaires/<int:pk>/", views.partner_detail, name="partner_detail"),
    # The partners' own pages.
    path("partenaire/signalements/", partner_views.partner_home, name="partner_home"),
    path(
        "partenaire/signalements/<int:pk>/",
        partner_views.partner_referral,
        name="partner_referral",
    ),
    path("partenaire/lien/<str:token>/", partner_views.partner_link, name="partner_link"),
]
