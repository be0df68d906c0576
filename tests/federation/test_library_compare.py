"""A member with an adopted copy compares it with the newer version the federation announced
(a readable line-by-line difference of its edited copy and the version), then takes the new
version or keeps its own (no longer announced as new); another member's copy is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from relais.core.models import AuditEvent
from relais.core.roles import Role
from relais.federation.library import diff, registry, selectors, services
from relais.federation.library.models import Adoption
from relais.outreach.federation_template import KIND, default
from relais.outreach.models import Campaign

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(organisation, other_organisation):
    """Version 1 adopted by the other member, its copy edited, then version 2 published."""
    analyst = MembershipFactory(organisation=organisation, role=Role.FEDERATION_ANALYST).user
    v1 = services.template_publish(
        organisation=organisation,
        actor=analyst,
        kind=KIND,
        title="Script canicule",
        content={**default(), "script": "Bonjour.\nAvez-vous de l'eau ?"},
    )
    adoption, _created = services.template_adopt(
        organisation=other_organisation, actor=None, template=v1.template
    )
    Campaign.objects.filter(pk=adoption.object_id).update(
        script="Bonjour, ici Scalis.\nAvez-vous de l'eau ?"
    )
    services.version_publish(
        organisation=organisation,
        actor=analyst,
        template=v1.template,
        content={
            **default(),
            "script": "Bonjour.\nAvez-vous de l'eau ?\nVos volets sont-ils fermés ?",
        },
        notes="Une question sur les volets",
    )
    return adoption


def _member(organisation):
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=Role.MANAGER).user)
    return client


def test_the_difference_names_the_members_lines_and_the_new_ones(adopted):
    kind = registry.get_kind(KIND)
    copy = kind.get(adopted.organisation, adopted.object_id)
    newer = adopted.template.versions.first().content
    lines = diff.content_diff(kind, kind.export(copy), newer)
    changed = {(line.side, line.text) for line in lines if line.side != diff.SAME}
    assert changed == {
        (diff.MINE, "Bonjour, ici Scalis."),
        (diff.NEWER, "Bonjour."),
        (diff.NEWER, "Vos volets sont-ils fermés ?"),
    }
    assert (diff.SAME, "Avez-vous de l'eau ?") in {(line.side, line.text) for line in lines}
    assert diff.changes(lines) == 3


def test_a_member_compares_then_keeps_its_copy(adopted, other_organisation):
    template = adopted.template
    member = _member(other_organisation)
    detail = member.get(reverse("federation:library_detail", args=[template.pk])).content.decode()
    compare_url = reverse("federation:library_compare", args=[template.pk, adopted.pk])
    assert compare_url in detail
    page = member.get(compare_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bonjour, ici Scalis." in text and "Vos volets sont-ils fermés ?" in text
    assert "Une question sur les volets" in text
    assert [row.template for row in selectors.outdated_for(other_organisation)] == [template]
    keep = reverse("federation:library_keep", args=[template.pk, adopted.pk])
    assert member.post(keep).status_code == 302
    assert member.post(keep).status_code == 302  # twice: one audit event
    adopted.refresh_from_db()
    assert adopted.kept_number == 2
    assert selectors.outdated_for(other_organisation) == []  # no longer announced
    assert AuditEvent.objects.filter(action="federation_template.kept").count() == 1
    assert Campaign.objects.get(pk=adopted.object_id).script.startswith("Bonjour, ici Scalis.")


def test_taking_the_new_version_makes_a_new_copy(adopted, other_organisation):
    template = adopted.template
    member = _member(other_organisation)
    response = member.post(reverse("federation:library_adopt", args=[template.pk]), {"copies": 1})
    assert response.status_code == 302
    assert Adoption.objects.filter(organisation=other_organisation).count() == 2
    scripts = set(Campaign.objects.filter(organisation=other_organisation).values_list("script"))
    assert ("Bonjour.\nAvez-vous de l'eau ?\nVos volets sont-ils fermés ?",) in scripts


def test_another_members_copy_cannot_be_compared_nor_kept(adopted, organisation):
    template = adopted.template
    other = _member(organisation)
    compare = reverse("federation:library_compare", args=[template.pk, adopted.pk])
    keep = reverse("federation:library_keep", args=[template.pk, adopted.pk])
    assert other.get(compare).status_code == 404
    assert other.post(keep).status_code == 404
    adopted.refresh_from_db()
    assert adopted.kept_number is None
