from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksitesConfig(AppConfig):
    name = "relais.worksites"
    label = "worksites"
    verbose_name = _("Work sites")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import WorksitesDemo

        registry.register(WorksitesDemo())
        contributions.register()
