"""Administration of core data; every change made here is written to the audit chain."""

from django.contrib import admin

from .admin_audit import AuditedModelAdmin, audit_admin_site
from .models import (
    Agency,
    AuditEvent,
    CrisisModeChange,
    Federation,
    Membership,
    Organisation,
    OutboxMessage,
)

# Users, groups, e-mail addresses, authenticators and tasks are registered by their packages
# before this module is imported (INSTALLED_APPS order): their changes are audited too.
audit_admin_site()


@admin.register(Federation)
class FederationAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(AuditedModelAdmin):
    list_display = ["name", "siren", "federation", "mfa_required"]
    list_filter = ["federation", "mfa_required"]
    search_fields = ["name", "siren"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ["name", "organisation", "city", "public_status"]
    list_filter = ["public_status", "organisation"]


class ReadOnlyAdmin(AuditedModelAdmin):
    """Append-only records: written by services (which audit), never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CrisisModeChange)
class CrisisModeChangeAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "mode", "changed_at", "changed_by"]
    list_filter = ["mode", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "organisation", "actor", "action", "object_repr"]
    list_filter = ["action", "organisation"]
    search_fields = ["action", "object_repr"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """For the operator: the raw last error of each message (staff read ``/messages/``)."""

    list_display = ["created_at", "organisation", "channel", "purpose", "status", "attempts"]
    list_filter = ["status", "channel", "error_kind", "organisation"]
    search_fields = ["to", "purpose", "dedupe_key"]
    raw_id_fields = ["household"]
