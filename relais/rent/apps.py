from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentConfig(AppConfig):
    name = "relais.rent"
    label = "rent"
    verbose_name = _("Rent")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import RentDemo

        registry.register(RentDemo())
        contributions.register()
