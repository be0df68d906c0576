from django.urls import path

from . import views

app_name = "rent"

urlpatterns = [
    path("quittancement/", views.runs, name="runs"),
    path("quittancement/lancer/", views.run_start, name="run_start"),
    path("quittancement/<int:pk>/", views.run_detail, name="run"),
    path("quittancement/<int:pk>/avis.zip", views.notices_zip, name="notices_zip"),
    path("quittancement/<int:pk>/courriels/", views.notices_email, name="notices_email"),
    path("quittancement/prelevements/", views.direct_debit, name="direct_debit"),
    path("echeances/<int:pk>/avis.pdf", views.call_notice, name="call_notice"),
    path("echeances/<int:pk>/quittance.pdf", views.call_receipt, name="call_receipt"),
    path("paiements/", views.payments_list, name="payments"),
    path("paiements/nouveau/", views.payment_new, name="payment_new"),
    path("paiements/releve/", views.statement_import, name="statement_import"),
    path("paiements/non-rapproches/", views.unmatched, name="unmatched"),
    path("paiements/<int:pk>/rapprocher/", views.payment_match, name="payment_match"),
    path("baux/<int:pk>/", views.lease_account, name="lease"),
    path("baux/<int:pk>/etape/", views.step_record, name="step_record"),
    path("baux/<int:pk>/plan/", views.plan_create, name="plan_create"),
    path("baux/<int:pk>/mandat/", views.mandate_create, name="mandate_create"),
    path("baux/<int:pk>/conditions/", views.lease_terms, name="terms"),
    path("impayes/", views.steps, name="steps"),
    path("impayes/<int:pk>/fait/", views.step_done, name="step_done"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("especes/", views.cash_payers, name="cash_payers"),
    path("especes/mandats.pdf", views.cash_payers_mandates, name="cash_payers_mandates"),
    path("especes/<int:pk>/mandat.pdf", views.cash_payer_mandate, name="cash_payer_mandate"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/recouvrement.csv", views.dashboard_csv, name="dashboard_csv"),
    path("tableau-de-bord/impayes.csv", views.arrears_csv, name="arrears_csv"),
    path("parametres/", views.settings_edit, name="settings"),
]
