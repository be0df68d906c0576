"""The housing importers: stock, households, leases. All or nothing (``service.run_import``).

Set-based: existing rows are resolved with one query per model (chunked only where the
database limits the number of parameters), new rows go in with ``bulk_create`` and changed
rows with ``bulk_update``, in batches (``writing.Writer``). Rows are matched by reference
within the organisation, so importing the same file twice changes nothing the second time.
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from ..models import Building, Commune, Dwelling, Household, Lease, Occupant, Residence
from ..search import refresh_dwellings, refresh_households
from .cells import fold
from .formats import FORMATS, HOUSEHOLDS, LEASES, STOCK, Format
from .service import ImportResult, run_import
from .validation import Errors, check_consistent, check_unique
from .writing import (
    BATCH_SIZE,
    Count,
    Writer,
    apply_values,
    by_reference,
    chunks,
    save_all,
)

# Imported from here by the applications importer.
__all__ = ["BATCH_SIZE", "Count", "ImportResult", "Importer", "apply_values", "chunks", "save_all"]


def housing_import(*, organisation, actor, kind: str, file, sensitive: bool, job=None):
    """Import ``file`` (an uploaded .csv or .xlsx) of ``kind`` into ``organisation``.

    ``sensitive``: the actor has ``household.view_sensitive`` (else a households file with
    sensitive columns is refused). ``job``: run as that background job (batched writes).
    Returns an :class:`ImportResult`; writes one ``housing.imported`` audit event on success.
    """
    return run_import(
        spec=FORMATS[kind],
        importer_class=IMPORTERS[kind],
        organisation=organisation,
        actor=actor,
        file=file,
        sensitive=sensitive,
        audit_action="housing.imported",
        audit_changes=lambda result: {
            "kind": kind,
            "file": result.filename,
            "rows": result.rows,
            "created": {count.key: count.created for count in result.counts},
            "updated": {count.key: count.updated for count in result.counts},
            "fields": {count.key: sorted(count.fields) for count in result.counts},
        },
        job=job,
    )


def upsert(writer, model, organisation, existing, desired, count: Count, new_values=None) -> dict:
    """Create or update one row per reference of ``desired`` (reference → values by attname).

    ``new_values`` (reference → values) are set on new rows only. Returns reference → row.
    """
    new_values = new_values or {}
    to_create, to_update, fields, given = [], [], set(), {"reference"}
    rows = dict(existing)
    for reference, values in desired.items():
        obj = existing.get(reference)
        if obj is None:
            extra = new_values.get(reference, {})
            obj = model(organisation=organisation, reference=reference, **values, **extra)
            to_create.append(obj)
            given.update(values, extra)
            rows[reference] = obj
        elif changed := apply_values(obj, values):
            to_update.append(obj)
            fields.update(changed)
        else:
            count.unchanged += 1
    writer.save_all(model, to_create, to_update, fields, count, given)
    return rows


def _count(model) -> Count:
    return Count(model._meta.model_name, model._meta.verbose_name_plural, model._meta.label_lower)


class Importer:
    spec: Format

    def __init__(self, organisation, header: list[str], rows, errors: Errors, writer=None):
        self.organisation = organisation
        self.header = set(header)
        self.rows = rows
        self.errors = errors
        self.writer = writer or Writer()

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
            self.writer,
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
            self.writer,
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
            self.writer,
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
            self.writer,
            Household,
            self.organisation,
            self.existing_households,
            {ref: {"name": row["household_name"]} for ref, row in self.households.items()},
            counts[0],
        )
        to_create, to_update, fields, given = [], [], set(), {"household"}
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
                given.update(values)
            elif changed := apply_values(occupant, values):
                to_update.append(occupant)
                fields.update(changed)
            else:
                counts[1].unchanged += 1
        self.writer.save_all(Occupant, to_create, to_update, fields, counts[1], given)
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
        """At most one lease without end date per dwelling and per household (constraints
        ``lease_one_current_per_dwelling`` and ``lease_one_current_per_household``)."""
        flagged = self._check_one_current(
            "dwelling_id",
            self.dwellings,
            "dwelling_reference",
            _(
                "Dwelling “%(ref)s” would have two current leases (%(leases)s): "
                "give the older one an end date."
            ),
        )
        self._check_one_current(
            "household_id",
            self.households,
            "household_reference",
            _(
                "Household “%(ref)s” would have two current leases (%(leases)s): "
                "give the older one an end date (a transfer ends the old lease first)."
            ),
            skip=flagged,
        )

    def _check_one_current(
        self, field: str, targets: dict, column: str, message: str, skip=frozenset()
    ) -> set[int]:
        """Flag rows giving ``field`` a second current lease; returns their numbers (rows in
        ``skip`` already have this error for their dwelling, and get no second message)."""
        flagged = set()
        in_file = {row["lease_reference"] for row in self.rows}
        current: dict[int, list[str]] = {}
        ids = sorted({target.pk for target in targets.values()})
        for chunk in chunks(ids):
            for reference, target_id in (
                self.objects(Lease)
                .filter(**{f"{field}__in": chunk, "end_date__isnull": True})
                .values_list("reference", field)
            ):
                if reference not in in_file:
                    current.setdefault(target_id, []).append(reference)
        for row in self.rows:
            target = targets.get(row[column])
            if target is None or self.end_date(row) is not None:
                continue
            others = current.setdefault(target.pk, [])
            if others and row.number not in skip:
                leases = ", ".join([*others, row["lease_reference"]])
                self.errors.add(
                    row.number, "end_date", message % {"ref": target.reference, "leases": leases}
                )
                flagged.add(row.number)
            others.append(row["lease_reference"])
        return flagged

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
        upsert(self.writer, Lease, self.organisation, self.existing, ending, count)
        staying = {ref: values for ref, values in desired.items() if ref not in ending}
        upsert(self.writer, Lease, self.organisation, self.existing, staying, count)
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
