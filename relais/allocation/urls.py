from django.urls import include, path

app_name = "allocation"
urlpatterns = [
    path("", include("relais.allocation.urls_applications")),
    path("", include("relais.allocation.urls_eligibility")),
    path("", include("relais.allocation.urls_vacancies")),
    path("", include("relais.allocation.urls_commissions")),
    path("", include("relais.allocation.urls_letters")),
]
