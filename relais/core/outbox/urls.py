"""Routes of the outbox pages, in the ``core`` namespace (included by ``core.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.outbox_list, name="outbox_list"),
    path("messages/<int:pk>/renvoyer/", views.outbox_retry, name="outbox_retry"),
]
