from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "relais.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app describes its audit actions in ``audit_actions.py`` (see audit_trail).
        autodiscover_modules("audit_actions")
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            crisis,
            home_cards,
            navigation,
        )
        from .site import checks as site_checks  # noqa: F401  (registers the deploy checks)

        crisis.register_core_effects()
        home_cards.register()
        navigation.register_core_items()


class RelaisAdminConfig(admin_apps.AdminConfig):
    """The admin, reachable only through the normal login and its second factor."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "relais.core.admin_site.RelaisAdminSite"
