"""Import and export of applications (CSV, XLSX), on the housing import machinery.

The readers, cell parsers, validation and export writers of ``relais.housing.io`` are reused
as they are; this module gives the columns, the checks against the database and the writes.
All or nothing (docs/decisions/0004): every row is checked first, nothing is written if one
is wrong; otherwise applications are upserted by registration number with ``bulk_create`` /
``bulk_update``, their wishes rewritten in bulk, and their scores computed in bulk after.
See docs/applications-import.md.
"""

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import audit
from relais.housing.io import cells
from relais.housing.io.formats import CHANNEL, Column, Format
from relais.housing.io.importers import Importer
from relais.housing.io.service import ImportResult, run_import
from relais.housing.io.validation import check_unique
from relais.housing.io.writing import BATCH_SIZE, Count, apply_values, chunks
from relais.housing.models import Commune, Epci, Typology

from ..models import (
    TYPOLOGY_BITS,
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    HousingSituation,
    PriorityCriterion,
    registration_number_validator,
)
from ..scoring import services as scoring
from .lifecycle import renewal_check
from .services import Document, derive

KIND = "applications"
MAX_INCOME = 99_999_999
LIST_SEPARATORS = re.compile(r"[\s,;|]+")


def registration_number(value) -> str:
    result = cells.as_text(value)
    if len(result) > 40 or not registration_number_validator.regex.match(result):
        raise cells.CellError(
            _(
                "“%(value)s” is not a valid registration number (letters, digits, spaces and "
                ". _ / -, 40 characters at most)."
            )
            % {"value": cells.shown(result)}
        )
    return result


def euros(value) -> int:
    """A yearly income in whole euros: "18 000", "18000", 18000.0."""
    return int(cells.decimal(places=0, max_digits=8, minimum=Decimal(0))(value))


def siren(value) -> str:
    result = cells.as_text(value)
    if not re.fullmatch(r"\d{9}", result):
        raise cells.CellError(
            _("“%(value)s” is not an EPCI SIREN code (9 digits).") % {"value": cells.shown(value)}
        )
    return result


def listing(parse):
    """A cell holding several values separated by commas or spaces → a list (order kept)."""

    def parse_list(value) -> list:
        items = [parse(item) for item in LIST_SEPARATORS.split(cells.as_text(value)) if item]
        return list(dict.fromkeys(items))

    return parse_list


class _Message:
    """A lazy error message that also names the accepted ``codes`` (``cells.choice`` fills
    in the value only)."""

    def __init__(self, message, codes):
        self.message, self.codes = message, ", ".join(codes)

    def __mod__(self, params: dict) -> str:
        return self.message % {**params, "codes": self.codes}


def _codes(choices, message, aliases: dict[str, str] | None = None):
    words = {**{code: code for code in choices.values}, **(aliases or {})}
    return cells.choice(words, _Message(message, choices.values))


HOUSING_SITUATION = _codes(
    HousingSituation,
    gettext_lazy("“%(value)s” is not a housing situation (%(codes)s)."),
    {
        "locataire hlm": HousingSituation.SOCIAL_TENANT,
        "locataire parc social": HousingSituation.SOCIAL_TENANT,
        "locataire parc prive": HousingSituation.PRIVATE_TENANT,
        "locataire prive": HousingSituation.PRIVATE_TENANT,
        "heberge": HousingSituation.HOSTED,
        "heberge par un tiers": HousingSituation.HOSTED,
        "structure d'hebergement": HousingSituation.SHELTER,
        "foyer": HousingSituation.SHELTER,
        "sans abri": HousingSituation.HOMELESS,
        "sans-abri": HousingSituation.HOMELESS,
        "logement insalubre": HousingSituation.UNFIT,
        "proprietaire": HousingSituation.OWNER,
        "autre": HousingSituation.OTHER,
    },
)
STATUS = _codes(
    ApplicationStatus,
    gettext_lazy("“%(value)s” is not a status (%(codes)s)."),
    {
        "en cours": ApplicationStatus.ACTIVE,
        "proposee": ApplicationStatus.PROPOSED,
        "attribuee": ApplicationStatus.ALLOCATED,
        "annulee": ApplicationStatus.CANCELLED,
        "radiee": ApplicationStatus.STRUCK_OFF,
    },
)
PRIORITY = _codes(
    PriorityCriterion,
    gettext_lazy("“%(value)s” is not a priority criterion (%(codes)s)."),
)
DOCUMENT = _codes(
    Document,
    gettext_lazy("“%(value)s” is not a document code (%(codes)s)."),
)
TYPOLOGY = _codes(Typology, gettext_lazy("“%(value)s” is not a typology (T1 to T6)."))


