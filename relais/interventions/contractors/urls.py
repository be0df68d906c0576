from django.urls import path

from . import views

urlpatterns = [
    path("prestataires/", views.contractor_list, name="contractor_list"),
    path("prestataires/nouveau/", views.contractor_create, name="contractor_create"),
    path("prestataires/<int:pk>/", views.contractor_edit, name="contractor_edit"),
    path("prestataires/<int:pk>/statut/", views.contractor_status, name="contractor_status"),
]
