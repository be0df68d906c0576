"""The federation's library: analysts publish templates and new versions (announced to the
members' directors and managers), members adopt a copy of their own and edit it, the
federation sees who adopted which version; other federations see nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AuditEvent, Federation
from relais.core.outbox.models import OutboxMessage
from relais.core.roles import Role
from relais.federation.library import registry, services
from relais.federation.library.models import Adoption, TemplateVersion
from relais.outreach.federation_template import KIND, default
from relais.outreach.models import Campaign, CampaignStatus

from ..factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _client(organisation, role):
    membership = MembershipFactory(organisation=organisation, role=role)
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def analyst(organisation):
    return MembershipFactory(organisation=organisation, role=Role.FEDERATION_ANALYST).user


@pytest.fixture
def published(organisation, analyst):
    """The federation's call script, version 1."""
    return services.template_publish(
        organisation=organisation,
        actor=analyst,
        kind=KIND,
        title="Script d'appel canicule",
        content={**default(), "script": "Bonjour, comment allez-vous ?", "kind": "heatwave"},
        notes="Première version",
    )


def _adopt(client, template, copies=0):
    url = reverse("federation:library_adopt", args=[template.pk])
    return client.post(url, {"copies": copies})


def test_publishing_announces_to_every_members_directors_and_managers(
    organisation, other_organisation, analyst
):
    elsewhere = OrganisationFactory(federation=Federation.objects.create(name="Autre", slug="a"))
    directors = [
        MembershipFactory(organisation=org, role=Role.DIRECTOR)
        for org in (organisation, other_organisation, elsewhere)
    ]
    MembershipFactory(organisation=other_organisation, role=Role.MANAGER)
    MembershipFactory(organisation=other_organisation, role=Role.CARETAKER)
    version = services.template_publish(
        organisation=organisation, actor=analyst, kind=KIND, title="Script", content=default()
    )
    sent = OutboxMessage.objects.filter(purpose=services.PURPOSE)
    assert sent.count() == 3  # two directors and a manager of the federation's members
    assert directors[2].user.email not in set(sent.values_list("to", flat=True))
    orgs = set(sent.values_list("organisation_id", flat=True))
    assert orgs == {organisation.pk, other_organisation.pk}
    assert "Script" in sent.first().subject
    assert not sent.filter(subject__contains="version 1").exists()
    assert f"/federation/modeles/{version.template_id}/" in sent.first().body
    event = AuditEvent.objects.get(action="federation_template.published")
    assert event.changes["version"] == 1 and event.organisation_id == organisation.pk
    second = services.version_publish(
        organisation=organisation,
        actor=analyst,
        template=version.template,
        content=default(),
        notes="Cadence de 2 jours",
    )
    assert second.number == 2
    assert sent.count() == 6
    assert sent.filter(subject__contains="(version 2)").count() == 3


