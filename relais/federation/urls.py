"""Federation pages under ``/federation/``."""

app_name = "federation"
urlpatterns = []
