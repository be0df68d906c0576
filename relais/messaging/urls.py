from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("diffusions/", views.broadcast_list, name="broadcast_list"),
    path("diffusions/nouvelle/", views.broadcast_create, name="broadcast_create"),
    path("diffusions/<int:pk>/", views.broadcast_detail, name="broadcast_detail"),
    path("diffusions/<int:pk>/modifier/", views.broadcast_edit, name="broadcast_edit"),
    path("diffusions/<int:pk>/envoyer/", views.broadcast_send, name="broadcast_send"),
    path("diffusions/<int:pk>/approuver/", views.broadcast_approve, name="broadcast_approve"),
    path("diffusions/<int:pk>/annuler/", views.broadcast_cancel, name="broadcast_cancel"),
    path("diffusions/<int:pk>/courriers.pdf", views.broadcast_letters, name="broadcast_letters"),
    path(
        "diffusions/<int:pk>/destinataires/",
        views.broadcast_recipients,
        name="broadcast_recipients",
    ),
    path("o/<slug:slug>/messages/", views.public_messages, name="public_messages"),
    path("o/<slug:slug>/messages/affiche.pdf", views.public_poster, name="public_poster"),
]
