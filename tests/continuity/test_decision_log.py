"""The decision log: written by directors and by the crisis switch, each line an audit event;
any line changed or removed afterwards is reported; exported as PDF."""

import subprocess

from django.test import Client
from django.urls import reverse

from relais.continuity import selectors, services
from relais.continuity.models import Decision
from relais.core import audit
from relais.core.models import AuditChainHead, AuditEvent, CrisisMode
from relais.core.roles import Role
from relais.core.services import crisis_mode_change

from ..factories import MembershipFactory, UserFactory


def _director(organisation):
    user = UserFactory(first_name="Claire", last_name="Moreau")
    MembershipFactory(user=user, organisation=organisation, role=Role.DIRECTOR)
    return user


def test_the_crisis_switch_writes_the_activation_and_the_stand_down(organisation):
    director = _director(organisation)
    services.plan_adopt(organisation=organisation, actor=director)
    crisis_mode_change(
        organisation=organisation,
        actor=director,
        mode=CrisisMode.CRISIS,
        switches={"continuity_plan_active": True},
    )
    crisis_mode_change(  # the switch stays on: nothing logged
        organisation=organisation,
        actor=director,
        mode=CrisisMode.CRISIS,
        switches={"continuity_plan_active": True, "reception_closed": True},
    )
    crisis_mode_change(
        organisation=organisation, actor=director, mode=CrisisMode.RESTART, switches={}
    )
    entries = list(selectors.decision_log(organisation).order_by("pk"))
    assert [(e.kind, e.decided_by, e.plan_version) for e in entries] == [
        ("activated", director, 1),
        ("deactivated", director, 1),
    ]
    assert entries[0].text == "Plan de continuité activé."
    assert selectors.decision_log_problems(organisation) == []


def test_each_line_is_audited_and_a_changed_or_removed_line_is_reported(organisation):
    director = _director(organisation)
    first = services.decision_log(
        organisation=organisation,
        actor=director,
        text="Fermeture des agences au public",
        reason="Confinement national",
    )
    second = services.decision_log(organisation=organisation, actor=director, text="Télétravail")
    event = AuditEvent.objects.get(action="continuity.decision_logged", object_id=str(first.pk))
    assert event.actor == director
    assert event.changes["text"] == "Fermeture des agences au public"
    assert event.changes["reason"] == "Confinement national"
    assert selectors.decision_log_problems(organisation) == []

    Decision.objects.filter(pk=first.pk).update(reason="Décision du maire")
    Decision.objects.filter(pk=second.pk).delete()
    Decision.objects.create(
        organisation=organisation, kind="decision", decided_at=first.decided_at, text="Ajout"
    )
    problems = selectors.decision_log_problems(organisation)
    assert problems == [
        f"La ligne {first.pk} a été modifiée après son écriture.",
        f"La ligne {second.pk + 1} n’est pas dans le journal d’audit.",
        f"La ligne {second.pk} a été retirée du journal.",
    ]
    # The audit events themselves are hash-chained: the log's reference cannot be rewritten.
    chain = audit.chain_for(organisation)
    assert audit.verify_chain(chain, AuditChainHead.objects.get(chain=chain)) == []


def test_only_directors_write_and_the_pdf_reads_back(organisation):
    director = _director(organisation)
    client = Client()
    client.force_login(director)
    url = reverse("continuity:decision_log")
    response = client.post(url, {"text": "Astreinte renforcée", "reason": "Tempête annoncée"})
    assert response.status_code == 302
    manager = Client()
    manager.force_login(MembershipFactory(organisation=organisation, role=Role.MANAGER).user)
    assert manager.get(url).status_code == 200
    assert manager.post(url, {"text": "Autre"}).status_code == 403
    assert Decision.objects.count() == 1
    assert client.post(url, {"text": ""}).status_code == 400

    pdf = client.get(reverse("continuity:decision_log_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Journal des décisions du plan de continuité" in text
    assert "Astreinte renforcée" in text and "Motif : Tempête annoncée" in text
    assert "Claire Moreau" in text
    assert "Journal vérifié" in text
