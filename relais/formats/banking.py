"""Bank account numbers as people read them.

- ``iban_display(value)``: « FR7630006000011234567890189 » → « FR76 3000 6000 0112 3456 7890
  189 », the paper format of ISO 13616-1 (groups of four, schwifty's ``IBAN.formatted``).
  Stored values stay compact (what SEPA files carry); only display groups them.
- ``iban_compact(value)``: what a person typed (spaces, lower case) → the compact IBAN,
  raising ``ValueError`` when its check digits or country format are wrong.
"""

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

GROUP = 4


def iban_compact(value: str) -> str:
    """The compact, validated IBAN of ``value``; ``ValueError`` if it is not one."""
    try:
        return IBAN(value).compact
    except SchwiftyException as error:
        raise ValueError(str(error)) from None


def iban_display(value: str | None) -> str:
    """``value`` in groups of four (« FR76 3000 6000 … »); "" for nothing. A value that is not
    a valid IBAN (an old row) is grouped all the same, never hidden."""
    if not value:
        return ""
    try:
        return IBAN(value).formatted
    except SchwiftyException:
        compact = "".join(str(value).split()).upper()
        return " ".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))
