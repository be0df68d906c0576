"""Work-site pages in the authorisation matrix (tests/test_authorisation_matrix.py).

POST-only actions and the public gate (a token, no account) are tested in their modules:
tests/worksites/test_restart.py and test_gate.py.
"""

from relais.core.roles import Role
from relais.worksites import services
from relais.worksites.models import SiteCompany, WorkSite

from ..factories import MembershipFactory

PAGES = {
    "worksites:site_list": ("worksite.view", None),
    "worksites:site_create": ("worksite.edit", None),
    "worksites:protocol": ("worksite.protocol", None),
    "worksites:regional": ("worksite.regional_counts", None),
    "worksites:site_detail": ("worksite.view", {"pk": "worksite"}),
    "worksites:site_edit": ("worksite.edit", {"pk": "worksite"}),
    "worksites:company_add": ("worksite.edit", {"pk": "worksite"}),
    "worksites:company_edit": ("worksite.edit", {"pk": "worksite_company"}),
    "worksites:access_log": ("worksite.view_access", {"pk": "worksite"}),
    "worksites:gate_poster": ("worksite.edit", {"pk": "worksite_gate_link"}),
}
NOT_PAGES = {
    "worksites:measure_answer",
    "worksites:measure_reopen",
    "worksites:evidence",
    "worksites:site_stop",
    "worksites:site_start",
    "worksites:site_complete",
    "worksites:restart_prepare",
    "worksites:restart_sign",
    "worksites:gate_link_create",
    "worksites:gate_link_revoke",
    "worksites:gate",
    "worksites:gate_done",
}


def world(organisation, mark, base):
    site = services.site_create(
        organisation=organisation,
        actor=None,
        site=WorkSite(
            reference=f"CH-{mark}",
            name=f"Chantier {mark}",
            kind="renovation",
            address=f"Rue {mark}",
            sps_name=f"SPS {mark}",
        ),
    )
    company = SiteCompany.objects.create(
        organisation=organisation, site=site, name=f"Entreprise {mark}", trade="peinture"
    )
    creator = MembershipFactory(organisation=organisation, role=Role.TECHNICIAN).user
    link, _token = services.gate_link_create(actor=creator, site=site)
    return {"worksite": site, "worksite_company": company, "worksite_gate_link": link}