def _optional(name, parse, default=None, type="text") -> Column:
    return Column(name, parse, type=type, default=default, optional=True)


def _bool(name) -> Column:
    return Column(name, cells.boolean, type="bool", default=False, optional=True)


APPLICATIONS = Format(
    kind=KIND,
    label=gettext_lazy("Applications (one row per application)"),
    columns=(
        Column("registration_number", registration_number, required=True),
        Column("first_applied_on", cells.date, type="date", required=True),
        Column("applicant_first_name", cells.text(100), required=True),
        Column("applicant_last_name", cells.text(100), required=True),
        Column("applicant_birth_date", cells.date, type="date", required=True),
        _optional("co_applicant_birth_date", cells.date, type="date"),
        _optional("phone", cells.phone, default=""),
        _optional("email", cells.email, default=""),
        _optional("postal_address", cells.text(300), default=""),
        _optional("preferred_channel", CHANNEL, default="letter"),
        Column("persons", cells.integer(1, 20), type="int", required=True),
        _optional("dependants", cells.integer(0, 19), default=0, type="int"),
        _bool("is_couple"),
        _bool("has_disabled_member"),
        _bool("needs_accessible"),
        Column("income_n2", euros, type="int", required=True),
        _optional("income_n1", euros, type="int"),
        _optional("income_last_12_months", euros, type="int"),
        _optional("monthly_resources", cells.money, default=0, type="money"),
        _optional("current_housing_cost", cells.money, type="decimal"),
        Column("housing_situation", HOUSING_SITUATION, required=True),
        _optional("priority_criteria", listing(PRIORITY), default=[]),
        Column("wished_communes", listing(cells.commune_code), default=[]),
        _optional("wished_epcis", listing(siren), default=[]),
        _optional("typologies", listing(TYPOLOGY), default=[]),
        _optional("max_rent", cells.money, type="decimal"),
        _optional("documents_received", listing(DOCUMENT), default=[]),
        _optional("status", STATUS, default=ApplicationStatus.ACTIVE),
        _optional("renewed_on", cells.date, type="date"),
    ),
)
# Column → model attname, for the columns copied as they are.
ATTNAMES = {
    **{
        name: name
        for name in (
            "first_applied_on",
            "applicant_first_name",
            "applicant_last_name",
            "applicant_birth_date",
            "co_applicant_birth_date",
            "phone",
            "email",
            "postal_address",
            "preferred_channel",
            "persons",
            "dependants",
            "is_couple",
            "has_disabled_member",
            "needs_accessible",
            "income_n2",
            "income_n1",
            "income_last_12_months",
            "housing_situation",
            "priority_criteria",
            "documents_received",
            "renewed_on",
        )
    },
    "monthly_resources": "monthly_resources_cents",
    "current_housing_cost": "current_housing_cost_cents",
    "max_rent": "max_rent_cents",
}
DERIVED = (
    *("household_category", "extra_persons", "reference_income", "reference_income_basis"),
    *("search", "expires_on"),
)
WISHES = {"wished_communes": "commune", "wished_epcis": "epci"}


