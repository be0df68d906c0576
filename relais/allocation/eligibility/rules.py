"""Ceilings and territories: which table applies where, and whether an entered table holds.

Pure rules, no database (DOMAIN.md §2):

- **Zones.** PLAI, PLUS (and PLS, derived from PLUS) use the zones of the arrêté of
  29 July 1987: Paris and adjoining communes / rest of Île-de-France / other regions
  (``relais.housing.models.Zone``, on each commune). PLI (intermediate housing, article
  2 terdecies D of annex III of the CGI) uses the A bis / A / B1 / B2 / C zoning of the
  commune (``AbcZone``, a commune → zone table loaded from ``data/abc_zones.csv``).
- **Overseas.** The overseas departments and collectivities have their own financings
  (LLS, LLTS) and ceilings: Relais has no table for them and says so, rather than apply a
  metropolitan one (``is_overseas``).
- **PLI household categories** are the tax ones: a single person, a couple, then a single
  person or couple with 1, 2, 3, 4 persons in their care, plus an amount per further person
  (``pli_category``). Relais counts every occupant beyond the applicant (and the partner of a
  couple) as a person in their care: docs/decisions/0026-ceilings-entry-and-territories.md.
- **An entered table** has every zone × categories 1–6 and the amount per extra person,
  each a whole number of euros, growing strictly with the category (``table_errors``).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.housing.models import Zone

from .household import Category

EXTRA_PERSON = 7  # the "category" of the amount per person beyond category 6
CATEGORIES = tuple(range(1, EXTRA_PERSON + 1))
MAX_CEILING_EUR = 1_000_000
# INSEE codes of the overseas departments (971–976) and collectivities (975, 977, 978, 98x).
OVERSEAS_PREFIXES = ("97", "98")


class AbcZone(models.TextChoices):
    """The A bis / A / B1 / B2 / C zoning of communes (tension of the housing market)."""

    A_BIS = "abis", gettext_lazy("Zone A bis")
    A = "a", gettext_lazy("Zone A")
    B1 = "b1", gettext_lazy("Zone B1")
    B2 = "b2", gettext_lazy("Zone B2")
    C = "c", gettext_lazy("Zone C")


# Every zone a ceiling row may have: the 1987 zones, then the A/B/C zones (PLI).
CEILING_ZONE_CHOICES = [*Zone.choices, *AbcZone.choices]
# Financings whose table is entered (PLS is PLUS × 1.30) and the zones of each.
ENTERED_FINANCINGS = ("PLAI", "PLUS", "PLI")
ZONES_BY_FINANCING = {
    "PLAI": tuple(Zone.values),
    "PLUS": tuple(Zone.values),
    "PLS": tuple(Zone.values),
    "PLI": tuple(AbcZone.values),
}


def zone_label(zone: str) -> str:
    """The French label of any ceiling zone ("Autres régions", "Zone B1")."""
    return dict(CEILING_ZONE_CHOICES).get(zone, zone)


def is_overseas(commune_code: str) -> bool:
    """Is this INSEE code in an overseas department or collectivity (971…, 98…)?"""
    return commune_code[:2] in OVERSEAS_PREFIXES


def pli_category(*, persons: int, dependants: int, is_couple: bool) -> Category:
    """The PLI ceiling category of a household (annex III CGI, article 2 terdecies D).

    1 a single person; 2 a couple; 3–6 a single person or a couple with 1–4 persons in
    their care; beyond 4, extra persons. ``dependants`` is checked like elsewhere, but every
    occupant beyond the applicant (and partner) counts as a person in their care.
    Raises ``ValueError`` for an impossible household.
    """
    heads = 2 if is_couple else 1
    if persons < heads or dependants < 0 or dependants > persons - heads:
        raise ValueError("a household has its applicant (and partner) and fewer dependants")
    others = persons - heads
    if others == 0:
        return Category(category=heads, extra_persons=0, reasons=())
    return Category(
        category=min(2 + others, 6), extra_persons=max(others - 4, 0), reasons=("pli_in_care",)
    )


@dataclass(frozen=True)
class TableError:
    """A problem of an entered table: the zone and category at fault (None: the whole zone)."""

    zone: str
    category: int | None
    message: str


def eur(amount: int) -> str:
    """``21082`` → ``21 082 €`` in the current language's format."""
    return f"{number_format(amount, force_grouping=True)}\u00a0€"


def category_label(category: int) -> str:
    if category == EXTRA_PERSON:
        return _("per extra person")
    return _("category %(category)s") % {"category": category}


def table_errors(financing: str, amounts: dict[tuple[str, int], int | None]) -> list[TableError]:
    """Check a year's table of one financing: ``{(zone, category): € a year or None}``.

    Complete (every zone of the financing × categories 1–6 and ``EXTRA_PERSON``), each a
    whole number from 1 to ``MAX_CEILING_EUR``, and strictly growing from category 1 to 6 in
    each zone (a lower amount is a typo). Returns every problem, in table order; [] is valid.
    """
    if financing not in ENTERED_FINANCINGS:
        return [TableError("", None, _("Choose PLAI, PLUS or PLI (PLS is PLUS × 1.30)."))]
    errors = []
    for zone in ZONES_BY_FINANCING[financing]:
        for category in CATEGORIES:
            amount = amounts.get((zone, category))
            if amount is None:
                message = _("%(zone)s, %(category)s: missing.")
            elif not 1 <= amount <= MAX_CEILING_EUR:
                message = _("%(zone)s, %(category)s: must be from 1 € to %(maximum)s.")
            else:
                continue
            params = {
                "zone": zone_label(zone),
                "category": category_label(category),
                "maximum": eur(MAX_CEILING_EUR),
            }
            errors.append(TableError(zone, category, message % params))
        errors += _growth_errors(zone, amounts)
    return errors


def _growth_errors(zone: str, amounts) -> list[TableError]:
    errors = []
    for category in range(2, EXTRA_PERSON):
        lower, higher = amounts.get((zone, category - 1)), amounts.get((zone, category))
        if lower is not None and higher is not None and higher <= lower:
            errors.append(
                TableError(
                    zone,
                    category,
                    _(
                        "%(zone)s: category %(category)s (%(amount)s) must be above "
                        "category %(previous)s (%(previous_amount)s): a typo?"
                    )
                    % {
                        "zone": zone_label(zone),
                        "category": category,
                        "amount": eur(higher),
                        "previous": category - 1,
                        "previous_amount": eur(lower),
                    },
                )
            )
    return errors
