from django.urls import path

from . import views

urlpatterns = [
    path("astreinte/", views.shift_list, name="on_call_list"),
    path("astreinte/nouvelle/", views.shift_create, name="on_call_create"),
    path("astreinte/<int:pk>/", views.shift_edit, name="on_call_edit"),
    path("astreinte/<int:pk>/supprimer/", views.shift_delete, name="on_call_delete"),
]

# Opened from the alert's SMS: the signed token is the key (no account).
public_urlpatterns = [
    path("astreinte/alerte/<str:token>/", views.alert_ack, name="on_call_ack"),
]
