"""Core's home-page cards (crisis mode and notice, audit alerts, agencies) and quick links.

Registered from ``CoreConfig.ready()``; see ``relais.core.home`` for the registry.
"""

import datetime as dt

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import home
from .crisis import with_shown_status
from .models import AgencyStatus, AuditEvent, CrisisMode, CrisisNotice, OutboxStatus
from .outbox import selectors as outbox_selectors
from .roles import ABILITY_ROLES, STAFF_ROLES, Role
from .selectors import agencies
from .templatetags.relais import person

# Audit alerts: the actions a director must be able to account for — personal data leaving
# Relais (exports), data written in bulk (imports), who has access (memberships, API keys),
# the security settings (two-factor requirement), and the rules that decide allocations
# (income ceilings, scoring grids). ``audit_verify`` does not record its findings in the
# database, so the alerts are these recent actions, not chain problems.
ALERT_ACTIONS = {
    "housing.exported": gettext_lazy("Housing data exported"),
    "application.exported": gettext_lazy("Applications exported"),
    "housing.imported": gettext_lazy("Housing data imported"),
    "application.imported": gettext_lazy("Applications imported"),
    "membership.granted": gettext_lazy("Access granted"),
    "membership.changed": gettext_lazy("Role changed"),
    "api_key.created": gettext_lazy("API key created"),
    "organisation.settings_changed": gettext_lazy("Security settings changed"),
    "income_ceiling.changed": gettext_lazy("Income ceiling changed"),
    "income_ceiling.deleted": gettext_lazy("Income ceiling deleted"),
    "scoring_grid.created": gettext_lazy("Scoring grid created"),
    "scoring_grid.deleted": gettext_lazy("Scoring grid deleted"),
}
ALERT_DAYS = 7


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def crisis_card(ctx: home.HomeContext) -> home.Card:
    """The mode, the reception switch and the public notice (2 queries: state is given)."""
    state = ctx.crisis_state
    notice = CrisisNotice.objects.for_organisation(ctx.organisation).first()
    rows = []
    if state.reception_closed:
        rows.append(home.CardRow(_("Public reception closed"), tone="warning"))
    # Editors open the notice; other staff print it for the building halls.
    editable = ctx.abilities.get("crisis.notice_edit")
    if notice is not None:
        rows.append(
            home.CardRow(
                _("Public notice") if editable else _("Print the public notice (A4 PDF)"),
                _("updated on %(date)s") % {"date": _when(notice.updated_at)},
                url=reverse("core:crisis_notice" if editable else "core:crisis_notice_pdf"),
            )
        )
    elif state.mode == CrisisMode.CRISIS:
        rows.append(home.CardRow(_("No public notice yet"), tone="warning"))
    return home.Card(
        key="core.crisis",
        title=_("Crisis mode and public notice"),
        count=None,
        text=state.get_mode_display(),
        empty=_("No public notice yet: write it before a crisis, so it is ready to show.")
        if editable
        else _(
            "No public notice yet: once a director or manager writes it, you can print it "
            "from here."
        ),
        url=reverse("core:crisis"),
        link_label=_("See what each switch changes"),
        rows=rows,
    )


def audit_alerts_card(ctx: home.HomeContext) -> home.Card:
    """Sensitive actions of the last ``ALERT_DAYS`` days (2 queries)."""
    since = ctx.now - dt.timedelta(days=ALERT_DAYS)
    events = AuditEvent.objects.filter(
        organisation=ctx.organisation, action__in=list(ALERT_ACTIONS), created_at__gte=since
    )
    latest = events.select_related("actor").order_by("-created_at", "-id")[: home.ROWS]
    rows = [
        home.CardRow(
            str(ALERT_ACTIONS[event.action]),
            _("%(when)s by %(who)s")
            % {"when": _when(event.created_at), "who": person(event.actor)},
        )
        for event in latest
    ]
    return home.Card(
        key="core.audit_alerts",
        title=_("Audit alerts (last 7 days)"),
        count=events.count(),
        empty=_(
            "Exports, imports, access granted, API keys and changes to security settings or "
            "allocation rules will appear here."
        ),
        url=reverse("core:audit_log"),
        link_label=_("Open the audit trail"),
        rows=rows,
    )


def agencies_card(ctx: home.HomeContext) -> home.Card:
    """Every agency with the status the public sees now (1 query)."""
    rows = with_shown_status(agencies(ctx.organisation), ctx.crisis_state)
    hidden = max(len(rows) - home.ROWS, 0)
    open_count = sum(1 for a in rows if a.current_status != AgencyStatus.CLOSED)
    return home.Card(
        key="core.agencies",
        title=_("Agencies open to the public"),
        count=open_count,
        empty=_("The organisation's agencies and what the public sees of them will appear here."),
        url=reverse("core:agency_list"),
        link_label=_("Agencies and their public status"),
        rows=[home.CardRow(a.name, a.current_status_label) for a in rows[: home.ROWS]],
        hidden=hidden,
    )


def failed_messages_card(ctx: home.HomeContext) -> home.Card | None:
    """Messages to tenants that failed after every attempt, to send again or replace by a call
    (2 queries). Shown only while there are some: an alert, not a standing queue."""
    failed = outbox_selectors.messages(ctx.organisation).filter(status=OutboxStatus.FAILED)
    count = failed.count()
    if not count:
        return None
    newest = failed.order_by("-created_at", "-id")[: home.ROWS]
    shown = bool(ctx.abilities.get("outbox.view_recipients"))
    latest = outbox_selectors.rows(newest, show_recipients=shown)
    return home.Card(
        key="core.failed_messages",
        title=_("Messages to tenants that failed"),
        count=count,
        empty="",
        url=reverse("core:outbox_list") + "?status=failed",
        link_label=_("See the failed messages"),
        rows=[home.CardRow(row.purpose, row.recipient, tone="danger") for row in latest],
    )


def register() -> None:
    home.register_card("core.crisis", roles=STAFF_ROLES, order=10, build=crisis_card)
    home.register_card(
        "core.audit_alerts", roles={Role.DIRECTOR}, order=90, build=audit_alerts_card
    )
    home.register_card("core.agencies", roles=STAFF_ROLES, order=95, build=agencies_card)
    home.register_card(
        "core.failed_messages",
        roles=ABILITY_ROLES["outbox.retry"],
        order=20,
        build=failed_messages_card,
    )
    home.register_link(
        "housing:dwelling_list", gettext_lazy("Find a dwelling"), ability="housing.view", order=10
    )
    home.register_link(
        "housing:residence_list", gettext_lazy("Residences"), ability="housing.view", order=11
    )
    home.register_link(
        "housing:household_list",
        gettext_lazy("Find a household"),
        ability="household.view",
        order=12,
    )
    home.register_link(
        "core:agency_list", gettext_lazy("Agencies"), ability="housing.view", order=60
    )
    home.register_link("core:crisis", gettext_lazy("Crisis mode"), ability=None, order=61)
    home.register_link(
        "core:outbox_list", gettext_lazy("Messages sent"), ability="outbox.view", order=62
    )
    home.register_link(
        "core:organisation_settings",
        gettext_lazy("Organisation settings"),
        ability="organisation.manage",
        order=80,
    )
    home.register_link(
        "core:profile", gettext_lazy("My profile and API keys"), ability=None, order=90
    )
