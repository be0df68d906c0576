"""Eligibility to social housing: the household's category, the zone, the yearly income ceiling.

The rules are those of the arrêté of 29 July 1987 (DOMAIN.md §2); the category itself comes
from ``relais.allocation.household``. Ceilings are data (``IncomeCeiling``, loaded from
``data/income_ceilings.csv``, entered by the platform's operators): PLAI and PLUS have their
own tables by the 1987 zones, PLS is the PLUS table × 1.30 rounded half up to the euro, row by
row, and PLI has its own tables by the A/B/C zoning and tax household categories
(``rules.pli_category``). A year, financing or zone without a complete table, and any overseas
commune, is an ``EligibilityError``, never a guess. See docs/eligibility.md,
docs/decisions/0007-income-ceilings.md and 0026-ceilings-entry-and-territories.md.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit

from ..models import CommuneAbcZone, IncomeCeiling
from .household import JEUNE_MENAGE_MAX_COMBINED_AGE, household_category
from .rules import ENTERED_FINANCINGS, ZONES_BY_FINANCING, is_overseas, pli_category, zone_label

PLS_MAJORATION = Decimal("1.30")
FINANCINGS = ("PLAI", "PLUS", "PLS", "PLI")
CATEGORIES = range(1, 7)
EXTRA_PERSON = IncomeCeiling.EXTRA_PERSON
DATA_FILE = Path(__file__).parent.parent / "data" / "income_ceilings.csv"
CSV_COLUMNS = ["year", "financing", "zone", "category", "ceiling_eur", "source"]
CSV_EXTRA = "extra"  # the ``category`` of the per-extra-person amount in the CSV
YEARS = range(1987, 2101)
MAX_CEILING_EUR = 1_000_000


class EligibilityError(Exception):
    """A question eligibility cannot answer: no ceiling table, invalid household, bad input.

    ``field`` names the input at fault (``year`` when the year has no table), ``code`` is a
    stable machine-readable kind for the API.
    """

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass(frozen=True)
class EligibilityResult:
    category: int
    extra_persons: int
    zone: str
    ceiling: int  # € a year
    eligible: bool
    explanation: tuple[str, ...]


def _eur(amount: int) -> str:
    return f"{number_format(amount, force_grouping=True)}\u00a0€"


def pls_ceiling(plus_eur: int) -> int:
    """PLUS × 1.30 rounded half up to the euro (article 1 of the arrêté of 29 July 1987)."""
    return int((Decimal(plus_eur) * PLS_MAJORATION).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def ceiling_table(year: int, financing: str, zone: str) -> dict[int, int]:
    """The seven amounts of a table, € a year: categories 1–6 and ``EXTRA_PERSON`` (7).

    PLS amounts are derived from the PLUS table. Raises ``EligibilityError`` for an unknown
    financing, a zone that is not one of the financing's, or a missing or incomplete table.
    """
    if financing not in FINANCINGS:
        raise EligibilityError(
            _("Relais has no income ceilings for %(financing)s dwellings (only %(known)s).")
            % {"financing": financing, "known": ", ".join(FINANCINGS)},
            field="financing",
            code="unknown_financing",
        )
    if zone not in ZONES_BY_FINANCING[financing]:
        raise EligibilityError(
            _("Unknown zone %(zone)s for %(financing)s.") % {"zone": zone, "financing": financing},
            field="zone",
            code="unknown_zone",
        )
    base = "PLUS" if financing == "PLS" else financing
    # A plain cursor: the candidate search reads this table on every vacancy page, and the
    # ORM spent longer compiling the query than the database answering it (ADR 0051).
    table = connection.ops.quote_name(IncomeCeiling._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT category, ceiling_eur FROM {table}"
            " WHERE year = %s AND financing = %s AND zone = %s",
            [year, base, zone],
        )
        rows = dict(cursor.fetchall())
    missing = sorted(set(range(1, EXTRA_PERSON + 1)) - set(rows))
    if missing:
        message = (
            _(
                "No %(financing)s income-ceiling table for %(year)s (%(zone)s): the platform's "
                "administrators must enter it first."
            )
            if len(missing) == EXTRA_PERSON
            else _(
                "The %(financing)s income-ceiling table for %(year)s (%(zone)s) is incomplete: "
                "the platform's administrators must enter every category first."
            )
        )
        raise EligibilityError(
            message % {"financing": base, "year": year, "zone": zone_label(zone)},
            field="year",
            code="missing_table",
        )
    if financing == "PLS":
        return {category: pls_ceiling(amount) for category, amount in rows.items()}
    return rows


def ceiling_zone(financing: str, commune) -> str:
    """The zone whose table applies to a dwelling of ``financing`` in ``commune``.

    The 1987 zone stored on the commune, or its A/B/C zone for PLI. Raises
    ``EligibilityError`` for an overseas commune (``code="overseas"``: their own financings
    and ceilings, no table in Relais) and for a commune without an A/B/C zone (PLI).
    """
    if is_overseas(commune.code):
        raise EligibilityError(
            _(
                "No income-ceiling table for the overseas departments: %(commune)s has its own "
                "financings and ceilings (LLS, LLTS), which Relais does not hold."
            )
            % {"commune": f"{commune.name} ({commune.code})"},
            field="commune_code",
            code="overseas",
        )
    if financing != "PLI":
        return commune.zone
    zone = CommuneAbcZone.objects.filter(commune_id=commune.code).values_list("zone", flat=True)
    zone = zone.first()
    if zone is None:
        raise EligibilityError(
            _("%(commune)s has no A/B/C zone: load the zoning (manage.py load_abc_zones).")
            % {"commune": f"{commune.name} ({commune.code})"},
            field="commune_code",
            code="no_zone",
        )
    return zone


def ceiling_for(year: int, financing: str, zone: str, category: int, extra_persons: int) -> int:
    """The ceiling (€ a year) of one household category, extra persons included."""
    if category not in CATEGORIES or extra_persons < 0 or (extra_persons and category != 6):
        raise EligibilityError(
            _("Invalid household category %(category)s + %(extra)s.")
            % {"category": category, "extra": extra_persons},
            code="invalid_category",
        )
    table = ceiling_table(year, financing, zone)
    return table[category] + extra_persons * table[EXTRA_PERSON]


def ceiling_sql(year: int, financing: str, zone: str, *, alias: str = "a") -> tuple[str, list]:
    """Each application row's ceiling (€ a year) as an SQL expression and its parameters.

    ``alias`` names the application table in the query. The table has seven rows, so it is
    read once here and inlined as ``CASE`` on the stored ``household_category`` plus
    ``extra_persons`` × the per-person amount: no join, no subquery, the same SQL on SQLite and
    PostgreSQL, and PLS rounding done exactly in Python. A category outside 1–6 gives NULL,
    which no income satisfies. PLI categories come from ``persons`` and ``is_couple`` instead
    (``rules.pli_category``). Raises ``EligibilityError`` when the table is missing, like
    ``ceiling_table``.
    """
    table = ceiling_table(year, financing, zone)
    if financing == "PLI":
        return _pli_ceiling_sql(table, alias)
    whens = " ".join("WHEN %s THEN %s" for _category in CATEGORIES)
    sql = f"(CASE {alias}.household_category {whens} END + {alias}.extra_persons * %s)"
    params = [value for c in CATEGORIES for value in (c, table[c])]
    return sql, [*params, table[EXTRA_PERSON]]


def _pli_ceiling_sql(table: dict[int, int], alias: str) -> tuple[str, list]:
    """``rules.pli_category`` in SQL: a couple of p persons is category p (2–6), a single
    applicant with p persons category p + 1 (1 alone; 3–6); beyond 6, extra persons."""
    couple = " ".join(
        f"WHEN {alias}.is_couple AND {alias}.persons = %s THEN %s" for _p in range(2, 7)
    )
    single = " ".join(
        f"WHEN NOT {alias}.is_couple AND {alias}.persons = %s THEN %s" for _p in range(1, 6)
    )
    sql = (
        f"(CASE {couple} {single} WHEN {alias}.is_couple THEN %s + ({alias}.persons - 6) * %s "
        f"ELSE %s + ({alias}.persons - 5) * %s END)"
    )
    params = [value for p in range(2, 7) for value in (p, table[p])]
    params += [value for p in range(1, 6) for value in (p, table[1 if p == 1 else p + 1])]
    per_person = table[EXTRA_PERSON]
    return sql, [*params, table[6], per_person, table[6], per_person]


def _validate_household(*, persons, dependants, is_couple, combined_age, reference_income):
    if persons < 1:
        raise EligibilityError(_("A household has at least one person."), field="persons")
    if dependants < 0 or dependants >= persons:
        raise EligibilityError(
            _("Dependants must be fewer than the persons of the household (at least one adult)."),
            field="dependants",
        )
    if is_couple and persons - dependants < 2:
        raise EligibilityError(
            _("A couple is two adults: persons minus dependants must be at least 2."),
            field="is_couple",
        )
    if combined_age is not None and combined_age < 0:
        raise EligibilityError(_("The combined age cannot be negative."), field="combined_age")
    if reference_income < 0:
        raise EligibilityError(
            _("The reference income cannot be negative."), field="reference_income"
        )


def check_eligibility(
    *,
    year: int,
    financing: str,
    zone: str,
    persons: int,
    dependants: int,
    is_couple: bool,
    combined_age: int | None,
    has_disabled_member: bool,
    reference_income: int,
) -> EligibilityResult:
    """Whether a household's reference income (€ a year) is within the ceiling, and why."""
    _validate_household(
        persons=persons,
        dependants=dependants,
        is_couple=is_couple,
        combined_age=combined_age,
        reference_income=reference_income,
    )
    if financing == "PLI":
        household = pli_category(persons=persons, dependants=dependants, is_couple=is_couple)
        lines = [_composition_line(persons, dependants, is_couple), _pli_line()]
    else:
        household = household_category(
            persons=persons,
            dependants=dependants,
            is_couple=is_couple,
            combined_age=combined_age,
            has_disabled_member=has_disabled_member,
        )
        lines = _household_lines(persons, dependants, is_couple, combined_age, household.reasons)
    table = ceiling_table(year, financing, zone)
    ceiling = table[household.category] + household.extra_persons * table[EXTRA_PERSON]
    eligible = reference_income <= ceiling
    explanation = [
        *lines,
        _category_line(household.category, household.extra_persons),
        *_ceiling_lines(year, financing, zone, household, table, ceiling),
        _comparison_line(reference_income, ceiling, eligible),
    ]
    return EligibilityResult(
        category=household.category,
        extra_persons=household.extra_persons,
        zone=zone,
        ceiling=ceiling,
        eligible=eligible,
        explanation=tuple(explanation),
    )


