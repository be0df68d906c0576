"""Supplies pages under ``/fournitures/``: stock and locations, purchase orders, the
federation's pooled orders."""

from django.urls import path

from .orders import views as orders
from .pooled import views as pooled
from .stock import views as stock

app_name = "supplies"
urlpatterns = [
    path("", stock.stock, name="stock"),
    path("consommations/", stock.rates, name="rates"),
    path("lieux/nouveau/", stock.location_create, name="location_create"),
    path("lieux/<int:pk>/", stock.location_detail, name="location_detail"),
    path("lieux/<int:pk>/modifier/", stock.location_edit, name="location_edit"),
    path("lieux/<int:pk>/mouvement/", stock.movement_create, name="movement_create"),
    path("lieux/<int:pk>/inventaire/", stock.count_create, name="count_create"),
    path("commandes/", orders.order_list, name="order_list"),
    path("commandes/nouvelle/", orders.order_create, name="order_create"),
    path("commandes/<int:pk>/", orders.order_detail, name="order_detail"),
    path("groupees/", pooled.campaign_list, name="campaign_list"),
    path("groupees/nouvelle/", pooled.campaign_create, name="campaign_create"),
    path("groupees/<int:pk>/", pooled.campaign_detail, name="campaign_detail"),
    path("groupees/<int:pk>/besoins/", pooled.campaign_needs, name="campaign_needs"),
    path("groupees/<int:pk>/commander/", pooled.campaign_order, name="campaign_order"),
    path("groupees/<int:pk>/livraison/", pooled.campaign_delivery, name="campaign_delivery"),
    path("parts/<int:pk>/reception/", pooled.share_receive, name="share_receive"),
]
