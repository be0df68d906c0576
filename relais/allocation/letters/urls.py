"""Routes of the allocation letters pages (included in the ``allocation`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("seances/<int:session_pk>/courriers/", views.letter_list, name="letter_list"),
    path("seances/<int:session_pk>/courriers/rediger/", views.letters_draft, name="letters_draft"),
    path("seances/<int:session_pk>/courriers/envoyer/", views.letters_send, name="letters_send"),
    path("courriers/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("courriers/<int:pk>/pdf/", views.letter_download, name="letter_download"),
    path("courriers/<int:pk>/relecture/", views.letter_review, name="letter_review"),
    path("courriers/<int:pk>/envoi/", views.letter_send, name="letter_send"),
    path("courriers/motifs/", views.letter_reasons, name="letter_reasons"),
    path("courriers/motifs/<int:pk>/", views.letter_reason_edit, name="letter_reason_edit"),
    path("courriers/<int:pk>/reponse/", views.letter_answer, name="letter_answer"),
    path("courriers/<int:pk>/reception/", views.letter_receipt, name="letter_receipt"),
    path("courriers/<int:pk>/piece-recue/", views.condition_document, name="condition_document"),
    path("seances/<int:session_pk>/proces-verbal/", views.session_minutes, name="session_minutes"),
    path(
        "seances/<int:session_pk>/proces-verbal/pdf/",
        views.minutes_download,
        name="minutes_download",
    ),
    path(
        "seances/<int:session_pk>/proces-verbal/etablir/",
        views.minutes_generate,
        name="minutes_generate",
    ),
    path(
        "seances/<int:session_pk>/proces-verbal/prise-d-acte/",
        views.minutes_acknowledge,
        name="minutes_acknowledge",
    ),
]
