"""The scoring grid as a federation template: a member adopts it for one of its EPCIs (those
where it has buildings) and gets its own grid copy, which it edits (criteria checked as the
allocation checks a grid's) and compares with a newer version; the cotation is untouched."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from relais.allocation.models import ScoringGrid
from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.federation.library import diff, registry, services
from relais.federation.library.models import Adoption, GridCopy
from relais.federation.library.scoring_grid import KIND, default

from ..factories import BuildingFactory, CommuneFactory, EpciFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_template(organisation):
    analyst = MembershipFactory(organisation=organisation, role=Role.FEDERATION_ANALYST).user
    content = default()
    content["criteria"]["priority_criteria"] = {"dalo": 50}
    return services.template_publish(
        organisation=organisation,
        actor=analyst,
        kind=KIND,
        title="Grille régionale",
        content={**content, "name": "Grille régionale"},
    ).template


def _manager(organisation):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=Role.MANAGER).user)
    return client


def test_a_member_adopts_the_grid_for_one_of_its_epcis_and_edits_its_copy(
    grid_template, other_organisation
):
    tours = BuildingFactory(organisation=other_organisation).commune.epci
    orleans = EpciFactory(code="244500468", name="Orléans Métropole")
    commune = CommuneFactory(code="45234", name="Orléans", epci=orleans)
    BuildingFactory(organisation=other_organisation, residence__commune=commune)
    elsewhere = EpciFactory(code="241800507", name="Bourges Plus")
    member = _manager(other_organisation)
    detail = member.get(reverse("federation:library_detail", args=[grid_template.pk]))
    page = detail.content.decode()
    assert tours.name in page and orleans.name in page and elsewhere.name not in page
    adopt = reverse("federation:library_adopt", args=[grid_template.pk])
    refused = member.post(adopt, {"copies": 0, "choice": elsewhere.code})
    assert refused.status_code == 302 and not GridCopy.objects.exists()
    grids = ScoringGrid.objects.count()
    response = member.post(adopt, {"copies": 0, "choice": orleans.code})
    copy = GridCopy.objects.get(organisation=other_organisation)
    assert (copy.epci, copy.name) == (orleans, "Grille régionale")
    assert copy.criteria["priority_criteria"] == {"dalo": 50}
    assert response["Location"] == reverse("federation:grid_copy_edit", args=[copy.pk])
    assert ScoringGrid.objects.count() == grids  # the cotation's grids are untouched
    edit = member.get(response["Location"])
    assert edit.status_code == 200 and orleans.name in edit.content.decode()
    criteria = {**copy.criteria, "priority_criteria": {"dalo": 60}}
    bad = member.post(response["Location"], {"name": "Ma grille", "criteria": "{dalo: 60"})
    assert bad.status_code == 400 and "JSON" in bad.content.decode()
    unknown = member.post(
        response["Location"], {"name": "Ma grille", "criteria": json.dumps({"colour": 1})}
    )
    assert unknown.status_code == 400
    saved = member.post(
        response["Location"], {"name": "Ma grille", "criteria": json.dumps(criteria)}
    )
    assert saved.status_code == 302
    copy.refresh_from_db()
    assert (copy.name, copy.criteria["priority_criteria"]) == ("Ma grille", {"dalo": 60})
    assert AuditEvent.objects.filter(action="federation_grid_copy.changed").count() == 1


def test_a_member_sees_what_changed_in_the_newer_grid(
    grid_template, organisation, other_organisation
):
    epci = BuildingFactory(organisation=other_organisation).commune.epci
    adoption, _created = services.template_adopt(
        organisation=other_organisation, actor=None, template=grid_template, choice=epci.code
    )
    newer = grid_template.versions.first().content
    newer["criteria"]["priority_criteria"] = {"dalo": 70}
    services.version_publish(
        organisation=organisation, actor=None, template=grid_template, content=newer, notes=""
    )
    kind = registry.get_kind(KIND)
    copy = kind.get(other_organisation, adoption.object_id)
    lines = diff.content_diff(kind, kind.export(copy), newer)
    changed = [(line.side, line.text) for line in lines if line.side != diff.SAME]
    assert [side for side, _text in changed] == [diff.MINE, diff.NEWER]
    assert changed[0][1].endswith(": 50") and changed[1][1].endswith(": 70")
    page = _manager(other_organisation).get(
        reverse("federation:library_compare", args=[grid_template.pk, adoption.pk])
    )
    assert page.status_code == 200


def test_another_members_grid_copy_is_a_404(grid_template, organisation, other_organisation):
    epci = BuildingFactory(organisation=other_organisation).commune.epci
    adoption, _created = services.template_adopt(
        organisation=other_organisation, actor=None, template=grid_template, choice=epci.code
    )
    url = reverse("federation:grid_copy_edit", args=[adoption.object_id])
    assert _manager(organisation).get(url).status_code == 404
    assert Adoption.objects.filter(organisation=organisation).count() == 0
