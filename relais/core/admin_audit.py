"""Every change made in the Django admin goes to the audit chain, as any other change.

``AuditedAdminMixin`` hooks the admin's own logging methods (``log_addition``,
``log_change``, ``log_deletions``), which every admin write path calls inside its transaction:
the add and change forms, the list's editable columns, the delete page and the bulk delete
action, the password change. Before → after values come from the form the admin validated
(``construct_change_message``). ``audit_admin_site`` wraps the admins of other packages
(users, groups, e-mail addresses, authenticators, tasks) the same way, and a test checks that
every registered admin is audited.
"""

from collections.abc import Iterable

from django.contrib import admin
from django.db import models

from . import audit
from .models import Organisation

# Never copied into the trail, only named: hashes, secrets and one-time material.
SECRET_FIELDS = frozenset({"password", "key_hash", "secret", "token", "data"})


def _plain(value):
    """A form value as JSON-friendly data: rows by their pk, many rows by their sorted pks."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(item) for item in value)
    return value


def form_changes(form) -> dict:
    """{field: [before, after]} of the form's changed model fields; secrets only named."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    names = list(form.changed_data)
    model_fields = {f.name for f in model._meta.get_fields()} if model is not None else set()
    changes, named = {}, []
    for name in names:
        if name not in model_fields or name in SECRET_FIELDS:
            named.append("password" if name.startswith("password") else name)
            continue
        before = form.initial.get(name)
        changes[name] = [_plain(before), _plain(form.cleaned_data.get(name))]
    if named:
        changes["fields"] = sorted(set(named))
    return changes


def organisation_of(obj) -> Organisation | None:
    """Whose chain an admin change joins: the row's organisation, else the global chain."""
    if isinstance(obj, Organisation):
        return obj
    if getattr(obj, "organisation_id", None) is not None:
        return obj.organisation
    return None


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases. ``audited_by_service`` names the writes ("created",
    "changed", "deleted") whose ``save_model``/``delete_model`` call a service that already
    writes its own event, so that they are not recorded twice."""

    audited_by_service: tuple[str, ...] = ()

    def construct_change_message(self, request, form, formsets, add=False):
        request._audit_admin_changes = form_changes(form)
        for formset in formsets or ():
            self._audit_formset(request, formset)
        return super().construct_change_message(request, form, formsets, add)

    def _audit_formset(self, request, formset) -> None:
        """Inline rows changed with their parent get their own events."""
        changed = dict(formset.changed_objects)
        for form in formset.forms:
            obj = form.instance
            if obj in formset.new_objects:
                self._record(request, "admin.created", obj, form_changes(form))
            elif obj in changed:
                self._record(request, "admin.changed", obj, form_changes(form))
        for obj in formset.deleted_objects:
            self._record(request, "admin.deleted", obj, {})

    def _record(self, request, action: str, obj, changes: dict) -> None:
        if action.removeprefix("admin.") in self.audited_by_service:
            return
        audit.record(
            action=action,
            organisation=organisation_of(obj),
            actor=request.user,
            obj=obj,
            changes=changes,
        )

    def log_addition(self, request, obj, message):
        self._record(request, "admin.created", obj, getattr(request, "_audit_admin_changes", {}))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, "admin.changed", obj, getattr(request, "_audit_admin_changes", {}))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset: Iterable):
        for obj in queryset:
            self._record(request, "admin.deleted", obj, {})
        return super().log_deletions(request, queryset)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The base of every Relais ModelAdmin."""


def audit_admin_site(site=admin.site) -> None:
    """Wrap every admin registered so far (other packages') in the audit mixin."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        base = type(model_admin)
        site.unregister(model)
        site.register(model, type(base.__name__, (AuditedAdminMixin, base), {}))
