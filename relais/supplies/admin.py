"""Supplies in the admin: movements can be read, never added, changed or deleted (they are
append-only: corrections are new movements recorded through the pages)."""

from django.contrib import admin

from relais.core.admin_audit import AuditedModelAdmin

from .models import Campaign, Location, Movement


@admin.register(Movement)
class MovementAdmin(AuditedModelAdmin):
    list_display = ("occurred_at", "organisation", "location", "item", "kind", "quantity")
    list_filter = ("kind",)
    list_select_related = ("organisation", "location", "item")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(AuditedModelAdmin):
    list_display = ("name", "organisation", "kind", "threshold_days", "is_active")
    list_filter = ("kind", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ("title", "federation", "deadline", "status")
    list_filter = ("status",)
    readonly_fields = ("status", "ordered_at", "delivered_at")
