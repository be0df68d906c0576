"""Administration of the allocation reference data: income ceilings and scoring grids.

Income ceilings are shared by every organisation: staff with the model permissions correct or
add a year's table here (or load the CSV with ``manage.py load_income_ceilings``); every change
is written to the audit trail. Tenant-owned allocation rows are not edited here.
"""

from django.contrib import admin
from django.db import transaction

from relais.core import audit
from relais.core.admin_audit import AuditedModelAdmin
from relais.housing.models import Epci

from .applications.forms import ScoringGridForm
from .models import IncomeCeiling, QuartileThreshold, ScoringGrid
from .scoring import services as scoring


@admin.register(IncomeCeiling)
class IncomeCeilingAdmin(AuditedModelAdmin):
    audited_by_service = ("created", "changed", "deleted")  # save_model, delete_model below
    list_display = ["year", "financing", "zone", "category", "ceiling_eur", "source"]
    list_display_links = ["year", "financing", "zone", "category"]
    list_editable = ["ceiling_eur"]
    list_filter = ["year", "financing", "zone"]
    ordering = ["-year", "financing", "zone", "category"]
    list_per_page = 42  # a year: the PLAI and PLUS tables of its three zones

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                action="income_ceiling.changed" if change else "income_ceiling.created",
                actor=request.user,
                obj=obj,
                changes={  # the EPCI by its code
                    name: getattr(form.cleaned_data.get(name), "pk", form.cleaned_data.get(name))
                    for name in form.changed_data
                },
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit.record(action="income_ceiling.deleted", actor=request.user, obj=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit.record(action="income_ceiling.deleted", actor=request.user, obj=obj)
            super().delete_queryset(request, queryset)


@admin.register(ScoringGrid)
class ScoringGridAdmin(AuditedModelAdmin):
    """Grids are shared data: saving or deleting one is audited and rescores applications."""

    audited_by_service = ("created", "changed", "deleted")  # scoring.grid_save, grid_delete

    form = ScoringGridForm
    list_display = ["name", "epci", "valid_from", "valid_until"]
    list_filter = ["valid_from"]
    search_fields = ["name", "epci__name"]
    raw_id_fields = ["epci"]

    def save_model(self, request, obj, form, change):
        scoring.grid_save(actor=request.user, grid=obj)

    def delete_model(self, request, obj):
        scoring.grid_delete(actor=request.user, grid=obj)

    def delete_queryset(self, request, queryset):
        for grid in queryset:
            scoring.grid_delete(actor=request.user, grid=grid)


@admin.register(QuartileThreshold)
class QuartileThresholdAdmin(AuditedModelAdmin):
    """Each EPCI's yearly first-quartile threshold, typed from the arrêté (shared data)."""

    audited_by_service = ("created", "changed")  # save_model below; deletions by the mixin

    list_display = ["year", "epci", "amount_eur", "source"]
    list_filter = ["year"]
    search_fields = ["epci__name", "epci__code"]
    ordering = ["-year", "epci__name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "epci":
            kwargs["queryset"] = Epci.objects.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit.record(
                action="quartile_threshold.changed" if change else "quartile_threshold.created",
                actor=request.user,
                obj=obj,
                changes={  # the EPCI by its code
                    name: getattr(form.cleaned_data.get(name), "pk", form.cleaned_data.get(name))
                    for name in form.changed_data
                },
            )