# Explanation -------------------------------------------------------------------------------


def _composition_line(persons, dependants, is_couple) -> str:
    composition = ngettext(
        "Household of %(persons)s person", "Household of %(persons)s persons", persons
    ) % {"persons": persons}
    composition += ngettext(
        ", %(dependants)s dependant", ", %(dependants)s dependants", dependants
    ) % {"dependants": dependants}
    return composition + ", " + (_("couple") if is_couple else _("no couple")) + "."


def _pli_line() -> str:
    return _(
        "PLI ceilings follow the tax household: a single person, a couple, then one category "
        "per person in their care (every occupant beyond the applicant and partner)."
    )


def _household_lines(persons, dependants, is_couple, combined_age, reasons) -> list[str]:
    lines = [_composition_line(persons, dependants, is_couple)]
    if "disabled_member_counts_one_more" in reasons:
        lines.append(_("A member has a disability: the household counts as one more person."))
    if "single_adult_with_dependants_one_up" in reasons:
        lines.append(_("A single adult with dependants: the household goes one category up."))
    if "jeune_menage" in reasons:
        lines.append(
            _(
                "Young couple (jeune ménage: combined ages %(age)s ≤ %(limit)s, no dependant): "
                "at least category 3."
            )
            % {"age": combined_age, "limit": JEUNE_MENAGE_MAX_COMBINED_AGE}
        )
    elif is_couple and dependants == 0 and persons == 2:
        if combined_age is None:
            lines.append(_("Combined ages not given: not treated as a young couple."))
        else:
            lines.append(
                _("Combined ages %(age)s > %(limit)s: not a young couple (jeune ménage).")
                % {"age": combined_age, "limit": JEUNE_MENAGE_MAX_COMBINED_AGE}
            )
    return lines


