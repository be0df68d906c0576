"""Helpers of the vacancy, candidate and fairness tests: a Tours dwelling, its ceilings, and
applications that fit it unless told otherwise."""

import datetime as dt

from django.utils import timezone

from relais.allocation.models import TYPOLOGY_BITS, ApplicationScore
from relais.allocation.scoring.ranking import ranking_write
from relais.housing.models import Zone

from ..factories import CommuneFactory, DepartementFactory, DwellingFactory, EpciFactory
from .factories import ApplicationFactory, IncomeCeilingFactory, VacancyFactory
from .pages_vacancies import PLUS_OTHER_REGIONS

YEAR = 2026
CEILINGS = dict(enumerate(PLUS_OTHER_REGIONS, start=1))  # 7 = per extra person


def ceilings(year: int = YEAR) -> dict[int, int]:
    for category, amount in CEILINGS.items():
        IncomeCeilingFactory(year=year, category=category, ceiling_eur=amount)
    return CEILINGS


def orleans():
    """A commune of another EPCI (Tours and its EPCI come from the base factories)."""
    return CommuneFactory(
        code="45234",
        name="Orléans",
        departement=DepartementFactory(code="45", name="Loiret"),
        epci=EpciFactory(code="244500468", name="Orléans Métropole"),
        zone=Zone.OTHER,
    )


def vacancy(organisation, **dwelling):
    """A ready vacancy on a Tours T3 (PLUS, 450 € rent + 90 € charges unless told)."""
    home = DwellingFactory(building__residence__organisation=organisation, **dwelling)
    return VacancyFactory(dwelling=home, charges_cents=9_000)


def applicant(organisation, *, wishes=None, epcis=(), **fields):
    """An active application of 2 persons (category 3, 18,000 €) wishing T2/T3 in ``wishes``
    (default: Tours)."""
    fields.setdefault("typology_mask", TYPOLOGY_BITS["T2"] | TYPOLOGY_BITS["T3"])
    application = ApplicationFactory(organisation=organisation, **fields)
    communes = [CommuneFactory()] if wishes is None else wishes
    application.wished_communes.add(*communes)
    application.wished_epcis.add(*epcis)
    scores_in_epcis(application, {c.epci_id for c in communes if c.epci_id} | set(epcis))
    ranking_write([application.pk])
    return application


def scores_in_epcis(application, epcis, score=None):
    """The application's score in each EPCI (its own main score unless told), as the scoring
    services store them (``ApplicationScore``)."""
    for epci in epcis:
        ApplicationScore.objects.update_or_create(
            application=application,
            epci_id=getattr(epci, "pk", epci),
            defaults={
                "organisation": application.organisation,
                "score": application.score if score is None else score,
                "explanation": application.score_explanation,
                "scored_at": timezone.now(),
                "first_applied_on": application.first_applied_on,
            },
        )
    ranking_write([application.pk])  # as score_applications does (ADR 0051)


def applied(months_ago: int) -> dt.date:
    return dt.date(2026, 11, 1) - dt.timedelta(days=30 * months_ago)
