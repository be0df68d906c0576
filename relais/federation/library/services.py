"""Writes of the federation's library (ADR 0049), each in a transaction, audited.

- ``template_publish``: an analyst publishes a new template (version 1);
- ``version_publish``: a new version of it, with what changed; both announce it to the
  members' directors and managers (an e-mail each, through the outbox);
- ``template_adopt``: a member copies a version into its organisation — the kind's own
  ``adopt`` writes the copy through the capability's services; adopting again makes another
  copy, never touching the ones the member already edited.

The federation's events go to the chain of the organisation the analyst acted from; an
adoption to the adopting member's chain (the kind's ``adopt`` audits the copy there too).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relais.core import audit
from relais.core.models import Membership, Organisation
from relais.core.outbox import queue_message
from relais.core.roles import Role

from . import registry
from .models import Adoption, Template, TemplateVersion

PURPOSE = "federation.template_published"
ANNOUNCED_TO = (Role.DIRECTOR, Role.MANAGER)


class LibraryError(ValidationError):
    """A step that does not fit (no federation, another federation's template…)."""


def _kind(code: str) -> registry.Kind:
    kind = registry.get_kind(code)
    if kind is None:
        raise LibraryError(_("This kind of template is not known."))
    return kind


@transaction.atomic
def template_publish(
    *, organisation, actor, kind: str, title: str, content: dict, notes: str = ""
) -> TemplateVersion:
    """Publish a new template of ``kind`` in ``organisation``'s federation as version 1."""
    if organisation.federation_id is None:
        raise LibraryError(_("Your organisation is not a member of a federation."))
    _kind(kind)
    template = Template.objects.create(
        federation_id=organisation.federation_id, kind=kind, title=title, created_by=actor
    )
    return _publish(
        organisation=organisation, actor=actor, template=template, content=content, notes=notes
    )


@transaction.atomic
def version_publish(*, organisation, actor, template, content: dict, notes: str) -> TemplateVersion:
    """Publish the next version of ``template`` (its number is the latest + 1)."""
    if template.federation_id != organisation.federation_id:
        raise LibraryError(_("This template is not your federation's."))
    return _publish(
        organisation=organisation, actor=actor, template=template, content=content, notes=notes
    )


def _publish(*, organisation, actor, template, content, notes) -> TemplateVersion:
    template = Template.objects.select_for_update().get(pk=template.pk)
    template.latest_number += 1
    template.save(update_fields=["latest_number"])
    version = TemplateVersion.objects.create(
        template=template,
        number=template.latest_number,
        content=content,
        notes=notes,
        published_at=timezone.now(),
        published_by=actor,
    )
    audit.record(
        action="federation_template.published",
        organisation=organisation,
        actor=actor,
        obj=template,
        changes={"kind": template.kind, "version": version.number},
    )
    _announce(version)
    return version


def _announce(version: TemplateVersion) -> int:
    """E-mail the directors and managers of every member (once per address and version).
    Returns the messages queued."""
    template = version.template
    members = Organisation.objects.filter(federation_id=template.federation_id)
    people = (
        Membership.objects.filter(organisation__in=members, role__in=ANNOUNCED_TO, is_active=True)
        .exclude(user__email="")
        .select_related("organisation", "user")
        .order_by("organisation_id", "user__email")
    )
    with translation.override("fr"):
        if version.number == 1:
            subject = _("New template from your federation: %(title)s") % {"title": template}
        else:
            subject = _("New version of %(title)s available (version %(number)d)") % {
                "title": template,
                "number": version.number,
            }
        link = settings.SITE_URL.rstrip("/") + reverse(
            "federation:library_detail", args=[template.pk]
        )
        body = "\n".join(
            [subject, "", version.notes, "", _("Preview and adopt it: %(link)s") % {"link": link}]
        )
    sent = 0
    for membership in people:
        queue_message(
            organisation=membership.organisation,
            channel="email",
            to=membership.user.email,
            subject=subject,
            body=body,
            purpose=PURPOSE,
            dedupe_key=f"federation-template:{version.pk}:{membership.user.email}",
        )
        sent += 1
    return sent


@transaction.atomic
def template_adopt(
    *, organisation, actor, template, expected: int | None = None, choice: str | None = None
) -> tuple[Adoption, bool]:
    """Copy ``template``'s latest version into ``organisation``: (adoption, created).

    ``expected`` is how many copies the member had when it asked (the page sends it): if
    another copy was made since (a double click), that copy is returned and nothing is made.
    ``choice``: for a kind with ``choices`` (a scoring grid's EPCI), one of the member's.
    """
    if template.federation_id is None or template.federation_id != organisation.federation_id:
        raise LibraryError(_("This template is not your federation's."))
    kind = _kind(template.kind)
    template = Template.objects.select_for_update().get(pk=template.pk)
    mine = Adoption.objects.filter(organisation=organisation, template=template)
    if expected is not None and mine.count() != expected:
        return mine.first(), False
    version = template.versions.get(number=template.latest_number)
    if kind.choices is not None:
        if choice not in {str(value) for value, _label in kind.choices(organisation)}:
            raise LibraryError(_("Choose one of the offered values to adopt this template."))
        copy = kind.adopt(organisation, actor, version.content, choice=choice)
    else:
        copy = kind.adopt(organisation, actor, version.content)
    adoption = Adoption.objects.create(
        organisation=organisation,
        template=template,
        version=version,
        object_id=copy.pk,
        object_repr=str(copy)[:200],
        adopted_at=timezone.now(),
        adopted_by=actor,
    )
    audit.record(
        action="federation_template.adopted",
        organisation=organisation,
        actor=actor,
        obj=adoption,
        # ``version`` is the adoption's foreign key: the journal names the row it points to.
        changes={"kind": template.kind, "version": version.pk},
    )
    return adoption, True


@transaction.atomic
def adoption_keep(*, organisation, actor, adoption: Adoption) -> Adoption:
    """The member compared its copy with the template's latest version and keeps its own:
    that version is no longer announced to it as new (``Adoption.kept_number``); audited."""
    if adoption.organisation_id != organisation.pk:
        raise LibraryError(_("This copy is not your organisation's."))
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    latest = Template.objects.values_list("latest_number", flat=True).get(pk=adoption.template_id)
    if adoption.kept_number != latest:
        adoption.kept_number = latest
        adoption.save(update_fields=["kept_number"])
        audit.record(
            action="federation_template.kept",
            organisation=organisation,
            actor=actor,
            obj=adoption,
            changes={"kept_against": latest, "adopted": adoption.version.number},
        )
    return adoption