def _category_line(category: int, extra_persons: int) -> str:
    if not extra_persons:
        return _("Household category %(category)s.") % {"category": category}
    return ngettext(
        "Household category 6 plus %(extra)s extra person.",
        "Household category 6 plus %(extra)s extra persons.",
        extra_persons,
    ) % {"extra": extra_persons}


def _ceiling_lines(year, financing, zone, household, table, ceiling) -> list[str]:
    params = {
        "financing": financing,
        "year": year,
        "zone": zone_label(zone),
        "category": household.category,
        "amount": _eur(table[household.category]),
    }
    lines = [
        _("%(financing)s ceiling %(year)s, %(zone)s, category %(category)s: %(amount)s a year.")
        % params
    ]
    if financing == "PLS":
        lines.append(_("PLS ceilings are the PLUS ceilings × 1.30, rounded to the euro."))
    if household.extra_persons:
        lines.append(
            _("Plus %(extra)s × %(per_person)s per extra person: %(ceiling)s.")
            % {
                "extra": household.extra_persons,
                "per_person": _eur(table[EXTRA_PERSON]),
                "ceiling": _eur(ceiling),
            }
        )
    return lines


def _comparison_line(reference_income: int, ceiling: int, eligible: bool) -> str:
    params = {"income": _eur(reference_income), "ceiling": _eur(ceiling)}
    if eligible:
        return _("Reference income %(income)s ≤ ceiling %(ceiling)s: eligible.") % params
    return _("Reference income %(income)s > ceiling %(ceiling)s: not eligible.") % params


