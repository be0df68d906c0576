"""The gate of a site, opened from the QR code of its poster on a phone (no account): a
person gives their name and company and answers the health self-check; admitted only
without symptoms (OPPBTP guide). A closed link (expired, revoked, unknown) says whom to ask.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from relais.core import links
from relais.core.form_organisation import organisation_check_exempt

from . import services
from .forms import GateForm
from .models import GateEntry, GateLink, SiteStatus


def session_key(link: GateLink) -> str:
    return f"worksites.gate_token.{link.pk}"


def _open_link(token: str):
    """(link, state): state is "valid", "expired", "revoked" or "unknown"."""
    link = (
        GateLink.objects.select_related("site__organisation", "organisation")
        .filter(token_hash=links.token_hash(token))
        .first()
    )
    if link is None:
        return None, "unknown"
    state = links.link_state(
        expires_at=link.expires_at, revoked_at=link.revoked_at, now=timezone.now()
    )
    return link, state.value


@organisation_check_exempt
@never_cache
def gate(request, token):
    link, state = _open_link(token)
    if state != "valid":
        context = {"state": state, "site": link.site if link else None}
        return render(
            request, "worksites/gate_closed.html", context, status=404 if link is None else 410
        )
    site = link.site
    if site.status in (SiteStatus.STOPPED, SiteStatus.COMPLETED):
        # Nobody enters a stopped site (the restart is not signed), nor a finished one.
        return render(request, "worksites/gate_closed.html", {"state": site.status, "site": site})
    form = GateForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        entry, _created = services.gate_entry_record(
            link=link,
            person_name=form.cleaned_data["person_name"].strip(),
            company=form.chosen_company(),
            company_name=form.cleaned_data["other_company"].strip(),
            no_symptoms=form.cleaned_data["symptoms"] == "no",
            key=form.cleaned_data["key"],
        )
        return redirect("worksites:gate_done", token, entry.submission_key)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "site": site, "retention": settings.WORKSITES_GATE_LOG_DAYS}
    return render(request, "worksites/gate.html", context, status=status)


@organisation_check_exempt
@never_cache
def gate_done(request, token, key):
    link, state = _open_link(token)
    entry = GateEntry.objects.filter(link=link, submission_key=key).first() if link else None
    if entry is None:
        return render(
            request, "worksites/gate_closed.html", {"state": "unknown", "site": None}, status=404
        )
    referent = entry.company if entry.company and entry.company.referent_name else entry.site
    return render(
        request,
        "worksites/gate_done.html",
        {"entry": entry, "site": entry.site, "referent": referent, "token": token},
    )
