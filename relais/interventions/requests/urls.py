from django.urls import path

from . import views

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("appel/", views.call_log, name="call_log"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/tri/", views.request_triage, name="request_triage"),
    path("demandes/<int:pk>/cloture/", views.request_close, name="request_close"),
    path("demandes/<int:pk>/rappel/", views.request_called_back, name="request_called_back"),
    path("demandes/<int:pk>/photos/<int:photo_pk>/", views.request_photo, name="request_photo"),
]

# Public pages, no account: under the organisation's public address (``/o/<slug>/``).
public_urlpatterns = [
    path("", views.public_request, name="public_request"),
    path("suivi/<str:token>/", views.public_status, name="public_status"),
]
