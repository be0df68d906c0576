"""Routes of the scoring pages (included in the ``allocation`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "demandes/<int:pk>/cotation/",
        views.application_standing,
        name="application_standing",
    ),
]
