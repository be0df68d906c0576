from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "relais.supplies"
    label = "supplies"
    verbose_name = _("Protective equipment")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import SuppliesDemo

        registry.register(SuppliesDemo())
        contributions.register()
