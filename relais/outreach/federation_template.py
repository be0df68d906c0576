"""The call script as a federation template (ADR 0049): content is ``{"name": str, "kind":
CampaignKind, "cadence_days": int (1–60), "script": str}``; a member adopts it as a campaign
ready to start (``draft``), whose script and dates it then edits on the campaign's page."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.federation.library.registry import ContentForm, register_kind

from . import services
from .forms import DEFAULT_SCRIPT
from .models import Campaign, CampaignKind

KIND = "outreach.call_script"


class CallScriptForm(ContentForm):
    name = forms.CharField(label=gettext_lazy("Name of the campaign"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CampaignKind.choices)
    cadence_days = forms.IntegerField(
        label=gettext_lazy("Call every (days)"), min_value=1, max_value=60
    )
    script = forms.CharField(
        label=gettext_lazy("Call script"), widget=forms.Textarea(attrs={"rows": 8})
    )


def default() -> dict:
    return {
        "name": _("Calls to vulnerable tenants"),
        "kind": CampaignKind.LOCKDOWN,
        "cadence_days": 7,
        "script": str(DEFAULT_SCRIPT),
    }


def export(campaign: Campaign) -> dict:
    return {
        "name": campaign.name,
        "kind": campaign.kind,
        "cadence_days": campaign.cadence_days,
        "script": campaign.script,
    }


def adopt(organisation, actor, content: dict) -> Campaign:
    return services.campaign_create(
        organisation=organisation,
        actor=actor,
        name=content["name"],
        kind=content["kind"],
        cadence_days=content["cadence_days"],
        script=content["script"],
        starts_on=timezone.localdate(),
    )


def get(organisation, object_id) -> Campaign | None:
    return Campaign.objects.filter(organisation=organisation, pk=object_id).first()


def edit_url(campaign: Campaign) -> str:
    return reverse("outreach:campaign_edit", args=[campaign.pk])


def describe(content: dict) -> list[tuple[str, str]]:
    kind = dict(CampaignKind.choices).get(content["kind"], content["kind"])
    cadence = _("%(kind)s, a call every %(days)d days") % {
        "kind": kind,
        "days": content["cadence_days"],
    }
    return [(content["name"], cadence), (_("Call script"), content["script"])]


def register() -> None:
    register_kind(
        KIND,
        gettext_lazy("Call script"),
        export=export,
        adopt=adopt,
        edit_url=edit_url,
        get=get,
        form=CallScriptForm,
        default=default,
        describe=describe,
        ability="outreach.campaigns",
        order=30,
    )
