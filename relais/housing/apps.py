from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "relais.housing"
    label = "housing"
    verbose_name = _("Housing stock")

    def ready(self):
        from functools import partial

        from .io import jobs
        from .io.formats import KINDS
        from .io.importers import housing_import

        for kind in KINDS:
            jobs.register(
                kind,
                partial(housing_import, kind=kind),
                ability="housing.import",
                url_name="housing:import",
            )
