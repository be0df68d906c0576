"""Federation indicator pages in the authorisation matrix (tests/test_authorisation_matrix.py).

Each world's organisation is in a federation of its own (the one supplies' world made, or a
new one), with a figure whose member is named after the world's marker: the outsider (the other
world's analyst) must never read it. The reminder (POST only) is tested in test_pages.py.
"""

import datetime as dt

from relais.core.models import Federation, Organisation
from relais.federation.indicators.models import IndicatorValue, Source
from relais.federation.indicators.registry import Week

WEEK = "2026-W48"
PAGES = {
    "federation:dashboard": ("federation.dashboard", None),
    "federation:completeness": ("federation.dashboard", None),
    "federation:my_figures": ("federation.own_figures", None),
    "federation:submit_figures": ("federation.submit", None),
    "federation:submit_csv": ("federation.submit", None),
    "federation:datapackage": ("federation.export", None),
    "federation:export_csv": ("federation.export", {"week": WEEK}),
    "federation:export_regional_csv": ("federation.export", {"week": WEEK}),
    "federation:export_json": ("federation.export", {"week": WEEK}),
    "federation:bulletin": ("federation.export", {"week": WEEK}),
}
NOT_PAGES = {"federation:remind"}


def world(organisation, mark, base):
    if organisation.federation_id is None:
        organisation.federation = Federation.objects.create(
            name=f"Fédération {mark}", slug=f"fed-{mark.lower()}"
        )
        organisation.save(update_fields=["federation"])
    fellow = Organisation.objects.create(
        name=f"Bailleur {mark}", slug=f"bailleur-{mark.lower()}", federation=organisation.federation
    )
    week = Week.parse(WEEK)
    for member in (organisation, fellow):
        IndicatorValue.objects.create(
            organisation=member,
            week_start=week.start,
            key="interventions.urgent",
            value=12,
            base=12,
            source=Source.COMPUTED,
        )
    this_week = Week.of(dt.date.today()).previous()
    IndicatorValue.objects.create(
        organisation=fellow,
        week_start=this_week.start,
        key="worksites.stopped",
        value=2,
        source=Source.COMPUTED,
    )
    return {"federation_fellow": fellow}
