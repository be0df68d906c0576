"""The library's part of ``seed_demo``: the first landlord's federation publishes a template
of every registered kind — its call scripts (a lockdown script in two versions, a heat-wave
script), the continuity plan, the sanitary protocol, the letter reasons and a broadcast
message, each from Relais's own default — and its members adopted some: about half the
lockdown script's version 1 (older, so their home card says a new version exists), a few its
version 2, a few the heat-wave script, a few the letter reasons.

A few rows per federation, through the services (each adoption is a draft call campaign of the
member, audited); the announcements are not e-mailed (the demo has no real directors).
"""

from django.contrib.auth import get_user_model
from django.utils import timezone

from relais.core.models import Organisation
from relais.outreach.federation_template import KIND, default

from . import registry, services
from .models import Adoption, Template, TemplateVersion

TITLES = {
    "continuity.plan": "Plan de continuité d'activité – trame régionale",
    "worksites.protocol": "Protocole sanitaire des chantiers (guide OPPBTP)",
    "allocation.letter_reasons": "Motifs types des courriers d'attribution",
    "messaging.broadcast": "Message aux locataires : fermeture des accueils",
    "allocation.scoring_grid": "Grille de cotation régionale (trame)",
}
LOCKDOWN_V2 = (
    "\n5. Vaccination : souhaitez-vous de l'aide pour prendre rendez-vous ?"
    "\n6. Chaleur : votre logement reste-t-il frais la nuit ?"
)


def _template(federation_id, analyst, title, versions, kind=KIND) -> Template:
    template = Template.objects.create(
        federation_id=federation_id,
        kind=kind,
        title=title,
        created_by=analyst,
        latest_number=len(versions),
    )
    now = timezone.now()
    TemplateVersion.objects.bulk_create(
        TemplateVersion(
            template=template,
            number=number,
            content=content,
            notes=notes,
            published_at=now - timezone.timedelta(days=30 * (len(versions) - number)),
            published_by=analyst,
        )
        for number, (content, notes) in enumerate(versions, start=1)
    )
    return template


def _adopt(organisation, template, number) -> None:
    """Adopt ``number`` (an older version): adopt the latest, then point at the older one."""
    adoption, _created = services.template_adopt(
        organisation=organisation, actor=None, template=template
    )
    if number != template.latest_number:
        older = template.versions.get(number=number)
        Adoption.objects.filter(pk=adoption.pk).update(version=older)


class LibraryDemo:
    name = "federation_library"

    def seed(self, *, organisation_ids, scale, seed, writer):
        members = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("pk"))
        if not members or members[0].federation_id is None:
            return {"federation_templates": 0, "template_adoptions": 0}
        federation_id = members[0].federation_id
        members = [m for m in members if m.federation_id == federation_id]
        analyst = get_user_model().objects.filter(username="federation").first()
        lockdown = default()
        lockdown_v2 = {**lockdown, "script": lockdown["script"] + LOCKDOWN_V2}
        confinement = _template(
            federation_id,
            analyst,
            "Script d'appel – confinement",
            [
                (lockdown, "Version de départ, tirée du printemps 2020."),
                (lockdown_v2, "Deux questions ajoutées : vaccination et chaleur la nuit."),
            ],
        )
        heat = {
            **lockdown,
            "name": "Appels canicule",
            "kind": "heatwave",
            "cadence_days": 2,
            "script": "1. Avez-vous de l'eau fraîche ?\n2. Votre logement est-il frais ?\n"
            "3. Quelqu'un passe-t-il vous voir ?",
        }
        canicule = _template(
            federation_id, analyst, "Script d'appel – canicule", [(heat, "Plan canicule.")]
        )
        others = {
            code: _template(federation_id, analyst, title, [(kind.default(), "")], kind=code)
            for code, title in TITLES.items()
            if (kind := registry.get_kind(code)) is not None
        }
        letters = others.get("allocation.letter_reasons")
        adopted = 0
        for index, member in enumerate(members):
            if letters is not None and index % 5 == 2:
                _adopt(member, letters, 1)
                adopted += 1
            if index % 2 == 0:
                _adopt(member, confinement, 1)
                adopted += 1
            elif index % 3 == 1:
                _adopt(member, confinement, 2)
                adopted += 1
            if index % 4 == 1:
                _adopt(member, canicule, 1)
                adopted += 1
        return {"federation_templates": 2 + len(others), "template_adoptions": adopted}

    def reset(self, organisation_ids):
        federations = Organisation.objects.filter(pk__in=organisation_ids).values("federation_id")
        templates = Template.objects.filter(federation_id__in=federations)
        Adoption.objects.filter(template__in=templates).delete()
        templates.delete()  # versions cascade