# Loading the CSV ---------------------------------------------------------------------------


class CeilingFileError(EligibilityError):
    """The ceilings file is invalid; ``errors`` lists every problem, each naming its line."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors), code="invalid_file")
        self.errors = errors


def load_income_ceilings(path: Path | None = None) -> dict[str, int]:
    """Upsert the ceilings CSV (``DATA_FILE`` by default) into ``IncomeCeiling``.

    Every row is validated first and nothing is written if one is wrong
    (``CeilingFileError``); then all rows are written in one transaction, with one audit
    event when something changed. Idempotent: returns ``created``, ``updated`` and
    ``unchanged`` counts, and a second load of the same file changes nothing.
    """
    path = Path(path or DATA_FILE)
    rows = _read_ceilings(path)
    with transaction.atomic():
        years = {key[0] for key in rows}
        existing = {
            (c.year, c.financing, c.zone, c.category): c
            for c in IncomeCeiling.objects.select_for_update().filter(year__in=years)
        }
        created, updated = [], []
        for key, (amount, source) in rows.items():
            ceiling = existing.get(key)
            if ceiling is None:
                year, financing, zone, category = key
                created.append(
                    IncomeCeiling(
                        year=year,
                        financing=financing,
                        zone=zone,
                        category=category,
                        ceiling_eur=amount,
                        source=source,
                    )
                )
            elif (ceiling.ceiling_eur, ceiling.source) != (amount, source):
                ceiling.ceiling_eur, ceiling.source = amount, source
                updated.append(ceiling)
        IncomeCeiling.objects.bulk_create(created)
        IncomeCeiling.objects.bulk_update(updated, ["ceiling_eur", "source"])
        counts = {
            "created": len(created),
            "updated": len(updated),
            "unchanged": len(rows) - len(created) - len(updated),
        }
        if created or updated:
            audit.record(
                action="income_ceilings.loaded",
                changes={"file": path.name, **counts},
                object_repr=path.name,
            )
    return counts


def _read_ceilings(path: Path) -> dict[tuple, tuple[int, str]]:
    """Parse and check the whole file: (year, financing, zone, category) → (€, source)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != CSV_COLUMNS:
                raise CeilingFileError(
                    [
                        _("Line 1: the columns must be %(columns)s.")
                        % {"columns": ",".join(CSV_COLUMNS)}
                    ]
                )
            parsed, errors = [], []
            for row in reader:
                try:
                    parsed.append((reader.line_num, *_parse_ceiling_row(row)))
                except ValueError as error:
                    errors.append(_line_error(reader.line_num, str(error)))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CeilingFileError(
            [_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}]
        ) from error
    if not parsed and not errors:
        errors.append(_("The file has no ceiling rows."))
    rows, line_of = {}, {}
    for line, key, amount, source in parsed:
        if key in rows:
            errors.append(
                _line_error(line, _("same row as line %(other)s.") % {"other": line_of[key]})
            )
        rows[key], line_of[key] = (amount, source), line
    errors += _table_errors(rows, line_of)
    if errors:
        raise CeilingFileError(errors)
    return rows


