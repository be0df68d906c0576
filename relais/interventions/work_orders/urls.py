from django.urls import path

from . import link_views, views

urlpatterns = [
    path("bons/", views.work_order_list, name="work_order_list"),
    path("bons/<int:pk>/", views.work_order_detail, name="work_order_detail"),
    path("bons/<int:pk>/revoquer/", views.work_order_revoke, name="work_order_revoke"),
    path("bons/<int:pk>/nouveau-lien/", views.work_order_new_link, name="work_order_new_link"),
    path("bons/<int:pk>/photos/<int:photo_pk>/", views.work_order_photo, name="work_order_photo"),
    path("demandes/<int:request_pk>/bon/", views.work_order_create, name="work_order_create"),
]

# The contractor's page: the token is the key (no account).
public_urlpatterns = [
    path("bon/<str:token>/", link_views.contractor_link, name="contractor_link"),
]