class ApplicationImporter(Importer):
    """One row per application, matched by registration number within the organisation.

    Written in one transaction even as a background job (``batched = False``): the updates go
    through ``scoring.update_rows`` and the wishes are rewritten, which the undo journal of
    ``relais.housing.io.writing`` does not record.
    """

    spec = APPLICATIONS
    batched = False
    actor = None  # who imports: set by ``applications_import`` for the status history

    def _given(self) -> set[str]:
        """Fields set on new applications: the file's columns and the derived ones."""
        names = {attname for name, attname in ATTNAMES.items() if name in self.header}
        if "typologies" in self.header:
            names.add("typology_mask")
        return {"registration_number", *names, *DERIVED}

    def check(self) -> None:
        check_unique(self.rows, "registration_number", self.errors)
        self.existing = self._existing()
        self.communes = self._known(Commune, "wished_communes")
        self.epcis = self._known(Epci, "wished_epcis")
        today = timezone.localdate()
        for row in self.rows:
            self._check_row(row, self.existing.get(row["registration_number"]), today)

    def _existing(self) -> dict[str, Application]:
        numbers = sorted({row["registration_number"] for row in self.rows} - {""})
        found = {}
        for chunk in chunks(numbers):
            for application in self.objects(Application).filter(registration_number__in=chunk):
                found[application.registration_number] = application
        return found

    def _known(self, model, column: str) -> set[str]:
        """The codes of ``column`` that exist; unknown ones are reported on their row."""
        if column not in self.header:
            return set()
        codes = sorted({code for row in self.rows for code in row[column]})
        known = set()
        for chunk in chunks(codes):
            known.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        for row in self.rows:
            unknown = [code for code in row[column] if code not in known]
            if unknown:
                self.errors.add(
                    row.number,
                    column,
                    _("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)},
                )
        return known

    def final(self, row, name: str, application: Application | None):
        """The value a column will have once imported (the stored one if left out)."""
        if name in self.header:
            return row[name]
        if application is not None:
            return getattr(application, ATTNAMES.get(name, name))
        return self.spec.column(name).default

    def _check_lifecycle(self, row, application, today: dt.date) -> None:
        """The status is read, never written: it changes through its events (a commission,
        an accepted offer, a lease, a renewal or its absence). ``renewed_on`` renews."""
        stored = application.status if application else ApplicationStatus.ACTIVE
        if "status" in self.header and row["status"] and row["status"] != stored:
            self.errors.add(
                row.number,
                "status",
                _(
                    "The status changes only through its events (commission, offer, lease, "
                    "renewal): leave this column out or keep “%(status)s”."
                )
                % {"status": ApplicationStatus(stored).label},
            )
        renewed_on = row.get("renewed_on")
        if not renewed_on or (application and application.renewed_on == renewed_on):
            return
        candidate = application or Application(status=ApplicationStatus.ACTIVE)
        if application is None:
            candidate.first_applied_on = row["first_applied_on"]
        if candidate.first_applied_on is None:
            return  # the registration date is wrong already: reported on its column
        try:
            renewal_check(candidate, renewed_on, today)
        except ValidationError as error:
            self.errors.add(row.number, "renewed_on", " ".join(error.messages))

    def _check_row(self, row, application, today: dt.date) -> None:
        self._check_lifecycle(row, application, today)
        for name in ("first_applied_on", "applicant_birth_date", "co_applicant_birth_date"):
            value = row.get(name)
            if value and value > today:
                self.errors.add(row.number, name, _("This date is in the future."))
        persons, dependants = row["persons"], self.final(row, "dependants", application)
        if {"persons", "dependants"} & row.invalid or persons is None:
            return
        is_couple = self.final(row, "is_couple", application)
        if persons - dependants < 1:
            self.errors.add(row.number, "dependants", _("A household counts at least one adult."))
        elif is_couple and persons - dependants < 2:
            self.errors.add(
                row.number, "is_couple", _("A couple counts two adults besides dependants.")
            )
        if is_couple and not self.final(row, "co_applicant_birth_date", application):
            self.errors.add(row.number, "co_applicant_birth_date", _("Required for a couple."))
        if not row["wished_communes"] and not self.final(row, "wished_epcis", None):
            self.errors.add(
                row.number, "wished_communes", _("Give at least one wished commune or EPCI.")
            )

    def values(self, row) -> dict:
        values = {attname: row[name] for name, attname in ATTNAMES.items() if name in self.header}
        if not values.get("renewed_on"):
            values.pop("renewed_on", None)  # an empty cell does not undo a renewal
        if "typologies" in self.header:
            values["typology_mask"] = sum(TYPOLOGY_BITS[code] for code in row["typologies"])
        return values

    def refresh_search(self) -> None:
        """Nothing to refresh: ``derive`` sets the search column of every application written."""

    def write(self) -> list[Count]:
        count = Count(
            "application", Application._meta.verbose_name_plural, "allocation.application"
        )
        now = timezone.now()
        applications, to_create, to_update, fields, renewed = self._prepare()
        self.writer.save_all(Application, to_create, [], set(), count, self._given())
        saved = {application.pk for application in to_create + to_update}
        rewired = self._write_wishes(applications)
        wishes_only = [a for a in applications.values() if a.pk in rewired and a.pk not in saved]
        for application in to_update + wishes_only:
            application.updated_at = now
        fields = sorted(fields | {"updated_at"})
        changed = [_field_values(a, fields) for a in to_update + wishes_only]
        scoring.update_rows(Application, fields, changed)
        count.updated += len(to_update) + len(wishes_only)
        count.fields.update(set(fields) - {"updated_at"} if to_update else set())
        if rewired:
            count.fields.update(column for column in WISHES if column in self.header)
        count.unchanged = len(applications) - count.created - count.updated
        touched = Application.objects.for_organisation(self.organisation).filter(
            updated_at__gte=now
        )
        scoring.score_applications(scoring.scored(touched))
        self._write_events(to_create, renewed)
        return [count]

    def _write_events(self, created: list[Application], renewed: list[Application]) -> None:
        """The status history: "registered" for new applications, "renewed" for renewals."""
        rows = [(a, ApplicationEventKind.REGISTERED, a.first_applied_on) for a in created]
        rows += [(a, ApplicationEventKind.RENEWED, a.renewed_on) for a in renewed]
        ApplicationEvent.objects.bulk_create(
            [
                ApplicationEvent(
                    organisation=self.organisation,
                    application_id=application.pk,
                    kind=kind,
                    on=on,
                    actor=self.actor,
                    status=application.status,
                    note=str(_("import")),
                )
                for application, kind, on in rows
            ],
            batch_size=BATCH_SIZE,
        )

    def _prepare(self):
        """Registration number → application (new or changed in memory, with its derived
        fields), the new ones, the changed ones, the fields that changed, and the existing
        ones the file renews (their reminder of the year is cleared)."""
        today = timezone.localdate()
        applications, to_create, to_update, fields, renewed = {}, [], [], set(), []
        for row in self.rows:
            number = row["registration_number"]
            application = self.existing.get(number)
            if application is None:
                application = Application(
                    organisation=self.organisation, registration_number=number
                )
                to_create.append(application)
            before = [getattr(application, name) for name in DERIVED]
            changed = apply_values(application, self.values(row))
            if "renewed_on" in changed and application.pk:
                application.reminded_on = None
                changed.append("reminded_on")
                renewed.append(application)
            derive(application, on=today)
            after = [getattr(application, name) for name in DERIVED]
            changed += [name for name, b, a in zip(DERIVED, before, after, strict=True) if a != b]
            applications[number] = application
            if application.pk and changed:
                to_update.append(application)
                fields.update(changed)
        renewed += [a for a in to_create if a.renewed_on]
        return applications, to_create, to_update, fields, renewed

    def _write_wishes(self, applications: dict[str, Application]) -> set[int]:
        """Rewrite the wishes that differ from the file (in the file's order); returns the
        ids of the applications whose wishes changed."""
        rewired: set[int] = set()
        for column, target in WISHES.items():
            if column not in self.header:
                continue
            through = getattr(Application, column).through
            ids = [application.pk for application in applications.values()]
            stored: dict[int, list[str]] = {}
            for chunk in chunks(ids):
                rows = through.objects.filter(application_id__in=chunk).order_by("pk")
                for application_id, code in rows.values_list("application_id", f"{target}_id"):
                    stored.setdefault(application_id, []).append(code)
            wanted = {applications[row["registration_number"]].pk: row[column] for row in self.rows}
            changed = [pk for pk, codes in wanted.items() if stored.get(pk, []) != codes]
            for chunk in chunks(changed):
                through.objects.filter(application_id__in=chunk).delete()
            through.objects.bulk_create(
                [
                    through(application_id=pk, **{f"{target}_id": code})
                    for pk in changed
                    for code in wanted[pk]
                ],
                batch_size=BATCH_SIZE,
            )
            rewired.update(changed)
        return rewired


def _field_values(application: Application, fields: list[str]) -> tuple:
    """The values of ``fields`` then the primary key, as ``scoring.update_rows`` takes them."""
    meta = Application._meta
    return (*(getattr(application, meta.get_field(f).attname) for f in fields), application.pk)


def applications_import(*, organisation, actor, file, sensitive=True, job=None) -> ImportResult:
    """Import ``file`` (.csv or .xlsx) of applications into ``organisation``, all or nothing.

    ``job``: run as that background import job (``relais.housing.io.jobs``). ``sensitive`` is
    accepted for the job registry: this format has no column reserved to a narrower ability
    than ``allocation.import``. Writes one ``application.imported`` audit event on success.
    """
    importer = type(
        "ApplicationImporterBy",
        (ApplicationImporter,),
        {"actor": actor if getattr(actor, "is_authenticated", False) else None},
    )
    return run_import(
        spec=APPLICATIONS,
        importer_class=importer,
        organisation=organisation,
        actor=actor,
        file=file,
        sensitive=sensitive,
        audit_action="application.imported",
        audit_changes=_audit_changes,
        job=job,
    )


def _audit_changes(result: ImportResult) -> dict:
    (count,) = result.counts
    return {
        "file": result.filename,
        "rows": result.rows,
        "created": count.created,
        "updated": count.updated,
        "fields": sorted(count.fields),
    }


# Export --------------------------------------------------------------------------------------

EXPORT_CHUNK = 2000
SCALAR_COLUMNS = ("registration_number", *ATTNAMES, "status")  # the status: exported only
BIT_TYPOLOGIES = [(bit, code) for code, bit in TYPOLOGY_BITS.items()]
# Amounts that may be unknown: exported as decimal euros (the "money" writer needs a value).
NULLABLE_MONEY = ("current_housing_cost", "max_rent")


def _joined(values) -> str:
    return ", ".join(values)


def export_rows(organisation) -> Iterator[tuple]:
    """Every application of ``organisation`` in the columns of APPLICATIONS, by number."""
    lookups = [ATTNAMES.get(name, name) for name in SCALAR_COLUMNS]
    queryset = Application.objects.for_organisation(organisation).order_by("pk")
    last = 0
    while batch := list(
        queryset.filter(pk__gt=last).values_list("pk", "typology_mask", *lookups)[:EXPORT_CHUNK]
    ):
        first, last = batch[0][0], batch[-1][0]
        wishes = {column: _wishes(column, organisation, first, last) for column in WISHES}
        for pk, mask, *scalars in batch:
            values = dict(zip(SCALAR_COLUMNS, scalars, strict=True))
            values["priority_criteria"] = _joined(values["priority_criteria"])
            values["documents_received"] = _joined(values["documents_received"])
            for name in NULLABLE_MONEY:
                if values[name] is not None:
                    values[name] = Decimal(values[name]) / 100
            values["typologies"] = _joined(code for bit, code in BIT_TYPOLOGIES if mask & bit)
            for column in WISHES:
                values[column] = _joined(wishes[column].get(pk, []))
            yield tuple(values[column.name] for column in APPLICATIONS.columns)


def _wishes(column: str, organisation, first: int, last: int) -> dict[int, list[str]]:
    target = WISHES[column]
    through = getattr(Application, column).through
    rows = through.objects.filter(
        application__organisation=organisation, application_id__gte=first, application_id__lte=last
    ).order_by("pk")
    found: dict[int, list[str]] = {}
    for application_id, code in rows.values_list("application_id", f"{target}_id"):
        found.setdefault(application_id, []).append(code)
    return found


def applications_export(*, organisation, actor, file_type: str) -> Iterator[tuple]:
    """Record the export (a bulk read of sensitive files) and return the rows to write."""
    audit.record(
        action="application.exported",
        organisation=organisation,
        actor=actor,
        changes={"format": file_type},
    )
    return export_rows(organisation)