def _line_error(line: int, message: str) -> str:
    return _("Line %(line)s: %(error)s") % {"line": line, "error": message}


def _parse_ceiling_row(row: dict) -> tuple[tuple, int, str]:
    """One CSV row → (key, amount, source); ``ValueError`` with a translated message."""
    if None in row or any(row[column] is None for column in CSV_COLUMNS):
        raise ValueError(_("expected %(count)s columns.") % {"count": len(CSV_COLUMNS)})
    year = _integer(row["year"], _("year"), YEARS.start, YEARS.stop - 1)
    financing = row["financing"].strip()
    if financing not in ENTERED_FINANCINGS:
        raise ValueError(
            _("financing must be PLAI, PLUS or PLI (PLS is derived from PLUS), not « %(value)s ».")
            % {"value": financing}
        )
    zone = row["zone"].strip()
    if zone not in ZONES_BY_FINANCING[financing]:
        raise ValueError(
            _("zone must be one of %(zones)s, not « %(value)s ».")
            % {"zones": ", ".join(ZONES_BY_FINANCING[financing]), "value": zone}
        )
    raw_category = row["category"].strip()
    category = (
        EXTRA_PERSON
        if raw_category == CSV_EXTRA
        else _integer(raw_category, _("category"), 1, EXTRA_PERSON)
    )
    amount = _integer(row["ceiling_eur"], _("ceiling"), 1, MAX_CEILING_EUR)
    source = row["source"].strip()
    if len(source) > IncomeCeiling._meta.get_field("source").max_length:
        raise ValueError(_("the source is too long."))
    return (year, financing, zone, category), amount, source


def _integer(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValueError(
            _("%(name)s must be a whole number from %(low)s to %(high)s, not « %(value)s ».")
            % {"name": name, "low": low, "high": high, "value": value}
        )
    return number


def _table_errors(rows: dict, line_of: dict) -> list[str]:
    """Each (year, financing) must have its zones × 7 amounts, growing with the category."""
    tables = defaultdict(dict)
    for (year, financing, zone, category), (amount, _source) in rows.items():
        tables[year, financing, zone][category] = amount
    errors = []
    for year, financing in sorted({(year, financing) for year, financing, _z in tables}):
        for zone in ZONES_BY_FINANCING[financing]:
            table = tables.get((year, financing, zone), {})
            missing = sorted(set(range(1, EXTRA_PERSON + 1)) - set(table))
            if missing:
                errors.append(
                    _("%(financing)s %(year)s, %(zone)s: missing categories %(missing)s.")
                    % {
                        "financing": financing,
                        "year": year,
                        "zone": zone,
                        "missing": ", ".join(
                            CSV_EXTRA if c == EXTRA_PERSON else str(c) for c in missing
                        ),
                    }
                )
                continue
            for category in range(2, 7):
                if table[category] < table[category - 1]:
                    line = line_of[year, financing, zone, category - 1]
                    errors.append(
                        _line_error(
                            line,
                            _(
                                "the ceiling of category %(category)s (%(amount)s) is above the "
                                "next category's (%(next)s): a typo?"
                            )
                            % {
                                "category": category - 1,
                                "amount": table[category - 1],
                                "next": table[category],
                            },
                        )
                    )
    return errors
