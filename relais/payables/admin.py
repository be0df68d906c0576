from django.contrib import admin

from relais.core.admin_audit import AuditedAdminMixin

from .models import Budget, PayablesSettings, Supplier


@admin.register(Budget)
class BudgetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "label", "year", "amount_cents", "organisation")
    list_filter = ("year", "organisation")


@admin.register(Supplier)
class SupplierAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "siren", "small_business", "organisation")
    search_fields = ("name", "siren")


@admin.register(PayablesSettings)
class PayablesSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "regime", "deadline_days")
