"""Importing a file: validate everything, then write everything in one transaction, or nothing.

Set-based: existing rows are resolved with one query per model (chunked only where the
database limits the number of parameters), new rows go in with ``bulk_create`` and changed
rows with ``bulk_update``, in batches. Rows are matched by reference within the organisation,
so importing the same file twice changes nothing the second time.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from relais.core import audit

from ..models import Building, Commune, Dwelling, Household, Lease, Occupant, Residence
from ..search import refresh_dwellings, refresh_households
from .cells import fold
from .formats import FORMATS, HOUSEHOLDS, LEASES, STOCK, Format
from .readers import FileError, read_upload
from .validation import (
    MAX_SHOWN_ERRORS,
    Errors,
    RowError,
    check_consistent,
    check_unique,
    parse_table,
)

BATCH_SIZE = 1000


@dataclass
class Count:
    key: str
    label: Any  # lazy translated plural name
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    kind: str
    filename: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]

    @property
    def hidden_error_count(self) -> int:
        return max(0, len(self.errors) - MAX_SHOWN_ERRORS)

    @property
    def created(self) -> int:
        return sum(count.created for count in self.counts)

    @property
    def updated(self) -> int:
        return sum(count.updated for count in self.counts)


def housing_import(*, organisation, actor, kind: str, file) -> ImportResult:
    """Import ``file`` (an uploaded .csv or .xlsx) of ``kind`` into ``organisation``."""
    spec = FORMATS[kind]
    result = ImportResult(kind=kind, filename=getattr(file, "name", "") or "")
    errors = Errors()
    try:
        table = read_upload(file)
    except FileError as exc:
        errors.add(0, "", exc.message)
        result.errors = errors.sorted()
        return result
    header, rows = parse_table(spec, table, errors)
    result.rows = len(rows)
    if not header or not rows:
        result.errors = errors.sorted()
        return result
    importer = IMPORTERS[kind](organisation, header, rows, errors)
    try:
        with transaction.atomic():
            importer.check()
            if errors:
                result.errors = errors.sorted()
                return result
            result.counts = importer.write()
            importer.refresh_search()
            audit.record(
                action="housing.imported",
                organisation=organisation,
                actor=actor,
                object_repr=result.filename,
                changes={
                    "kind": kind,
                    "file": result.filename,
                    "rows": result.rows,
                    "created": {count.key: count.created for count in result.counts},
                    "updated": {count.key: count.updated for count in result.counts},
                },
            )
    except IntegrityError:
        # Someone else changed the same rows between our checks and our writes.
        result.counts = []
        result.errors = [
            RowError(0, "", _("The data changed during the import: nothing was saved. Try again."))
        ]
    return result


def chunks(values: list, size: int | None = None):
    size = size or connection.features.max_query_params or len(values) or 1
    for start in range(0, len(values), size):
        yield values[start : start + size]


def by_reference(queryset, references) -> dict[str, Any]:
    """reference → row, for the given references (like ``in_bulk`` on a per-tenant key)."""
    found = {}
    for chunk in chunks(sorted(references)):
        for obj in queryset.filter(reference__in=chunk):
            found[obj.reference] = obj
    return found


def apply_values(obj, values: dict[str, Any]) -> list[str]:
    """Set ``values`` (by attname) on ``obj``; the names of the fields that really changed."""
    changed = []
    for attname, value in values.items():
        model_field = obj._meta.get_field(attname)
        if model_field.get_prep_value(getattr(obj, attname)) != model_field.get_prep_value(value):
            setattr(obj, attname, value)
            changed.append(model_field.name)
    return changed


def save_all(model, to_create: list, to_update: list, fields: set[str], count: Count) -> None:
    """Bulk-update the changed rows, then bulk-create the new ones."""
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields), batch_size=BATCH_SIZE)
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    count.created += len(to_create)
    count.updated += len(to_update)


def upsert(model, organisation, existing, desired, count: Count, new_values=None) -> dict:
    """Create or update one row per reference of ``desired`` (reference → values by attname).

    ``new_values`` (reference → values) are set on new rows only. Returns reference → row.
    """
    new_values = new_values or {}
    to_create, to_update, fields = [], [], set()
    rows = dict(existing)
    for reference, values in desired.items():
        obj = existing.get(reference)
        if obj is None:
            obj = model(
                organisation=organisation,
                reference=reference,
                **values,
                **new_values.get(reference, {}),
            )
            to_create.append(obj)
            rows[reference] = obj
        elif changed := apply_values(obj, values):
            to_update.append(obj)
            fields.update(changed)
        else:
            count.unchanged += 1
    save_all(model, to_create, to_update, fields, count)
    return rows


def _count(model) -> Count:
    return Count(model._meta.model_name, model._meta.verbose_name_plural)


class Importer:
    spec: Format

    def __init__(self, organisation, header: list[str], rows, errors: Errors):
        self.organisation = organisation
        self.header = set(header)
        self.rows = rows
        self.errors = errors

    def objects(self, model):
        return model.objects.for_organisation(self.organisation)

    def present(self, row, columns: dict[str, str]) -> dict[str, Any]:
        """{attname: value} for the optional ``columns`` (column → attname) in the file."""
        return {attname: row[name] for name, attname in columns.items() if name in self.header}

    def check(self) -> None:
        raise NotImplementedError

    def write(self) -> list[Count]:
        raise NotImplementedError

    def refresh_search(self) -> None:
        """Refresh the search columns of the rows the file touched (``housing.search``)."""
        raise NotImplementedError


class StockImporter(Importer):
    """One row per dwelling; its residence and building are repeated on each row."""

    spec = STOCK
    BUILDING_COLUMNS = {"in_qpv": "in_qpv", "has_lift": "has_lift", "floors": "floors"}
    DWELLING_COLUMNS = {"floor": "floor", "lift": "lift", "accessible": "accessible"}

    def check(self) -> None:
        rows, errors = self.rows, self.errors
        check_unique(rows, "dwelling_reference", errors)
        self.residences = check_consistent(
            rows,
            "residence_reference",
            ["residence_name"],
            _("Line %(line)s gives this residence another value (“%(other)s”)."),
            errors,
        )
        self.buildings = check_consistent(
            rows,
            "building_reference",
            ["residence_reference", "address", "postcode", "commune_code", *self.BUILDING_COLUMNS],
            _("Line %(line)s gives this building another value (“%(other)s”)."),
            errors,
        )
        self._check_communes()
        self.existing_residences = by_reference(self.objects(Residence), self.residences)
        self.existing_buildings = by_reference(
            self.objects(Building).select_related("residence"), self.buildings
        )
        self.existing_dwellings = by_reference(
            self.objects(Dwelling).select_related("building"),
            {row["dwelling_reference"] for row in rows if row["dwelling_reference"]},
        )
        self._check_moves()

    def _check_communes(self) -> None:
        codes = sorted({row["commune_code"] for row in self.rows if row["commune_code"]})
        known = set()
        for chunk in chunks(codes):
            known.update(Commune.objects.filter(code__in=chunk).values_list("code", flat=True))
        for row in self.rows:
            if row["commune_code"] and row["commune_code"] not in known:
                self.errors.add(
                    row.number,
                    "commune_code",
                    _("No commune has the INSEE code “%(value)s”.")
                    % {"value": row["commune_code"]},
                )

    def _check_moves(self) -> None:
        """A building stays in its residence, a dwelling in its building."""
        for reference, row in self.buildings.items():
            building = self.existing_buildings.get(reference)
            if building and building.residence.reference != row["residence_reference"]:
                self.errors.add(
                    row.number,
                    "building_reference",
                    _("Building “%(building)s” already belongs to residence “%(residence)s”.")
                    % {"building": reference, "residence": building.residence.reference},
                )
        for row in self.rows:
            dwelling = self.existing_dwellings.get(row["dwelling_reference"])
            if dwelling and dwelling.building.reference != row["building_reference"]:
                self.errors.add(
                    row.number,
                    "dwelling_reference",
                    _("Dwelling “%(dwelling)s” already belongs to building “%(building)s”.")
                    % {
                        "dwelling": row["dwelling_reference"],
                        "building": dwelling.building.reference,
                    },
                )

    def write(self) -> list[Count]:
        counts = [_count(Residence), _count(Building), _count(Dwelling)]
        residences = upsert(
            Residence,
            self.organisation,
            self.existing_residences,
            {ref: {"name": row["residence_name"]} for ref, row in self.residences.items()},
            counts[0],
            new_values={
                ref: {"commune_id": row["commune_code"]} for ref, row in self.residences.items()
            },
        )
        buildings = upsert(
            Building,
            self.organisation,
            self.existing_buildings,
            {
                ref: {
                    "residence_id": residences[row["residence_reference"]].pk,
                    "address": row["address"],
                    "postcode": row["postcode"],
                    "commune_id": row["commune_code"],
                    **self.present(row, self.BUILDING_COLUMNS),
                }
                for ref, row in self.buildings.items()
            },
            counts[1],
        )
        upsert(
            Dwelling,
            self.organisation,
            self.existing_dwellings,
            {
                row["dwelling_reference"]: {
                    "building_id": buildings[row["building_reference"]].pk,
                    "typology": row["typology"],
                    "surface": row["surface"],
                    "financing": row["financing"],
                    "rent_cents": row["rent"],
                    **self.present(row, self.DWELLING_COLUMNS),
                }
                for row in self.rows
            },
            counts[2],
        )
        return counts

    def refresh_search(self) -> None:
        for chunk in chunks(sorted(self.residences)):
            refresh_dwellings(
                self.objects(Dwelling).filter(building__residence__reference__in=chunk)
            )


class HouseholdImporter(Importer):
    """One row per occupant; a row without first name, last name and birth date declares
    the household only. Occupants are matched within their household by first name, last
    name (case and accents ignored) and birth date; occupants missing from the file stay."""

    spec = HOUSEHOLDS
    PERSON = ("first_name", "last_name", "birth_date")
    OCCUPANT_COLUMNS = {
        name: name
        for name in (
            "is_holder",
            "phone",
            "email",
            "preferred_channel",
            "has_disability",
            "lives_alone",
            "vulnerability_consent",
            "consent_recorded_on",
        )
    }

    def check(self) -> None:
        self.households = check_consistent(
            self.rows,
            "household_reference",
            ["household_name"],
            _("Line %(line)s gives this household another value (“%(other)s”)."),
            self.errors,
        )
        self.occupant_rows = [row for row in self.rows if self._is_occupant(row)]
        self._check_occupants()
        self.existing_households = by_reference(self.objects(Household), self.households)
        self.matches = self._match_existing()
        for row in self.occupant_rows:
            self._check_consent(row, self.matches.get(row.number))

    def _is_occupant(self, row) -> bool:
        if any(row.get(name) or name in row.invalid for name in self.PERSON):
            return True
        others = (self.spec.column(name) for name in self.OCCUPANT_COLUMNS if name in row.values)
        return any(
            row[column.name] != column.default or column.name in row.invalid for column in others
        )

    @staticmethod
    def key(row) -> tuple:
        return (fold(row["first_name"]), fold(row["last_name"]), row["birth_date"])

    def _check_occupants(self) -> None:
        today, first = dt.date.today(), {}
        for row in self.occupant_rows:
            for name in self.PERSON:
                if not row.get(name) and name not in row.invalid:
                    self.errors.add(row.number, name, _("A value is required."))
            if row["birth_date"] and row["birth_date"] > today:
                self.errors.add(row.number, "birth_date", _("The birth date is in the future."))
            if not all(row.get(name) for name in self.PERSON):
                continue
            key = (row["household_reference"], *self.key(row))
            if key in first:
                self.errors.add(
                    row.number,
                    "first_name",
                    _("The same occupant already appears on line %(line)s.")
                    % {"line": first[key].number},
                )
            first.setdefault(key, row)

    def _match_existing(self) -> dict[int, Occupant]:
        """Row number → the existing occupant it describes."""
        household_ids = [household.pk for household in self.existing_households.values()]
        existing: dict[tuple, Occupant] = {}
        for chunk in chunks(household_ids):
            for occupant in self.objects(Occupant).filter(household_id__in=chunk).order_by("pk"):
                key = (
                    occupant.household_id,
                    fold(occupant.first_name),
                    fold(occupant.last_name),
                    occupant.birth_date,
                )
                existing.setdefault(key, occupant)
        matches = {}
        for row in self.occupant_rows:
            household = self.existing_households.get(row["household_reference"])
            if household is not None and all(row.get(name) for name in self.PERSON):
                occupant = existing.get((household.pk, *self.key(row)))
                if occupant is not None:
                    matches[row.number] = occupant
        return matches

    def _check_consent(self, row, occupant) -> None:
        """The database requires a date with each consent (``occupant_consent_dated``)."""

        def final(name):
            if name in self.header:
                return row[name]
            return getattr(occupant, name) if occupant else self.spec.column(name).default

        if final("vulnerability_consent") and final("consent_recorded_on") is None:
            column = "consent_recorded_on"
            if column not in self.header:
                column = "vulnerability_consent"
            if column not in row.invalid:
                self.errors.add(
                    row.number, column, _("A consent needs the date it was recorded on.")
                )

    def write(self) -> list[Count]:
        counts = [_count(Household), _count(Occupant)]
        households = upsert(
            Household,
            self.organisation,
            self.existing_households,
            {ref: {"name": row["household_name"]} for ref, row in self.households.items()},
            counts[0],
        )
        to_create, to_update, fields = [], [], set()
        for row in self.occupant_rows:
            values = {
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "birth_date": row["birth_date"],
                **self.present(row, self.OCCUPANT_COLUMNS),
            }
            occupant = self.matches.get(row.number)
            if occupant is None:
                household = households[row["household_reference"]]
                to_create.append(
                    Occupant(organisation=self.organisation, household_id=household.pk, **values)
                )
            elif changed := apply_values(occupant, values):
                to_update.append(occupant)
                fields.update(changed)
            else:
                counts[1].unchanged += 1
        save_all(Occupant, to_create, to_update, fields, counts[1])
        return counts

    def refresh_search(self) -> None:
        for chunk in chunks(sorted(self.households)):
            refresh_households(self.objects(Household).filter(reference__in=chunk))


class LeaseImporter(Importer):
    """Leases of existing dwellings and households; a dwelling keeps one current lease."""

    spec = LEASES
    OPTIONAL_COLUMNS = {"end_date": "end_date", "housing_benefit": "housing_benefit_cents"}

    def check(self) -> None:
        rows, errors = self.rows, self.errors
        check_unique(rows, "lease_reference", errors)
        self.dwellings = by_reference(
            self.objects(Dwelling), {row["dwelling_reference"] for row in rows}
        )
        self.households = by_reference(
            self.objects(Household), {row["household_reference"] for row in rows}
        )
        self.existing = by_reference(
            self.objects(Lease).select_related("dwelling", "household"),
            {row["lease_reference"] for row in rows},
        )
        for row in rows:
            self._check_row(row)
        self._check_current_leases()

    def _check_row(self, row) -> None:
        for column, found, message in (
            ("dwelling_reference", self.dwellings, _("No dwelling has the reference “%(value)s”.")),
            (
                "household_reference",
                self.households,
                _("No household has the reference “%(value)s”."),
            ),
        ):
            if row[column] and row[column] not in found and column not in row.invalid:
                self.errors.add(row.number, column, message % {"value": row[column]})
        end = self.end_date(row)
        if row["start_date"] and end and end < row["start_date"]:
            self.errors.add(row.number, "end_date", _("The end date is before the start date."))
        lease = self.existing.get(row["lease_reference"])
        if lease is None:
            return
        if lease.dwelling.reference != row["dwelling_reference"]:
            self.errors.add(
                row.number,
                "dwelling_reference",
                _("Lease “%(lease)s” is for dwelling “%(other)s”; a lease cannot change dwelling.")
                % {"lease": lease.reference, "other": lease.dwelling.reference},
            )
        if lease.household.reference != row["household_reference"]:
            self.errors.add(
                row.number,
                "household_reference",
                _(
                    "Lease “%(lease)s” is for household “%(other)s”; "
                    "a lease cannot change household."
                )
                % {"lease": lease.reference, "other": lease.household.reference},
            )

    def end_date(self, row):
        """The lease's end date once imported (None: current lease)."""
        if "end_date" in self.header:
            return row["end_date"]
        lease = self.existing.get(row["lease_reference"])
        return lease.end_date if lease else None

    def _check_current_leases(self) -> None:
        """``lease_one_current_per_dwelling``: at most one lease without end date."""
        in_file = {row["lease_reference"] for row in self.rows}
        current: dict[int, list[str]] = {}
        ids = sorted({dwelling.pk for dwelling in self.dwellings.values()})
        for chunk in chunks(ids):
            for reference, dwelling_id in (
                self.objects(Lease)
                .filter(dwelling_id__in=chunk, end_date__isnull=True)
                .values_list("reference", "dwelling_id")
            ):
                if reference not in in_file:
                    current.setdefault(dwelling_id, []).append(reference)
        for row in self.rows:
            dwelling = self.dwellings.get(row["dwelling_reference"])
            if dwelling is None or self.end_date(row) is not None:
                continue
            others = current.setdefault(dwelling.pk, [])
            if others:
                self.errors.add(
                    row.number,
                    "end_date",
                    _(
                        "Dwelling “%(dwelling)s” would have two current leases (%(leases)s): "
                        "give the older one an end date."
                    )
                    % {
                        "dwelling": dwelling.reference,
                        "leases": ", ".join([*others, row["lease_reference"]]),
                    },
                )
            others.append(row["lease_reference"])

    def write(self) -> list[Count]:
        count = _count(Lease)
        desired = {
            row["lease_reference"]: {
                "dwelling_id": self.dwellings[row["dwelling_reference"]].pk,
                "household_id": self.households[row["household_reference"]].pk,
                "start_date": row["start_date"],
                "rent_cents": row["rent"],
                "charges_cents": row["charges"],
                **self.present(row, self.OPTIONAL_COLUMNS),
            }
            for row in self.rows
        }
        # Ending leases first, so that a dwelling never has two current leases in between.
        ending = {ref: values for ref, values in desired.items() if self._ends(ref, values)}
        upsert(Lease, self.organisation, self.existing, ending, count)
        staying = {ref: values for ref, values in desired.items() if ref not in ending}
        upsert(Lease, self.organisation, self.existing, staying, count)
        return [count]

    def refresh_search(self) -> None:
        ids = sorted({household.pk for household in self.households.values()})
        for chunk in chunks(ids):
            refresh_households(self.objects(Household).filter(pk__in=chunk))

    def _ends(self, reference, values) -> bool:
        if "end_date" in values:
            return values["end_date"] is not None
        lease = self.existing.get(reference)
        return lease is not None and lease.end_date is not None


IMPORTERS: dict[str, type[Importer]] = {
    "stock": StockImporter,
    "households": HouseholdImporter,
    "leases": LeaseImporter,
}
