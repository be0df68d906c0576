from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "relais.federation"
    label = "federation"
    verbose_name = _("Federation")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from .library import contributions as library_contributions
        from .library.demo_extension import LibraryDemo

        registry.register(LibraryDemo())
        library_contributions.register()
