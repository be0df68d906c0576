"""The shared demand pool (docs/decisions/0046): one file per registration number, read by
every landlord with stock where the applicant wishes to live.

- ``territory_write``: the départements of an application's wishes (``ApplicationTerritory``),
  rewritten set-based by whatever changes wishes (form, import, demo).
- ``pool_q`` / ``readable_applications``: the applications an organisation may read: its own,
  and those of other landlords that wish a commune where it has dwellings (or the EPCI of one).
- ``get_application_for_request``: THE fetch of an application by pk for a page or the API:
  the registering landlord reads and writes; a landlord of the pool reads (``shared`` is set);
  anyone else gets a 404, like ``core.tenancy.get_for_request``.
- ``proposals_elsewhere``: the pending proposals of other landlords, shown on the file.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relais.core.tenancy import require_ability
from relais.housing.models import Commune, Dwelling

from ..models import Application, ApplicationTerritory, Candidate, ItemStatus

CHUNK = 2000


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def territory_write(application_ids) -> None:
    """Rewrite the territory of ``application_ids``: the départements of their wished communes
    and of the communes of their wished EPCIs. Two statements per chunk of 2,000 ids."""
    ids = sorted(set(application_ids))
    wished_communes = _table(Application.wished_communes.through)
    wished_epcis = _table(Application.wished_epcis.through)
    commune = _table(Commune)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        ApplicationTerritory.objects.filter(application_id__in=chunk).delete()
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(ApplicationTerritory)} (application_id, departement_id)"
                " SELECT application_id, departement_id FROM ("
                f" SELECT w.application_id, c.departement_id FROM {wished_communes} w"
                f" JOIN {commune} c ON c.code = w.commune_id WHERE w.application_id IN ({marks})"
                f" UNION SELECT e.application_id, c.departement_id FROM {wished_epcis} e"
                f" JOIN {commune} c ON c.epci_id = e.epci_id WHERE e.application_id IN ({marks})"
                ") wishes",
                [*chunk, *chunk],
            )


def territory_fill(organisation_ids) -> None:
    """The territories of every application registered by ``organisation_ids`` (the demo's
    bulk writes): one DELETE and one INSERT … SELECT, whatever the number of applications."""
    ids = list(organisation_ids)
    ApplicationTerritory.objects.filter(application__organisation_id__in=ids).delete()
    marks = ", ".join(["%s"] * len(ids))
    mine = f"SELECT id FROM {_table(Application)} WHERE organisation_id IN ({marks})"
    commune = _table(Commune)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(ApplicationTerritory)} (application_id, departement_id)"
            " SELECT application_id, departement_id FROM ("
            f" SELECT w.application_id, c.departement_id"
            f" FROM {_table(Application.wished_communes.through)} w"
            f" JOIN {commune} c ON c.code = w.commune_id WHERE w.application_id IN ({mine})"
            f" UNION SELECT e.application_id, c.departement_id"
            f" FROM {_table(Application.wished_epcis.through)} e"
            f" JOIN {commune} c ON c.epci_id = e.epci_id WHERE e.application_id IN ({mine})"
            ") wishes",
            [*ids, *ids],
        )


def stock_communes(organisation):
    """Codes of the communes where ``organisation`` has at least one dwelling (subquery)."""
    return (
        Dwelling.objects.for_organisation(organisation)
        .values("building__commune_id")
        .order_by()
        .distinct()
    )


def pool_q(organisation) -> Q:
    """Applications ``organisation`` may read from the pool: a wished commune where it has
    stock, or a wished EPCI holding such a commune (read from the wish tables themselves, so
    that access never depends on a denormalised copy)."""
    communes = stock_communes(organisation)
    epcis = Commune.objects.filter(code__in=communes, epci__isnull=False).values("epci_id")
    wishes_commune = Application.wished_communes.through.objects.filter(
        application_id=OuterRef("pk"), commune_id__in=communes
    )
    wishes_epci = Application.wished_epcis.through.objects.filter(
        application_id=OuterRef("pk"), epci_id__in=epcis
    )
    return Exists(wishes_commune) | Exists(wishes_epci)


def in_territory_q(organisation) -> Q:
    """The coarse filter of the pool list: applications whose territory (``ApplicationTerritory``,
    on its ``(departement, application)`` index) meets the départements of the stock."""
    departements = Commune.objects.filter(code__in=stock_communes(organisation)).values(
        "departement_id"
    )
    return Exists(
        ApplicationTerritory.objects.filter(
            application_id=OuterRef("pk"), departement_id__in=departements
        )
    )


def readable_applications(organisation, queryset=None):
    """``organisation``'s own applications and those of the pool it may read."""
    queryset = Application.objects.all() if queryset is None else queryset
    return queryset.filter(
        Q(organisation=organisation) | (~Q(organisation=organisation) & pool_q(organisation))
    )