def test_member_adopts_a_copy_and_edits_only_its_copy(published, other_organisation):
    template = published.template
    member = _client(other_organisation, Role.MANAGER)
    response = _adopt(member, template)
    adoption = Adoption.objects.get(organisation=other_organisation)
    copy = Campaign.objects.get(pk=adoption.object_id, organisation=other_organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:campaign_edit", args=[copy.pk])
    assert copy.status == CampaignStatus.DRAFT
    assert copy.script == "Bonjour, comment allez-vous ?" and copy.kind == "heatwave"
    assert adoption.version == published
    assert AuditEvent.objects.filter(
        action="federation_template.adopted", organisation=other_organisation
    ).exists()
    edit = member.get(response["Location"])
    assert edit.status_code == 200 and "Bonjour, comment allez-vous ?" in edit.content.decode()
    data = {
        "name": copy.name,
        "kind": "heatwave",
        "cadence_days": 3,
        "script": "Bonjour, ici Scalis.",
        "starts_on": copy.starts_on.isoformat(),
        "retention_days": 90,
    }
    assert member.post(response["Location"], data).status_code == 302
    copy.refresh_from_db()
    published.refresh_from_db()
    assert (copy.script, copy.cadence_days) == ("Bonjour, ici Scalis.", 3)
    assert published.content["script"] == "Bonjour, comment allez-vous ?"


def test_a_double_click_makes_one_copy_and_a_newer_version_a_new_copy(
    published, organisation, other_organisation, analyst
):
    template = published.template
    member = _client(other_organisation, Role.DIRECTOR)
    _adopt(member, template, copies=0)
    _adopt(member, template, copies=0)  # the same page submitted twice
    assert Adoption.objects.filter(organisation=other_organisation).count() == 1
    first = Campaign.objects.get(organisation=other_organisation)
    Campaign.objects.filter(pk=first.pk).update(script="Notre version")
    services.version_publish(
        organisation=organisation,
        actor=analyst,
        template=template,
        content={**default(), "script": "Version 2"},
        notes="Nouvelles questions",
    )
    page = member.get(reverse("federation:library_detail", args=[template.pk])).content.decode()
    assert 'data-testid="outdated"' in page
    home = member.get(reverse("core:home")).content.decode()
    assert "Script d&#x27;appel canicule" in home and "version 2" in home
    _adopt(member, template, copies=1)
    scripts = set(Campaign.objects.filter(organisation=other_organisation).values_list("script"))
    assert scripts == {("Notre version",), ("Version 2",)}  # the edited copy is untouched
    assert (
        'data-testid="outdated"'
        not in member.get(reverse("federation:library_detail", args=[template.pk])).content.decode()
    )


def test_the_federation_sees_which_member_adopted_which_version(
    published, organisation, other_organisation, analyst
):
    services.template_adopt(
        organisation=other_organisation, actor=None, template=published.template
    )
    page = _client(organisation, Role.FEDERATION_ANALYST).get(
        reverse("federation:library_detail", args=[published.template.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="member-scalis"' in body and 'data-testid="member-tours-habitat"' in body
    assert "non adopté" in body or "not adopted" in body


def test_members_list_their_own_state_only(published, organisation, other_organisation):
    services.template_adopt(
        organisation=other_organisation, actor=None, template=published.template
    )
    page = _client(organisation, Role.MANAGER).get(reverse("federation:library_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "Script d&#x27;appel canicule" in body
    assert "Scalis" not in body  # another member's adoptions are not shown to a member


def test_who_may_adopt(published, other_organisation):
    template = published.template
    for role in (Role.CARETAKER, Role.READ_ONLY, Role.FEDERATION_ANALYST):
        assert _adopt(_client(other_organisation, role), template).status_code == 403, role
    elsewhere = OrganisationFactory(federation=Federation.objects.create(name="Autre", slug="a"))
    assert _adopt(_client(elsewhere, Role.DIRECTOR), template).status_code == 404
    detail = reverse("federation:library_detail", args=[template.pk])
    assert _client(elsewhere, Role.DIRECTOR).get(detail).status_code == 404
    no_federation = OrganisationFactory(federation=None)
    assert _client(no_federation, Role.DIRECTOR).get(detail).status_code == 404
    assert not Adoption.objects.exists()
    with pytest.raises(services.LibraryError):
        services.template_adopt(organisation=elsewhere, actor=None, template=template)


def test_analyst_publishes_from_the_kinds_form(organisation):
    client = _client(organisation, Role.FEDERATION_ANALYST)
    url = reverse("federation:library_create", args=[KIND])
    form = client.get(url)
    assert form.status_code == 200
    bad = client.post(url, {"title": "Script", "content-name": "X", "content-kind": "heatwave"})
    assert bad.status_code == 400
    data = {
        "title": "Script régional",
        "notes": "",
        "content-name": "Appels canicule",
        "content-kind": "heatwave",
        "content-cadence_days": "2",
        "content-script": "Avez-vous de l'eau ?",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    version = TemplateVersion.objects.get(template__title="Script régional")
    assert version.content == {
        "name": "Appels canicule",
        "kind": "heatwave",
        "cadence_days": 2,
        "script": "Avez-vous de l'eau ?",
    }
    assert client.get(reverse("federation:library_create", args=["nope"])).status_code == 404


def test_every_capability_declared_its_kind():
    assert {kind.code for kind in registry.kinds()} == {
        "continuity.plan",
        "worksites.protocol",
        "outreach.call_script",
        "allocation.letter_reasons",
        "messaging.broadcast",
        "allocation.scoring_grid",
    }


@pytest.mark.parametrize("code", [kind.code for kind in registry.kinds()])
def test_every_kind_adopts_its_default_and_exports_it_back(code, organisation):
    kind = registry.get_kind(code)
    content = kind.default()
    form = kind.form({}, content=content)
    assert form.initial  # the analyst's form starts from the content
    actor = MembershipFactory(organisation=organisation, role=Role.DIRECTOR).user
    copy = kind.adopt(organisation, actor, content)
    assert kind.get(organisation, copy.pk) == copy
    assert kind.export(copy) == content
    assert kind.edit_url(copy).startswith("/")
    assert kind.describe(content)


@pytest.mark.parametrize("code", [kind.code for kind in registry.kinds()])
def test_the_analysts_form_gives_back_the_content_it_was_built_from(code):
    kind = registry.get_kind(code)
    content = kind.default()
    form = kind.form(None, content=content)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    bound = kind.form(data, content=content)
    assert bound.is_valid(), bound.errors
    assert bound.content() == content


def test_list_kinds_add_what_the_member_lacks_and_keep_its_own_wording(organisation):
    from relais.allocation.letters import reasons

    kind = registry.get_kind("allocation.letter_reasons")
    first = reasons.reason_create(
        organisation=organisation, actor=None, kind="attribution", text="Notre motif à nous."
    )
    content = {"reasons": {"attribution": ["Notre motif à nous.", "Motif régional."]}}
    kind.adopt(organisation, None, content)
    kind.adopt(organisation, None, content)  # again: nothing doubled
    texts = list(
        reasons.LetterReason.objects.filter(organisation=organisation).values_list(
            "text", flat=True
        )
    )
    assert sorted(texts) == ["Motif régional.", "Notre motif à nous."]
    assert reasons.LetterReason.objects.get(pk=first.pk).text == "Notre motif à nous."


def test_a_broadcast_template_is_adopted_as_a_draft_the_member_edits(
    organisation, other_organisation, analyst
):
    from relais.messaging.federation_template import KIND as BROADCAST
    from relais.messaging.federation_template import default as broadcast_default
    from relais.messaging.models import Broadcast

    version = services.template_publish(
        organisation=organisation,
        actor=analyst,
        kind=BROADCAST,
        title="Fermeture des accueils",
        content=broadcast_default(),
    )
    member = _client(other_organisation, Role.MANAGER)
    response = _adopt(member, version.template)
    draft = Broadcast.objects.get(organisation=other_organisation)
    assert draft.status == "draft" and draft.criteria == [{"key": "organisation", "value": ""}]
    assert response["Location"] == reverse("messaging:broadcast_edit", args=[draft.pk])
    data = {
        "title": draft.title,
        "kind": "information",
        "segment": "organisation",
        "value": "",
        "age_band": "",
        "subject": "Nos accueils ferment",
        "body": "Bonjour {nom}, nos accueils ferment.",
        "sms_body": "Accueils fermés.",
        "envelope": "dl",
    }
    assert member.post(response["Location"], data).status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Bonjour {nom}, nos accueils ferment."
    assert Broadcast.objects.count() == 1
    version.refresh_from_db()
    assert version.content == broadcast_default()
    Broadcast.objects.filter(pk=draft.pk).update(status="sent")
    refused = member.post(response["Location"], {**data, "body": "Autre"})
    assert refused.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Bonjour {nom}, nos accueils ferment."


def test_each_copy_is_listed_under_its_current_name_with_its_adoption_date(
    published, other_organisation
):
    template = published.template
    member = _client(other_organisation, Role.MANAGER)
    _adopt(member, template, copies=0)
    _adopt(member, template, copies=1)
    first, second = Campaign.objects.filter(organisation=other_organisation).order_by("pk")
    Campaign.objects.filter(pk=second.pk).update(name="Appels canicule – résidences seniors")
    page = member.get(reverse("federation:library_detail", args=[template.pk])).content.decode()
    mine = page[page.index('data-testid="mine"') :]
    assert "Appels canicule – résidences seniors" in mine
    assert first.name in mine
    adopted = Adoption.objects.filter(organisation=other_organisation).first().adopted_at
    assert timezone.localtime(adopted).strftime("%d/%m/%Y") in mine


def test_the_adopters_journal_names_the_version_it_adopted(
    published, organisation, other_organisation
):
    """The adoption's ``version`` is a foreign key: the journal must show that row's name, not
    the row whose primary key happens to equal the version number (another federation's)."""
    elsewhere = OrganisationFactory(name="Ailleurs")
    elsewhere.federation = Federation.objects.create(name="Autre fédération", slug="autre")
    elsewhere.save(update_fields=["federation"])
    services.template_publish(
        organisation=elsewhere, actor=None, kind=KIND, title="Script étranger", content=default()
    )
    second = services.version_publish(
        organisation=organisation,
        actor=None,
        template=published.template,
        content=default(),
        notes="",
    )
    services.template_adopt(organisation=other_organisation, actor=None, template=second.template)
    body = _client(other_organisation, Role.DIRECTOR).get(reverse("core:audit_log")).content
    assert "canicule v2" in body.decode()
    assert "Script étranger" not in body.decode()
