"""Routes of the allocation eligibility pages (included in the ``allocation`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("eligibilite/", views.eligibility_simulator, name="eligibility_simulator"),
    path("plafonds-de-ressources/", views.income_ceilings, name="income_ceilings"),
    path("plafonds-de-ressources/saisir/", views.income_ceiling_entry, name="income_ceiling_entry"),
]
