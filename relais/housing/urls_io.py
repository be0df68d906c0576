"""Import and export routes, included in the ``housing`` namespace under /patrimoine/."""

from django.urls import path, re_path

from . import views_io
from .io.formats import FILE_TYPES, KINDS

KIND = "|".join(KINDS)
FILE_TYPE = "|".join(FILE_TYPES)

urlpatterns = [
    path("import/", views_io.import_view, name="import"),
    path("import/suivi/<int:pk>/", views_io.import_job, name="import_job"),
    re_path(
        rf"^import/modele-(?P<kind>{KIND})\.(?P<file_type>{FILE_TYPE})$",
        views_io.import_template,
        name="import_template",
    ),
    re_path(
        rf"^export/(?P<kind>{KIND})\.(?P<file_type>{FILE_TYPE})$",
        views_io.export_view,
        name="export",
    ),
]
