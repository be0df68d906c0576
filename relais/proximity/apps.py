from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProximityConfig(AppConfig):
    name = "relais.proximity"
    label = "proximity"
    verbose_name = _("Caretakers' rounds")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import ProximityDemo

        registry.register(ProximityDemo())
        contributions.register()
