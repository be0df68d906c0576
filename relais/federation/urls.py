"""Federation pages under ``/federation/``."""

from django.urls import include, path

from .dashboard import views as dashboard
from .opendata import views as opendata

app_name = "federation"
urlpatterns = [
    # Templates members adopt (issue 18 §4)
    path("", include("relais.federation.library.urls")),
    # Indicators (issue 18 §1–3)
    path("indicateurs/", dashboard.dashboard, name="dashboard"),
    path("completude/", dashboard.completeness, name="completeness"),
    path("completude/<int:pk>/relance/", dashboard.remind, name="remind"),
    path("mes-indicateurs/", dashboard.my_figures, name="my_figures"),
    path("mes-indicateurs/saisie/", dashboard.submit_figures, name="submit_figures"),
    path("mes-indicateurs/csv/", dashboard.submit_csv, name="submit_csv"),
    path("donnees/datapackage.json", opendata.datapackage, name="datapackage"),
    path("donnees/<str:week>-region.csv", opendata.export_regional_csv, name="export_regional_csv"),
    path("donnees/<str:week>.csv", opendata.export_csv, name="export_csv"),
    path("donnees/<str:week>.json", opendata.export_json, name="export_json"),
    path("bulletin/<str:week>.pdf", opendata.bulletin, name="bulletin"),
]
