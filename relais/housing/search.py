"""The ``search`` columns of households and dwellings, and of communes' names.

A household's column holds its name and reference, each occupant's first and last names,
phone (national digits) and e-mail, and the reference of the dwelling of its current lease;
a dwelling's holds its reference, its building's address, postcode and commune, and its
residence's name (folding: ``relais.core.search``). Services refresh the rows a write touches
(:func:`refresh_after_save`), imports the rows of their file, the demo seed writes the column
with its rows. Every refresh is set-based: three reads and one ``executemany`` UPDATE.
"""

from collections import defaultdict

from relais.core.bulk import update_rows
from relais.core.search import compact, document, phone_digits

from .models import Building, Dwelling, Household, Lease, Occupant, Residence


def household_document(name, reference, occupants, dwelling_reference="") -> str:
    """``occupants``: (first name, last name, phone, e-mail) tuples; phone as stored (E.164)."""
    people = [
        part
        for first, last, phone, email in occupants
        for part in (first, last, phone_digits(phone), email)
    ]
    return document(name, reference, *people, dwelling_reference)


def dwelling_document(reference, address, postcode, commune_name, residence_name) -> str:
    return document(reference, address, postcode, commune_name, residence_name)


def commune_search_name(name: str) -> str:
    """A commune's name folded for the pickers ("Joué-lès-Tours" → "jouelestours")."""
    return compact(name)


def refresh_households(households) -> int:
    """Recompute the column of the households of ``households`` (a queryset); returns rows."""
    rows = list(households.values_list("pk", "name", "reference"))
    ids = [pk for pk, _name, _reference in rows]
    people = defaultdict(list)
    dwelling = {}
    if ids:
        occupants = Occupant.objects.filter(household__in=households).order_by("pk")
        for household_id, *person in occupants.values_list(
            "household_id", "first_name", "last_name", "phone", "email"
        ):
            people[household_id].append(person)
        current = Lease.objects.filter(household__in=households, end_date__isnull=True)
        dwelling = dict(current.values_list("household_id", "dwelling__reference"))
    update_rows(
        Household,
        ["search"],
        [
            (household_document(name, ref, people[pk], dwelling.get(pk, "")), pk)
            for pk, name, ref in rows
        ],
    )
    return len(rows)


def refresh_dwellings(dwellings) -> int:
    """Recompute the column of the dwellings of ``dwellings`` (a queryset); returns rows."""
    rows = dwellings.values_list(
        "pk",
        "reference",
        "building__address",
        "building__postcode",
        "building__commune__name",
        "building__residence__name",
    )
    updates = [(dwelling_document(*values), pk) for pk, *values in rows]
    update_rows(Dwelling, ["search"], updates)
    return len(updates)


def refresh_after_save(instance) -> None:
    """Refresh the columns that the saved ``instance`` appears in."""
    organisation = instance.organisation_id
    households = Household.objects.filter(organisation_id=organisation)
    dwellings = Dwelling.objects.filter(organisation_id=organisation)
    if isinstance(instance, Household):
        refresh_households(households.filter(pk=instance.pk))
    elif isinstance(instance, Occupant | Lease):
        refresh_households(households.filter(pk=instance.household_id))
    elif isinstance(instance, Dwelling):
        refresh_dwellings(dwellings.filter(pk=instance.pk))
        current = Lease.objects.filter(dwelling_id=instance.pk, end_date__isnull=True)
        refresh_households(households.filter(pk__in=current.values("household_id")))
    elif isinstance(instance, Building):
        refresh_dwellings(dwellings.filter(building_id=instance.pk))
    elif isinstance(instance, Residence):
        refresh_dwellings(dwellings.filter(building__residence_id=instance.pk))
