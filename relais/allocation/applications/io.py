"""Import and export of applications (CSV, XLSX), on the housing import machinery.

The readers, cell parsers, validation and export writers of ``relais.housing.io`` are reused
as they are; this module gives the columns, the checks against the database and the writes.
All or nothing (docs/decisions/0004): every row is checked first, nothing is written if one
is wrong; otherwise applications are upserted by registration number in batches: new ones
with ``bulk_create``, changed ones with one ``executemany``, their changed wishes rewritten,
their scores computed. As a background job each batch commits with its undo journal
(docs/decisions/0023, 0029). See docs/applications-import.md.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import audit
from relais.core.bulk import update_rows
from relais.housing.io import cells
from relais.housing.io.formats import CHANNEL, Column, Format
from relais.housing.io.importers import Importer
from relais.housing.io.service import ImportResult, run_import
from relais.housing.io.validation import check_unique
from relais.housing.io.writing import (
    BATCH_SIZE,
    Count,
    apply_values,
    chunks,
    remember,
)
from relais.housing.models import Commune, Epci, Typology

from ..models import (
    TYPOLOGY_BITS,
    Application,
    ApplicationEvent,
    ApplicationEventKind,
    ApplicationStatus,
    HousingSituation,
    PriorityCriterion,
    current_income_year,
    registration_number_validator,
)
from ..scoring import services as scoring
from ..scoring.ranking import ranking_write
from .lifecycle import renewal_check
from .pool import territory_write
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
    # The reasons ("motifs") of the national form, one word each (cells hold several,
    # separated by spaces, commas or semicolons): docs/cerfa-14069-mapping.md.
    {
        "handicap": PriorityCriterion.DISABILITY,
        "sans-logement": PriorityCriterion.NO_HOUSING,
        "insalubrite": PriorityCriterion.UNFIT_HOUSING,
        "violences": PriorityCriterion.DOMESTIC_VIOLENCE,
        "expulsion": PriorityCriterion.EVICTION_THREAT,
        "sur-occupation": PriorityCriterion.OVERCROWDING_WITH_CHILD,
        "sortie-de-structure": PriorityCriterion.LEAVING_TRANSITIONAL,
        "reprise-d-emploi": PriorityCriterion.RETURN_TO_WORK,
        "mal-loge": PriorityCriterion.BADLY_HOUSED,
    },
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
        # Counted in the consumption units of the first-quartile indicator (0.3 each).
        _optional("members_under_14", cells.integer(0, 19), default=0, type="int"),
        _bool("is_couple"),
        _bool("has_disabled_member"),
        _bool("needs_accessible"),
        Column("income_n2", euros, type="int", required=True),
        _optional("income_n2_year", cells.integer(1990, 2100), type="int"),
        _optional("income_n1", euros, type="int"),
        _optional("income_last_12_months", euros, type="int"),
        _optional("monthly_resources", cells.money, default=0, type="money"),
        _optional("current_housing_cost", cells.money, type="decimal"),
        Column("housing_situation", HOUSING_SITUATION, required=True),
        _optional("priority_criteria", listing(PRIORITY), default=[]),
        _optional("dalo_decided_on", cells.date, type="date"),
        # Rehousing for an urban-renewal operation counts in the first quartile (L441-1 CCH).
        _bool("urban_renewal_rehousing"),
        Column("wished_communes", listing(cells.commune_code), default=[]),
        _optional("wished_epcis", listing(siren), default=[]),
        _optional("typologies", listing(TYPOLOGY), default=[]),
        _optional("max_rent", cells.money, type="decimal"),
        _optional("documents_received", listing(DOCUMENT), default=[]),
        _optional("status", STATUS, default=ApplicationStatus.ACTIVE),
        _optional("renewed_on", cells.date, type="date"),
    ),
)
# The fields of the national application form (CERFA 14069, "Demande de logement social"), as
# its exports and the SNE name them → our columns; each with and without accents
# (docs/cerfa-14069-mapping.md).
CERFA_14069 = {
    "numéro unique": "registration_number",
    "numéro d'enregistrement": "registration_number",
    "date de dépôt": "first_applied_on",
    "date de la demande": "first_applied_on",
    "nom du demandeur": "applicant_last_name",
    "prénom du demandeur": "applicant_first_name",
    "date de naissance du demandeur": "applicant_birth_date",
    "date de naissance du conjoint ou co-demandeur": "co_applicant_birth_date",
    "téléphone": "phone",
    "courriel": "email",
    "adresse actuelle": "postal_address",
    "mode de contact préféré": "preferred_channel",
    "nombre de personnes à loger": "persons",
    "nombre de personnes à charge": "dependants",
    "enfants de moins de 14 ans": "members_under_14",
    "vie en couple": "is_couple",
    "personne handicapée dans le ménage": "has_disabled_member",
    "logement adapté au fauteuil roulant": "needs_accessible",
    "revenu fiscal de référence n-2": "income_n2",
    "année des revenus n-2": "income_n2_year",
    "revenu fiscal de référence n-1": "income_n1",
    "ressources des 12 derniers mois": "income_last_12_months",
    "total des ressources mensuelles": "monthly_resources",
    "dépense de logement actuelle": "current_housing_cost",
    "situation de logement actuelle": "housing_situation",
    "motifs de la demande": "priority_criteria",
    "date de la décision dalo": "dalo_decided_on",
    "relogement renouvellement urbain": "urban_renewal_rehousing",
    "communes souhaitées": "wished_communes",
    "epci souhaités": "wished_epcis",
    "types de logement recherchés": "typologies",
    "loyer maximum": "max_rent",
    "pièces justificatives": "documents_received",
    "statut": "status",
    "date de renouvellement": "renewed_on",
}
CERFA_ALIASES = {
    **CERFA_14069,
    **{cells.fold(name): column for name, column in CERFA_14069.items()},
}
APPLICATIONS = dataclasses.replace(APPLICATIONS, aliases=CERFA_ALIASES)
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
            "members_under_14",
            "is_couple",
            "has_disabled_member",
            "needs_accessible",
            "income_n2",
            "income_n2_year",
            "income_n1",
            "income_last_12_months",
            "housing_situation",
            "priority_criteria",
            "dalo_decided_on",
            "urban_renewal_rehousing",
            "documents_received",
            "renewed_on",
        )
    },
    "monthly_resources": "monthly_resources_cents",
    "current_housing_cost": "current_housing_cost_cents",
    "max_rent": "max_rent_cents",
}
PAST_DATES = ("first_applied_on", "applicant_birth_date", "co_applicant_birth_date")
DERIVED = (
    *("household_category", "extra_persons", "reference_income", "reference_income_basis"),
    *("search", "expires_on"),
)
WISHES = {"wished_communes": "commune", "wished_epcis": "epci"}


class ApplicationImporter(Importer):
    """One row per application, matched by registration number within the organisation.

    Written in batches (``writing.Writer.batch``): each batch creates and updates its
    applications, rewrites their wishes and stores their scores. Run as a job, each batch
    commits on its own with the journal that takes it back: the new applications (their
    wishes go with them), and for each changed one the fields, wishes and score it had.
    """

    spec = APPLICATIONS
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
        self._check_registered_elsewhere()
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

    def _check_registered_elsewhere(self) -> None:
        """A number another landlord registered is refused on its row (the national number
        is unique across the platform, ADR 0046): the row names that landlord and the date,
        nothing else of its file. One query per chunk of numbers."""
        numbers = sorted({row["registration_number"] for row in self.rows} - {""})
        elsewhere = {}
        for chunk in chunks(numbers):
            found = (
                Application.objects.filter(registration_number__in=chunk)
                .exclude(organisation=self.organisation)
                .values_list("registration_number", "organisation__name", "created_at")
            )
            elsewhere.update({number: (name, at) for number, name, at in found})
        for row in self.rows:
            if row["registration_number"] in elsewhere:
                landlord, at = elsewhere[row["registration_number"]]
                self.errors.add(
                    row.number,
                    "registration_number",
                    _(
                        "The registration number %(number)s is already registered by "
                        "%(landlord)s (on %(date)s): an application is registered once; ask "
                        "%(landlord)s to update it."
                    )
                    % {
                        "number": row["registration_number"],
                        "landlord": landlord,
                        "date": date_format(timezone.localtime(at).date(), "SHORT_DATE_FORMAT"),
                    },
                )

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
        for name in (*PAST_DATES, "dalo_decided_on"):
            value = row.get(name)
            if value and value > today:
                self.errors.add(row.number, name, _("This date is in the future."))
        year = row.get("income_n2_year")
        if year and year > today.year - 1:
            self.errors.add(
                row.number, "income_n2_year", _("A tax year whose income is not declared yet.")
            )
        self._check_dalo(row, application)
        persons, dependants = row["persons"], self.final(row, "dependants", application)
        if {"persons", "dependants"} & row.invalid or persons is None:
            return
        is_couple = self.final(row, "is_couple", application)
        if persons - dependants < 1:
            self.errors.add(row.number, "dependants", _("A household counts at least one adult."))
        under_14 = self.final(row, "members_under_14", application)
        if "members_under_14" not in row.invalid and under_14 and under_14 >= persons:
            self.errors.add(
                row.number,
                "members_under_14",
                _("Children under 14 must be fewer than the persons (%(persons)d).")
                % {"persons": persons},
            )
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

    def _check_dalo(self, row, application) -> None:
        """A DALO decision date belongs to the DALO priority criterion (L441-2-3 CCH): named
        on the date's column, or on the criteria's when the file leaves the date out."""
        if not self.final(row, "dalo_decided_on", application) or "priority_criteria" in (
            row.invalid
        ):
            return
        if PriorityCriterion.DALO not in self.final(row, "priority_criteria", application):
            column = "dalo_decided_on" if "dalo_decided_on" in self.header else "priority_criteria"
            self.errors.add(
                row.number,
                column,
                _("A DALO decision date needs the “dalo” priority criterion."),
            )

    def values(self, row) -> dict:
        values = {attname: row[name] for name, attname in ATTNAMES.items() if name in self.header}
        if values.get("income_n2_year", 0) is None:  # an empty cell: this year's N-2
            values["income_n2_year"] = current_income_year()
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
        today = timezone.localdate()
        pending, fields = self._prepare(count, today)
        grids = scoring.Grids.valid_on(today)
        done = 0
        for batch in chunks(pending, self.writer.batch_size):
            with self.writer.batch(batch[-1].position - done) as journal:
                self._write_batch(batch, sorted(fields | {"updated_at"}), journal)
                ids = [item.application.pk for item in batch]
                scored = scoring.scored(Application.objects.filter(pk__in=ids))
                scoring.score_applications(scored, on=today, grids=grids)
                # The others leave the candidate ranking (the scored ones were rewritten).
                ranking_write(
                    item.application.pk
                    for item in batch
                    if item.application.status not in scoring.SCORED_STATUSES
                )
            done = batch[-1].position
        if count.created:
            count.fields.update(Application._meta.get_field(name).name for name in self._given())
        count.fields.update(fields)
        return [count]

    def _prepare(self, count: Count, today: dt.date) -> tuple[list["_Pending"], set[str]]:
        """The applications to write (new, or changed in memory with their derived fields and
        the values they replace remembered), and the fields changed on existing ones."""
        stored = self._stored_wishes()
        pending, fields = [], set()
        for position, row in enumerate(self.rows, 1):
            number = row["registration_number"]
            application = self.existing.get(number)
            if application is None:
                application = Application(
                    organisation=self.organisation, registration_number=number
                )
            changed = apply_values(application, self.values(row))
            renewed = "renewed_on" in changed and bool(application.renewed_on)
            if renewed and application.pk:
                remember(application, "reminded_on", application.reminded_on)
                application.reminded_on = None  # the new year of validity gets its reminder
                changed.append("reminded_on")
            changed += _derive(application, today)
            wishes = {}
            for column in WISHES:
                before = stored.get(column, {}).get(application.pk, [])
                if column in self.header and row[column] != before:
                    wishes[column] = row[column]
                    remember(application, column, before)
            if application.pk is None:
                count.created += 1
            elif changed or wishes:
                count.updated += 1
                fields.update(changed)
            else:
                count.unchanged += 1
                continue
            count.fields.update(wishes)
            pending.append(_Pending(application, position, wishes, renewed))
        return pending, fields

    def _stored_wishes(self) -> dict[str, dict[int, list[str]]]:
        """Column → application id → its wished codes, in their order, for the existing
        applications of the file (read only for the wish columns in the file)."""
        ids = [application.pk for application in self.existing.values()]
        stored: dict[str, dict[int, list[str]]] = {}
        for column, target in WISHES.items():
            if column not in self.header:
                continue
            through = getattr(Application, column).through
            found = stored[column] = {}
            for chunk in chunks(ids):
                rows = through.objects.filter(application_id__in=chunk).order_by("pk")
                for application_id, code in rows.values_list("application_id", f"{target}_id"):
                    found.setdefault(application_id, []).append(code)
        return stored

    def _write_batch(self, batch: list["_Pending"], fields: list[str], journal) -> None:
        """Create and update the batch's applications and rewrite their changed wishes; the
        journal records them, with the scores the changed ones had (rescored after)."""
        now = timezone.now()
        new = [item.application for item in batch if item.application.pk is None]
        changed = [item.application for item in batch if item.application.pk is not None]
        existing = {application.pk for application in changed}
        Application.objects.bulk_create(new)
        for application in changed:
            for name in ("updated_at", *SCORE_ATTNAMES):
                remember(application, name, getattr(application, name))
            application.updated_at = now
        update_rows(Application, fields, [_field_values(a, fields) for a in changed])
        for column, target in WISHES.items():
            through = getattr(Application, column).through
            rewired = [item for item in batch if column in item.wishes]
            old = [item.application.pk for item in rewired if item.application.pk in existing]
            for chunk in chunks(old):
                through.objects.filter(application_id__in=chunk).delete()
            through.objects.bulk_create(
                [
                    through(application_id=item.application.pk, **{f"{target}_id": code})
                    for item in rewired
                    for code in item.wishes[column]
                ],
                batch_size=BATCH_SIZE,
            )
        territory_write([item.application.pk for item in batch if item.is_new or item.wishes])
        journal.add(Application, new, created=True)
        journal.add(Application, changed, created=False)
        journal.add(ApplicationEvent, self._write_events(batch), created=True)

    def _write_events(self, batch: list["_Pending"]) -> list[ApplicationEvent]:
        """The status history of the batch: "registered" for new applications, "renewed" for
        renewals the file brings; returns the events written (for the journal)."""
        rows = [
            (item.application, ApplicationEventKind.REGISTERED, item.application.first_applied_on)
            for item in batch
            if item.is_new
        ]
        rows += [
            (item.application, ApplicationEventKind.RENEWED, item.application.renewed_on)
            for item in batch
            if item.renewed
        ]
        return ApplicationEvent.objects.bulk_create(
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


@dataclass
class _Pending:
    """An application to write: ``position`` is its row's index in the file (1 = first row,
    for the progress), ``wishes`` the wish columns to rewrite (column → codes, in order),
    ``is_new`` whether it had no row before this import."""

    application: Application
    position: int
    wishes: dict[str, list[str]]
    renewed: bool = False  # the file renews it (a "renewed" event is written)
    is_new: bool = False

    def __post_init__(self):
        self.is_new = self.application.pk is None


SCORE_ATTNAMES = tuple(Application._meta.get_field(name).attname for name in scoring.SCORE_FIELDS)


def _derive(application: Application, today: dt.date) -> list[str]:
    """``derive`` the computed fields; the names of those that changed (old values
    remembered for the journal)."""
    before = {name: getattr(application, name) for name in DERIVED}
    derive(application, on=today)
    changed = [name for name, old in before.items() if getattr(application, name) != old]
    for name in changed:
        remember(application, name, before[name])
    return changed


def _field_values(application: Application, fields: list[str]) -> tuple:
    """The values of ``fields`` then the primary key, as ``update_rows`` takes them."""
    meta = Application._meta
    return (*(getattr(application, meta.get_field(f).attname) for f in fields), application.pk)


def rescore_after_undo(application_ids: list[int]) -> None:
    """Rescore the applications an undone import gave back (``writing.AFTER_UNDO``): their
    per-EPCI scores (``ApplicationScore``) derive from the restored facts and wishes and are
    not in the journal. Ids of applications the undo deleted are simply not found."""
    for chunk in chunks(application_ids):
        scoring.score_applications(scoring.scored(Application.objects.filter(pk__in=chunk)))
        ranking_write(chunk)  # the unscored ones too: their rows go (ADR 0051)
        territory_write(chunk)


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
