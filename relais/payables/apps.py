from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayablesConfig(AppConfig):
    name = "relais.payables"
    label = "payables"
    verbose_name = _("Supplier invoices")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions, figures
        from .demo_extension import PayablesDemo

        registry.register(PayablesDemo())
        contributions.register()
        figures.register()
