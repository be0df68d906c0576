from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "relais.interventions"
    label = "interventions"
    verbose_name = _("Interventions")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import InterventionsDemo
        from .work_orders import contributions as work_order_contributions

        registry.register(InterventionsDemo())

        contributions.register()
        work_order_contributions.register()
