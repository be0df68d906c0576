"""Vacancy, candidate and fairness pages in the authorisation matrix.

The status move is POST only: its access is tested in test_vacancies_pages.py; the lease
page needs an accepted offer: its access is tested in test_lease_signing.py.
"""

from django.utils import timezone

from .factories import ApplicationFactory, IncomeCeilingFactory, VacancyFactory
from .pages_applications import own_dwelling

PAGES = {
    "allocation:vacancy_list": ("allocation.view", None),
    "allocation:vacancy_create": ("allocation.edit", None),
    "allocation:vacancy_detail": ("allocation.view", {"pk": "open_vacancy"}),
    "allocation:vacancy_edit": ("allocation.edit", {"pk": "open_vacancy"}),
    "allocation:vacancy_candidates": ("allocation.view", {"pk": "open_vacancy"}),
    "allocation:fairness": ("allocation.view", None),
}
NOT_PAGES = {"allocation:vacancy_transition", "allocation:vacancy_lease_sign"}

# PLUS ceilings, other regions (the factories' Tours), categories 1–6 and per extra person.
PLUS_OTHER_REGIONS = (24_316, 32_473, 39_051, 47_144, 55_459, 62_501, 6_972)


def income_ceilings(year: int) -> None:
    for category, amount in enumerate(PLUS_OTHER_REGIONS, start=1):
        IncomeCeilingFactory(year=year, category=category, ceiling_eur=amount)


def world(organisation, mark, base) -> dict:
    income_ceilings(timezone.localdate().year)
    dwelling = base.get("pool_dwelling") or own_dwelling(organisation, mark, base)
    vacancy = VacancyFactory(dwelling=dwelling, contractor=f"Peinture {mark}")
    candidate = ApplicationFactory(
        organisation=organisation,
        registration_number=f"037-CAND-{mark}",
        applicant_last_name=f"Candidat {mark}",
    )
    candidate.wished_communes.add(dwelling.building.commune)
    from .factories_vacancies import scores_in_epcis  # it imports this module's ceilings

    if dwelling.building.commune.epci_id:  # ranked on its score in the vacancy's EPCI
        scores_in_epcis(candidate, {dwelling.building.commune.epci_id})
    return {"open_vacancy": vacancy, "vacancy_candidate": candidate}
