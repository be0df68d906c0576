from django.urls import include, path

from . import views

app_name = "housing"
urlpatterns = [
    path("residences/", views.residence_list, name="residence_list"),
    path("residences/nouvelle/", views.residence_edit, name="residence_create"),
    path("residences/<int:pk>/", views.residence_detail, name="residence_detail"),
    path("residences/<int:pk>/modifier/", views.residence_edit, name="residence_edit"),
    path(
        "residences/<int:residence_pk>/batiments/nouveau/",
        views.building_edit,
        name="building_create",
    ),
    path("batiments/", views.building_list, name="building_list"),
    path("batiments/<int:pk>/", views.building_detail, name="building_detail"),
    path("batiments/<int:pk>/modifier/", views.building_edit, name="building_edit"),
    path(
        "batiments/<int:building_pk>/logements/nouveau/",
        views.dwelling_edit,
        name="dwelling_create",
    ),
    path("logements/", views.dwelling_list, name="dwelling_list"),
    path("logements/<int:pk>/", views.dwelling_detail, name="dwelling_detail"),
    path("logements/<int:pk>/modifier/", views.dwelling_edit, name="dwelling_edit"),
    path("logements/<int:dwelling_pk>/bail/", views.lease_start, name="lease_start"),
    path("baux/<int:pk>/fin/", views.lease_end, name="lease_end"),
    path("menages/", views.household_list, name="household_list"),
    path("menages/nouveau/", views.household_edit, name="household_create"),
    path("menages/<int:pk>/", views.household_detail, name="household_detail"),
    path("menages/<int:pk>/modifier/", views.household_edit, name="household_edit"),
    path(
        "menages/<int:household_pk>/occupants/nouveau/",
        views.occupant_edit,
        name="occupant_create",
    ),
    path("occupants/<int:pk>/modifier/", views.occupant_edit, name="occupant_edit"),
    path("communes/", views.commune_options, name="commune_options"),
    path("", include("relais.housing.urls_io")),
]
