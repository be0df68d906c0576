"""Audit actions of the federation's indicators: submissions, reminders and exports."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action

action(
    "federation.figures_submitted",
    _("Weekly figures submitted to the federation"),
    week=_("week"),
    origin=_("sent by"),
    figures=_("figures"),
)
action(
    "federation.reminder_sent",
    _("Federation reminder for missing figures"),
    week=_("week"),
    recipients=_("recipients"),
)
action(
    "federation.exported",
    _("Federation indicators exported"),
    week=_("week"),
    format=_("format"),
)
