"""The letter reasons as a federation template (ADR 0049): content is ``{"reasons": {decision
type (``ReasonKind``): [text printed in the letter, …]}}``. A list kind: adopting adds to the
member's standard reasons those it does not have (``reasons.reason_create``, audited); the
member's own reasons and rewordings are never changed. Edited on the "Letter reasons" page."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy

from relais.federation.library.registry import (
    ContentForm,
    ListCopy,
    list_copy_getter,
    register_kind,
)

from ..models import LetterReason, ReasonKind
from . import reasons

KIND = "allocation.letter_reasons"
LABEL = gettext_lazy("Letter reasons")


class ReasonsForm(ContentForm):
    """One text area per decision type, one reason a line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ReasonKind.choices:
            self.fields[kind] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=gettext_lazy("One reason a line, as printed in the letter."),
            )

    def initial_from(self, content):
        return {kind: "\n".join(texts) for kind, texts in content.get("reasons", {}).items()}

    def content(self):
        return {
            "reasons": {
                kind: [
                    " ".join(line.split())
                    for line in self.cleaned_data[kind].splitlines()
                    if line.strip()
                ]
                for kind in ReasonKind.values
            }
        }


def default() -> dict:
    return {"reasons": {kind: list(reasons.DEFAULTS.get(kind, ())) for kind in ReasonKind.values}}


def export(copy: ListCopy) -> dict:
    rows = LetterReason.objects.for_organisation(copy.organisation).filter(is_active=True)
    found = {kind: [] for kind in ReasonKind.values}
    for kind, text in rows.order_by("pk").values_list("kind", "text"):
        found[kind].append(text)
    return {"reasons": found}


def adopt(organisation, actor, content: dict) -> ListCopy:
    have = set(LetterReason.objects.for_organisation(organisation).values_list("kind", "text"))
    for kind, texts in content["reasons"].items():
        for text in texts:
            if (kind, text) not in have:
                reasons.reason_create(organisation=organisation, actor=actor, kind=kind, text=text)
                have.add((kind, text))
    return ListCopy(organisation, str(LABEL))


def describe(content: dict) -> list[tuple[str, str]]:
    labels = dict(ReasonKind.choices)
    return [
        (str(labels.get(kind, kind)), "\n".join(f"• {text}" for text in texts))
        for kind, texts in content["reasons"].items()
        if texts
    ]


def register() -> None:
    register_kind(
        KIND,
        LABEL,
        export=export,
        adopt=adopt,
        edit_url=lambda copy: reverse("allocation:letter_reasons"),
        get=list_copy_getter(LABEL),
        form=ReasonsForm,
        default=default,
        describe=describe,
        ability="letters.reasons",
        order=40,
    )
