from django.urls import path

from . import views

urlpatterns = [path("tableau-de-bord/", views.dashboard, name="dashboard")]
