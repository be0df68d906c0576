from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "relais.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from .indicators import catalogue, contributions

        catalogue.register_all()
        contributions.register()

        from relais.housing.demo.extensions import registry

        from .indicators.demo_extension import FederationDemo

        registry.register(FederationDemo())
