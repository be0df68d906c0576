"""The federation sees, per member, how many sites are stopped, preparing and restarted:
counts only (issue 16 §3)."""

import pytest
from django.urls import reverse

from relais.core.roles import Role
from relais.worksites.models import SiteStatus

from ..factories import FederationFactory, MembershipFactory, OrganisationFactory
from .factories import WorkSiteFactory

pytestmark = pytest.mark.django_db


def test_counts_per_member_and_nothing_about_the_sites(client, organisation):
    member = OrganisationFactory(name="Val Touraine Habitat", federation=organisation.federation)
    elsewhere = OrganisationFactory(
        name="Bailleur d'ailleurs", federation=FederationFactory(name="Autre", slug="autre")
    )
    WorkSiteFactory(organisation=organisation, status=SiteStatus.STOPPED, name="Secret A")
    WorkSiteFactory(organisation=member, status=SiteStatus.STOPPED, name="Secret B")
    WorkSiteFactory(organisation=member, status=SiteStatus.RESTARTED, name="Secret C")
    WorkSiteFactory(organisation=elsewhere, status=SiteStatus.STOPPED, name="Secret D")
    analyst = MembershipFactory(organisation=organisation, role=Role.FEDERATION_ANALYST).user
    client.force_login(analyst)
    page = client.get(reverse("worksites:regional")).content.decode()
    assert "Val Touraine Habitat" in page and "Bailleur d&#x27;ailleurs" not in page
    assert "Secret" not in page
    assert "<td>Val Touraine Habitat</td><td>1</td><td>0</td><td>1</td>" in page
    # An analyst reaches no site page.
    site = organisation and WorkSiteFactory(organisation=organisation)
    assert client.get(reverse("worksites:site_detail", args=[site.pk])).status_code == 403


def test_staff_without_the_ability_do_not_see_the_regional_page(member_factory):
    _user, client = member_factory(Role.TECHNICIAN)
    assert client.get(reverse("worksites:regional")).status_code == 403
