from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "relais.housing"
    label = "housing"
    verbose_name = _("Housing stock")

    def ready(self):
        from functools import partial

        from django.utils.translation import gettext_lazy as _

        from relais.core import navigation

        navigation.register_item(
            "stock", _("Dwellings"), "housing:dwelling_list", ability="housing.view", order=10
        )
        navigation.register_item(
            "stock", _("Residences"), "housing:residence_list", ability="housing.view", order=20
        )
        navigation.register_item(
            "stock", _("Households"), "housing:household_list", ability="household.view", order=30
        )

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
