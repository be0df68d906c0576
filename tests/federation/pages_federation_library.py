"""The federation's library in the authorisation matrix (tests/test_authorisation_matrix.py).

Each world's organisation is in a federation of its own (the supplies world names it the same
way), so the outsider is also outside the template's federation: 404. Publishing is for the
federation's analysts, adopting (POST, tests/federation/test_library.py) and comparing one's
copy with the latest version for directors and managers (keeping one's copy is a POST,
tests/federation/test_library_compare.py).
"""

from relais.core.models import Federation
from relais.federation.library import services
from relais.federation.library.models import GridCopy
from relais.federation.library.scoring_grid import default as grid_default
from relais.outreach.federation_template import KIND, default

PAGES = {
    "federation:library_list": ("federation.template_view", None),
    "federation:library_create": ("federation.template_publish", {"kind": KIND}),
    "federation:library_detail": ("federation.template_view", {"pk": "federation_template"}),
    "federation:library_version": ("federation.template_publish", {"pk": "federation_template"}),
    "federation:grid_copy_edit": ("allocation.edit", {"pk": "federation_grid_copy"}),
    "federation:library_compare": (
        "federation.template_adopt",
        {"pk": "federation_template", "adoption": "federation_adoption"},
    ),
}
NOT_PAGES = {"federation:library_adopt", "federation:library_keep"}


def world(organisation, mark, base):
    federation, _created = Federation.objects.get_or_create(
        slug=mark.lower(), defaults={"name": f"Fédération {mark}"}
    )
    organisation.federation = federation
    organisation.save(update_fields=["federation"])
    version = services.template_publish(
        organisation=organisation,
        actor=None,
        kind=KIND,
        title=f"Script {mark}",
        content={**default(), "script": f"Bonjour {mark}"},
    )
    adoption, _created = services.template_adopt(
        organisation=organisation, actor=None, template=version.template
    )
    grid = GridCopy.objects.create(
        organisation=organisation, name=f"Grille {mark}", criteria=grid_default()["criteria"]
    )
    return {
        "federation_template": version.template,
        "federation_adoption": adoption,
        "federation_grid_copy": grid,
    }
