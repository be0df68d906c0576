"""The sanitary protocol checklist as a federation template (ADR 0049): content is
``{"measures": [{"text": str, "guidance": str, "mandatory": bool, "evidence": Evidence}]}``.
A list kind: adopting adds to the member's protocol the measures it does not have (same text),
after its own, in use; its own measures are never changed. Edited on the protocol page."""

from django import forms
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import audit
from relais.federation.library.registry import (
    ContentForm,
    ListCopy,
    list_copy_getter,
    register_kind,
)

from .models import Evidence, ProtocolItemTemplate
from .protocol import DEFAULT_MEASURES

KIND = "worksites.protocol"
LABEL = gettext_lazy("Sanitary protocol checklist")
SPARE_ROWS = 3


class ProtocolForm(ContentForm):
    """A row of fields per measure, and three empty rows to add some (an empty measure is
    left out)."""

    def __init__(self, *args, content=None, **kwargs):
        self.rows = len((content or {}).get("measures", [])) + SPARE_ROWS
        super().__init__(*args, content=content, **kwargs)
        for i in range(self.rows):
            number = {"n": i + 1}
            self.fields[f"text_{i}"] = forms.CharField(
                label=_("Measure %(n)d") % number, required=False, max_length=300
            )
            self.fields[f"guidance_{i}"] = forms.CharField(
                label=_("What to check"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"mandatory_{i}"] = forms.BooleanField(
                label=_("Mandatory for the restart"), required=False
            )
            self.fields[f"evidence_{i}"] = forms.ChoiceField(
                label=_("Evidence"), choices=Evidence.choices, initial=Evidence.PHOTO
            )

    def initial_from(self, content):
        initial = {}
        for i, measure in enumerate(content.get("measures", [])):
            for key in ("text", "guidance", "mandatory", "evidence"):
                initial[f"{key}_{i}"] = measure[key]
        return initial

    def content(self):
        data = self.cleaned_data
        return {
            "measures": [
                {
                    "text": " ".join(data[f"text_{i}"].split()),
                    "guidance": data[f"guidance_{i}"].strip(),
                    "mandatory": data[f"mandatory_{i}"],
                    "evidence": data[f"evidence_{i}"],
                }
                for i in range(self.rows)
                if data[f"text_{i}"].strip()
            ]
        }


def default() -> dict:
    return {
        "measures": [
            {"text": str(t), "guidance": str(g), "mandatory": m, "evidence": e}
            for t, g, m, e in DEFAULT_MEASURES
        ]
    }


def export(copy: ListCopy) -> dict:
    rows = ProtocolItemTemplate.objects.for_organisation(copy.organisation).filter(active=True)
    return {
        "measures": [
            {
                "text": r.text,
                "guidance": r.guidance,
                "mandatory": r.mandatory,
                "evidence": r.evidence,
            }
            for r in rows.order_by("order", "pk")
        ]
    }


def adopt(organisation, actor, content: dict) -> ListCopy:
    mine = ProtocolItemTemplate.objects.for_organisation(organisation)
    have = set(mine.values_list("text", flat=True))
    last = mine.aggregate(last=Max("order"))["last"] or 0
    added = [
        ProtocolItemTemplate(organisation=organisation, order=last + position, **measure)
        for position, measure in enumerate(
            (m for m in content["measures"] if m["text"] not in have), start=1
        )
    ]
    ProtocolItemTemplate.objects.bulk_create(added)
    audit.record(
        action="worksite.protocol_saved",
        organisation=organisation,
        actor=actor,
        changes={"count": len(added)},
    )
    return ListCopy(organisation, str(LABEL))


def describe(content: dict) -> list[tuple[str, str]]:
    evidence = dict(Evidence.choices)
    return [
        (
            m["text"],
            " · ".join(
                part
                for part in (
                    m["guidance"],
                    str(_("mandatory for the restart")) if m["mandatory"] else "",
                    str(evidence.get(m["evidence"], "")),
                )
                if part
            ),
        )
        for m in content["measures"]
    ]


def register() -> None:
    register_kind(
        KIND,
        LABEL,
        export=export,
        adopt=adopt,
        edit_url=lambda copy: reverse("worksites:protocol"),
        get=list_copy_getter(LABEL),
        form=ProtocolForm,
        default=default,
        describe=describe,
        ability="worksite.protocol",
        order=20,
    )