def pool_applications(organisation, queryset=None):
    """Only the other landlords' applications ``organisation`` may read (the list's "other
    landlords" filter): the territory first, then the wishes."""
    queryset = Application.objects.all() if queryset is None else queryset
    return (
        queryset.exclude(organisation=organisation)
        .filter(in_territory_q(organisation))
        .filter(pool_q(organisation))
    )


def get_application_for_request(
    request, queryset=None, *, pk, ability: str = "allocation.view", write: bool = False
) -> Application:
    """The application ``pk`` as the current organisation may open it, or 404.

    The registering landlord's own file: always (with ``ability``). Another landlord's:
    only to read (``write=False``), and only if it wishes a commune (or the EPCI of one) where
    the current organisation has dwellings; ``application.shared`` is then True, and the
    caller audits the reading in both chains (``services.application_viewed(reader=…)``).
    Outsiders and organisations without stock there get a 404, as for any other tenant row.
    """
    require_ability(request, ability)
    organisation = request.organisation
    queryset = Application.objects.all() if queryset is None else queryset
    if write:
        application = get_object_or_404(queryset.for_organisation(organisation), pk=pk)
    else:
        application = get_object_or_404(readable_applications(organisation, queryset), pk=pk)
    application.shared = application.organisation_id != organisation.pk
    if application.shared and not request.abilities.get("allocation.view"):
        raise Http404
    return application


@dataclass(frozen=True)
class Proposal:
    """A pending proposal of the file by a landlord: "proposed by X for a T3 in Tours,
    commission on <date>"."""

    landlord: str
    typology: str
    commune: str
    session_opens_at: object  # aware datetime


def proposals_elsewhere(application: Application, viewer) -> list[Proposal]:
    """The pending candidacies of ``application`` on the agendas of landlords other than
    ``viewer``, soonest session first. One query."""
    candidacies = (
        Candidate.objects.filter(application=application, item__status=ItemStatus.PENDING)
        .exclude(organisation=viewer)
        .select_related(
            "organisation", "item__session", "item__vacancy__dwelling__building__commune"
        )
        .order_by("item__session__opens_at", "pk")
    )
    return [
        Proposal(
            landlord=candidate.organisation.name,
            typology=candidate.item.vacancy.dwelling.typology,
            commune=candidate.item.vacancy.dwelling.building.commune.name,
            session_opens_at=candidate.item.session.opens_at,
        )
        for candidate in candidacies
    ]


def duplicate_message(number: str, organisation, exclude_pk=None) -> str | None:
    """The refusal of a second registration of ``number``, or None if it is free: which
    landlord registered it and when, and nothing else of a file the user may not open (the
    registering landlord's own staff are told to open it). One query."""
    existing = (
        Application.objects.filter(registration_number=number)
        .exclude(pk=exclude_pk)
        .select_related("organisation")
        .only("pk", "first_applied_on", "created_at", "organisation__name")
        .first()
    )
    if existing is None:
        return None
    params = {
        "number": number,
        "landlord": existing.organisation.name,
        "date": date_format(timezone.localtime(existing.created_at).date(), "SHORT_DATE_FORMAT"),
    }
    if existing.organisation_id == getattr(organisation, "pk", None):
        return (
            _(
                "The registration number %(number)s is already registered here (on %(date)s): "
                "open that file instead."
            )
            % params
        )
    return (
        _(
            "The registration number %(number)s is already registered by %(landlord)s (on "
            "%(date)s): an application is registered once; ask %(landlord)s to update it."
        )
        % params
    )
