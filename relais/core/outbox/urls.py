"""Routes of the outbox pages, in the ``core`` namespace (included by ``core.urls``)."""

from django.urls import path

from . import public_views, views

urlpatterns = [
    path("messages/", views.outbox_list, name="outbox_list"),
    path("messages/<int:pk>/renvoyer/", views.outbox_retry, name="outbox_retry"),
    path(
        "messages/desinscription/<str:token>/",
        public_views.unsubscribe,
        name="outbox_unsubscribe",
    ),
    path("messages/sms/statut/", public_views.twilio_status, name="outbox_twilio_status"),
    path("messages/rebonds/<str:token>/", public_views.bounce_webhook, name="outbox_bounces"),
]
