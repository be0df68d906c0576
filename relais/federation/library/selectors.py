"""Reads of the federation's library: who sees what.

The library is seen by the members of its federation who may adopt (directors, managers) and
by its analysts. ``member_rows`` gives a member its own adoptions only; ``adoption_table`` the
federation's view of which member adopted which version (organisations, not people).
"""

from dataclasses import dataclass, field

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.http import Http404

from relais.core.models import Organisation

from . import registry
from .models import Adoption, Template


def templates_for(organisation):
    """The templates of ``organisation``'s federation (none without a federation)."""
    if organisation is None or organisation.federation_id is None:
        return Template.objects.none()
    return Template.objects.filter(federation_id=organisation.federation_id)


def get_template(request, pk) -> Template:
    """The template ``pk`` of the current organisation's federation, or 404."""
    template = templates_for(request.organisation).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


@dataclass
class MemberRow:
    template: Template
    kind_label: str
    adopted: int | None  # the latest version this member adopted, None if never
    # the latest version it adopted or compared its copy with and kept its own
    seen: int | None = None

    @property
    def outdated(self) -> bool:
        seen = self.seen if self.seen is not None else self.adopted
        return seen is not None and seen < self.template.latest_number


def _with_adopted(organisation):
    mine = Q(adoptions__organisation=organisation)
    return (
        templates_for(organisation)
        .filter(latest_number__gt=0)
        .annotate(
            adopted=Max("adoptions__version__number", filter=mine),
            seen=Max(Coalesce("adoptions__kept_number", "adoptions__version__number"), filter=mine),
        )
    )


def member_rows(organisation) -> list[MemberRow]:
    """A row per template of the federation with the latest version ``organisation`` adopted
    (one query)."""
    return [
        MemberRow(t, registry.label_of(t.kind), t.adopted, t.seen)
        for t in _with_adopted(organisation)
    ]


def outdated_for(organisation) -> list[MemberRow]:
    """The templates this member adopted of which a newer version exists (home card; one
    query, none without a federation)."""
    if organisation.federation_id is None:
        return []
    rows = _with_adopted(organisation).filter(seen__lt=F("latest_number"))
    return [MemberRow(t, registry.label_of(t.kind), t.adopted, t.seen) for t in rows]


def my_adoptions(organisation, template) -> list[Adoption]:
    return list(
        Adoption.objects.filter(organisation=organisation, template=template).select_related(
            "version", "adopted_by"
        )
    )


@dataclass
class AdoptionRow:
    organisation: Organisation
    adoptions: list[Adoption] = field(default_factory=list)

    @property
    def latest(self) -> int | None:
        return max((a.version.number for a in self.adoptions), default=None)

    @property
    def last_at(self):
        return max((a.adopted_at for a in self.adoptions), default=None)


def adoption_table(template) -> list[AdoptionRow]:
    """Every member of the template's federation with its adoptions of it (two queries)."""
    rows = {
        member.pk: AdoptionRow(member)
        for member in Organisation.objects.filter(federation_id=template.federation_id).order_by(
            "name"
        )
    }
    for adoption in Adoption.objects.filter(template=template).select_related("version"):
        if adoption.organisation_id in rows:
            rows[adoption.organisation_id].adoptions.append(adoption)
    return list(rows.values())
