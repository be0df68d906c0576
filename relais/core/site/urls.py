from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
]
