"""Staff pages under ``/factures/``."""

from django.urls import path

from . import views

app_name = "payables"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("recevoir/", views.invoice_upload, name="invoice_upload"),
    path("saisir/", views.invoice_key, name="invoice_key"),
    path("<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("<int:pk>/approuver/", views.invoice_approve, name="invoice_approve"),
    path("<int:pk>/rejeter/", views.invoice_reject, name="invoice_reject"),
    path("<int:pk>/reverifier/", views.invoice_recheck, name="invoice_recheck"),
    path("<int:pk>/fichier/", views.invoice_file, name="invoice_file"),
    path("fournisseurs/", views.supplier_list, name="supplier_list"),
    path("fournisseurs/nouveau/", views.supplier_create, name="supplier_create"),
    path("fournisseurs/<int:pk>/", views.supplier_edit, name="supplier_edit"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/nouveau/", views.budget_create, name="budget_create"),
    path("budgets/<int:pk>/", views.budget_edit, name="budget_edit"),
    path("delegations/", views.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/fin/", views.delegation_revoke, name="delegation_revoke"),
    path("paiements/", views.payment_run_list, name="payment_run_list"),
    path("paiements/<int:pk>/", views.payment_run_detail, name="payment_run_detail"),
    path("paiements/<int:pk>/fichier/", views.payment_run_file, name="payment_run_file"),
    path("releves/", views.statement_import, name="statement_import"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("reglages/", views.settings_edit, name="settings"),
]
