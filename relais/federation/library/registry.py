"""The kinds of template a federation can publish, each declared by its own capability.

A capability calls, from its contributions module::

    register_kind(
        "outreach.call_script", _("Call script"),
        export=…,     # export(obj) -> content: a member-side object's content (a JSON dict)
        adopt=…,      # adopt(organisation, actor, content) -> obj: a new member-side copy,
                      # written through the capability's own services (audited), in the
                      # caller's transaction
        edit_url=…,   # edit_url(obj) -> str: the capability's page where the copy is edited
        get=…,        # get(organisation, object_id) -> obj | None: a member's copy, or None
        form=…,       # a ``ContentForm`` subclass: the analyst writes the content with it
        default=…,    # default() -> content: where a new template starts (the product's own)
        describe=…,   # describe(content) -> [(heading, text)]: the preview members read
        ability=…,    # the member's ability needed to hold the copy (e.g. "outreach.campaigns")
        choices=…,    # optional: choices(organisation) -> [(value, label)], what the member
                      # picks when adopting (the EPCI of a scoring grid); adopt then takes
                      # ``choice=value``
    )

Content is the kind's own structured document (a dict of JSON values); the library stores it
as is and never reads inside it.

Two shapes of copy: an object kind (a call script, a broadcast) makes a new object at each
adoption; a list kind (the letter reasons, the protocol's measures, the plan's activities) is
one list per member, so adopting *adds* the items the member does not have and never changes
one it has (its rewordings stay) — its copy is a ``ListCopy`` named after the organisation.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms


class ContentForm(forms.Form):
    """The analyst's form for one kind: built from a content dict, gives one back.

    Subclasses override ``initial_from`` (content → initial values) and ``content`` (cleaned
    data → content) when the content is not simply the form's fields.
    """

    def __init__(self, *args, content: dict | None = None, **kwargs):
        kwargs.setdefault("initial", self.initial_from(content or {}))
        super().__init__(*args, **kwargs)

    def initial_from(self, content: dict) -> dict:
        return dict(content)

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


@dataclass(frozen=True)
class ListCopy:
    """A member's list (its letter reasons, its protocol…) as the copy of a list kind: ``pk``
    is the organisation's, so that an adoption can name it."""

    organisation: object
    label: str

    @property
    def pk(self):
        return self.organisation.pk

    def __str__(self):
        return self.label


def list_copy_getter(label):
    """``get`` for a list kind: the member's list when ``object_id`` is its organisation."""

    def get(organisation, object_id):
        return ListCopy(organisation, str(label)) if object_id == organisation.pk else None

    return get


@dataclass(frozen=True)
class Kind:
    code: str
    label: object
    export: Callable
    adopt: Callable
    edit_url: Callable
    get: Callable
    form: type
    default: Callable
    describe: Callable
    ability: str
    order: int = 100
    choices: Callable | None = None


_KINDS: dict[str, Kind] = {}


def register_kind(
    kind: str,
    label,
    *,
    export,
    adopt,
    edit_url,
    get,
    form,
    default,
    describe,
    ability: str,
    order: int = 100,
    choices=None,
) -> None:
    """Register (or replace, when an app is reloaded) the template kind ``kind``."""
    _KINDS[kind] = Kind(
        kind, label, export, adopt, edit_url, get, form, default, describe, ability, order, choices
    )


def get_kind(kind: str) -> Kind | None:
    return _KINDS.get(kind)


def kinds() -> list[Kind]:
    """Every registered kind, in its declared order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.code))


def label_of(kind: str) -> str:
    found = _KINDS.get(kind)
    return str(found.label) if found else kind
