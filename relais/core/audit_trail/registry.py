"""What each audit event means, for people: a registry every capability extends.

An app's ``audit_actions`` module calls, at import time:

- :func:`action` — an action code (``"household.viewed"``) → its French label, and the labels
  of the keys of ``changes`` that are not fields of the event's object (``via``, ``rows``…),
  with optional labels for their coded values;
- :func:`object_link` — an object type (``"housing.household"``) → the URL name of its page and
  the ability a reader needs to open it;
- :func:`sensitive` — fields of an object type whose values only readers with an ability may
  see (health, disability, living alone, consent, income).

Keys of ``changes`` that are neither fields of the object nor labelled here are not shown:
the page never shows a raw code.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Detail:
    """A key of ``changes`` that is not a model field: its label and its coded values' labels."""

    label: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    details: Mapping[str, Detail] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectLink:
    url_name: str
    ability: str


ACTIONS: dict[str, Action] = {}
OBJECT_LINKS: dict[str, ObjectLink] = {}
SENSITIVE_FIELDS: dict[str, dict[str, str]] = {}
# Keys shared by many actions (counts of an import, a demo seed…), labelled once.
SHARED_DETAILS: dict[str, Detail] = {}
UNKNOWN_ACTION = _("Other action")


def _detail(spec) -> Detail:
    return spec if isinstance(spec, Detail) else Detail(spec)


def action(code: str, label: str, **details) -> None:
    """Register an action; ``details`` maps keys of ``changes`` to a label or a ``Detail``."""
    if code in ACTIONS:
        raise ValueError(f"audit action {code!r} registered twice")
    ACTIONS[code] = Action(code, label, {k: _detail(v) for k, v in details.items()})


def shared_details(**details) -> None:
    """Labels of keys that many actions use (``rows``, ``created``, entity counts…)."""
    SHARED_DETAILS.update({k: _detail(v) for k, v in details.items()})


def object_link(object_type: str, url_name: str, ability: str) -> None:
    """``object_type`` is a model's ``_meta.label_lower``; its page takes the pk as argument."""
    OBJECT_LINKS[object_type] = ObjectLink(url_name, ability)


def sensitive(object_type: str, fields: Iterable[str], ability: str) -> None:
    """Mask these fields' values in the trail for readers without ``ability``."""
    SENSITIVE_FIELDS.setdefault(object_type, {}).update(dict.fromkeys(fields, ability))


def action_label(code: str) -> str:
    registered = ACTIONS.get(code)
    return registered.label if registered else UNKNOWN_ACTION


def detail_for(code: str, key: str) -> Detail | None:
    registered = ACTIONS.get(code)
    found = registered.details.get(key) if registered else None
    return found or SHARED_DETAILS.get(key)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every registered action, sorted by label (for the filter)."""
    return sorted(((a.code, str(a.label)) for a in ACTIONS.values()), key=lambda c: c[1])
