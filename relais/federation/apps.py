from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "relais.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from .indicators import catalogue, contributions
        from .indicators.demo_extension import FederationDemo
        from .library import contributions as library_contributions
        from .library.demo_extension import LibraryDemo

        catalogue.register_all()
        contributions.register()
        library_contributions.register()
        registry.register(FederationDemo())
        registry.register(LibraryDemo())
