"""A broadcast message as a federation template (ADR 0049): content is ``{"title": str,
"kind": BroadcastKind, "subject": str, "body": str, "sms_body": str}`` (texts with merge
fields, ``merge.FIELDS``). A member adopts it as a draft broadcast to all its tenants, which it
then edits (recipients, texts) and sends as any other; nothing is sent by the adoption."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.federation.library.registry import ContentForm, register_kind

from . import merge, services
from .models import Broadcast, BroadcastKind

KIND = "messaging.broadcast"
EVERYONE = [{"key": "organisation", "value": ""}]


class BroadcastTemplateForm(ContentForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=BroadcastKind.choices)
    subject = forms.CharField(label=gettext_lazy("Subject of the e-mail"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Text of the e-mail and the letter"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    sms_body = forms.CharField(
        label=gettext_lazy("Text of the SMS"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        for name in ("subject", "body", "sms_body"):
            unknown = merge.unknown_fields(data.get(name) or "")
            if unknown:
                self.add_error(
                    name, _("Unknown merge field: %(fields)s.") % {"fields": ", ".join(unknown)}
                )
        return data

    def content(self):
        data = super().content()
        for name in ("subject", "body"):
            data[name] = merge.french_typography(data[name])
        data["sms_body"] = merge.plain_spaces(data["sms_body"])
        return data


def default() -> dict:
    body = (
        "Bonjour {nom},\n\nNos accueils sont fermés au public jusqu'à nouvel ordre. Nous "
        "restons joignables au {telephone_agence} ; en cas d'urgence (fuite, panne "
        "d'ascenseur, sécurité), appelez l'astreinte : {astreinte}.\n\nToutes les "
        "informations : {lien_avis}"
    )
    return {
        "title": "Fermeture des accueils",
        "kind": BroadcastKind.INFORMATION,
        "subject": merge.french_typography("Fermeture de nos accueils : comment nous joindre"),
        "body": merge.french_typography(body),
        "sms_body": "Accueils fermés. Urgence : {astreinte}. Infos : {lien_avis}",
    }


def export(broadcast: Broadcast) -> dict:
    return {
        "title": broadcast.title,
        "kind": broadcast.kind,
        "subject": broadcast.subject,
        "body": broadcast.body,
        "sms_body": broadcast.sms_body,
    }


def adopt(organisation, actor, content: dict) -> Broadcast:
    return services.broadcast_create(
        organisation=organisation, actor=actor, criteria=EVERYONE, public=False, **content
    )


def describe(content: dict) -> list[tuple[str, str]]:
    return [
        (_("Subject of the e-mail"), content["subject"]),
        (_("Text of the e-mail and the letter"), content["body"]),
        (_("Text of the SMS"), content["sms_body"]),
    ]


def register() -> None:
    register_kind(
        KIND,
        gettext_lazy("Broadcast message"),
        export=export,
        adopt=adopt,
        edit_url=lambda broadcast: reverse("messaging:broadcast_edit", args=[broadcast.pk]),
        get=lambda organisation, pk: Broadcast.objects.filter(
            organisation=organisation, pk=pk
        ).first(),
        form=BroadcastTemplateForm,
        default=default,
        describe=describe,
        ability="broadcast.send",
        order=50,
    )
