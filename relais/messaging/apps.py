from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "relais.messaging"
    label = "messaging"
    verbose_name = _("Broadcasts to tenants")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions, segments
        from .demo_extension import MessagingDemo

        segments.register_builtin_segments()
        contributions.register()
        registry.register(MessagingDemo())
