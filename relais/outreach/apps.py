from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "relais.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions, figures
        from .demo_extension import OutreachDemo

        registry.register(OutreachDemo())
        contributions.register()
        figures.register()
