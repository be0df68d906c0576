from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "relais.allocation"
    label = "allocation"
    verbose_name = _("Allocation")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import AllocationDemo

        registry.register(AllocationDemo())
        contributions.register()
