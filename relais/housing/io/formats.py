"""The three import/export formats: which columns, how each cell is read and written.

Column names are the same in both directions, so an export can be imported again unchanged.
See docs/import-formats.md for the user-facing description.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import Channel, Financing, Typology
from . import cells


@dataclass(frozen=True)
class Column:
    """One column of a format.

    ``required``: a value must be given in every row. Otherwise an empty cell means
    ``default``. ``optional``: the column may be left out of the file; the fields it fills are
    then left unchanged on existing rows (and take the model's default on new ones).
    ``sensitive``: exported only to roles with ``household.view_sensitive``.
    ``type`` says how the value is written on export: text, bool, int, decimal, money, date,
    phone.
    """

    name: str
    parse: Callable[[Any], Any]
    type: str = "text"
    required: bool = False
    default: Any = ""
    optional: bool = False
    sensitive: bool = False


@dataclass(frozen=True)
class Format:
    kind: str
    label: Any  # lazy translated string
    columns: tuple[Column, ...]
    # Other names a header may give a column (lower case, as read): e.g. the fields of the
    # national application form for applications (docs/cerfa-14069-mapping.md).
    aliases: dict[str, str] = field(default_factory=dict)

    def canonical(self, header: list[str]) -> list[str]:
        """The header with every alias replaced by its column's name."""
        return [self.aliases.get(name, name) for name in header]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if not column.optional)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def export_columns(self, *, sensitive: bool) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if sensitive or not column.sensitive)


def _bool(name, **options) -> Column:
    return Column(name, cells.boolean, type="bool", default=False, optional=True, **options)


REFERENCE = cells.reference

TYPOLOGY = cells.choice(
    {value: value for value in Typology.values},
    _("“%(value)s” is not a typology (T1 to T6)."),
)
FINANCING = cells.choice(
    {value: value for value in Financing.values},
    _("“%(value)s” is not a financing type (PLAI, PLUS, PLS or PLI)."),
)
CHANNEL = cells.choice(
    {
        **{value: value for value in Channel.values},
        "téléphone": Channel.PHONE,
        "tel": Channel.PHONE,
        "texto": Channel.SMS,
        "e-mail": Channel.EMAIL,
        "mail": Channel.EMAIL,
        "courriel": Channel.EMAIL,
        "courrier": Channel.LETTER,
        "lettre": Channel.LETTER,
    },
    _("“%(value)s” is not a contact channel (phone, sms, email or letter)."),
)

STOCK = Format(
    kind="stock",
    label=_("Housing stock (one row per dwelling)"),
    columns=(
        Column("residence_reference", REFERENCE, required=True),
        Column("residence_name", cells.text(200), required=True),
        Column("building_reference", REFERENCE, required=True),
        Column("address", cells.text(300), required=True),
        Column("postcode", cells.postcode, required=True),
        Column("commune_code", cells.commune_code, required=True),
        _bool("in_qpv"),
        _bool("has_lift"),
        Column("floors", cells.integer(0, 200), type="int", default=0, optional=True),
        Column("dwelling_reference", REFERENCE, required=True),
        Column("typology", TYPOLOGY, required=True),
        Column(
            "surface",
            cells.decimal(places=2, max_digits=6, minimum=Decimal(9)),
            type="decimal",
            required=True,
        ),
        Column("floor", cells.integer(-5, 200), type="int", default=0, optional=True),
        _bool("lift"),
        _bool("accessible"),
        Column("financing", FINANCING, required=True),
        Column("rent", cells.money, type="money", required=True),
    ),
)

HOUSEHOLDS = Format(
    kind="households",
    label=_("Households (one row per occupant)"),
    columns=(
        Column("household_reference", REFERENCE, required=True),
        Column("household_name", cells.text(200), required=True),
        # Required for an occupant; a row where all three are empty declares the household only.
        Column("first_name", cells.text(100)),
        Column("last_name", cells.text(100)),
        Column("birth_date", cells.date, type="date", default=None),
        _bool("is_holder"),
        Column("phone", cells.phone, type="phone", optional=True),
        Column("email", cells.email, optional=True),
        Column("preferred_channel", CHANNEL, default=Channel.LETTER, optional=True),
        _bool("has_disability", sensitive=True),
        _bool("lives_alone", sensitive=True),
        _bool("vulnerability_consent", sensitive=True),
        Column(
            "consent_recorded_on",
            cells.date,
            type="date",
            default=None,
            optional=True,
            sensitive=True,
        ),
    ),
)

LEASES = Format(
    kind="leases",
    label=_("Leases"),
    columns=(
        Column("lease_reference", REFERENCE, required=True),
        Column("dwelling_reference", REFERENCE, required=True),
        Column("household_reference", REFERENCE, required=True),
        Column("start_date", cells.date, type="date", required=True),
        Column("end_date", cells.date, type="date", default=None, optional=True),
        Column("rent", cells.money, type="money", required=True),
        Column("charges", cells.money, type="money", required=True),
        Column("housing_benefit", cells.money, type="money", default=0, optional=True),
    ),
)

FORMATS: dict[str, Format] = {spec.kind: spec for spec in (STOCK, HOUSEHOLDS, LEASES)}
KINDS = tuple(FORMATS)
FILE_TYPES = ("csv", "xlsx")
