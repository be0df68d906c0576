from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContinuityConfig(AppConfig):
    name = "relais.continuity"
    label = "continuity"
    verbose_name = _("Business continuity")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions, figures
        from .demo_extension import ContinuityDemo

        registry.register(ContinuityDemo())
        contributions.register()
        figures.register()
