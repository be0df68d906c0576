from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "relais.core"
    label = "core"
    verbose_name = _("Core")


class RelaisAdminConfig(admin_apps.AdminConfig):
    """The admin, reachable only through the normal login and its second factor."""

    default = False  # named in INSTALLED_APPS; CoreConfig stays this module's default
    default_site = "relais.core.admin_site.RelaisAdminSite"
