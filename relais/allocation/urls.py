from django.urls import include, path

app_name = "allocation"
urlpatterns = [
    path("", include("relais.allocation.applications.urls")),
    path("", include("relais.allocation.eligibility.urls")),
    path("", include("relais.allocation.vacancies.urls")),
    path("", include("relais.allocation.commissions.urls")),
    path("", include("relais.allocation.letters.urls")),
    path("", include("relais.allocation.scoring.urls")),
    path("", include("relais.allocation.reservations.urls")),
]
