"""Every write of work sites: sites, companies, the checklist and its evidence, stopping and
the signed restart, gate links and the gate's self-checks. Each in a transaction, audited.

A stop opens a ``Stoppage`` row and the signed restart closes it, beside the site's current
``stopped_on``/``restarted_on`` (ADR 0054).
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit, links
from relais.core.models import Organisation
from relais.core.transactions import write_transaction
from relais.formats import long_date
from relais.interventions.requests import photos

from .models import (
    ACTIVE_STATUSES,
    TO_RESTART,
    ChecklistItem,
    Evidence,
    GateEntry,
    GateLink,
    ProtocolItemTemplate,
    SiteStatus,
    Stoppage,
    WorkSite,
)
from .protocol import DEFAULT_MEASURES

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
GATE_LINK_DAYS = 31  # a month: a new poster each month, and a lost one stops working
# The columns ``copy_current_stops`` reads from a site and writes into its history row.
SIGNATURE = ("stopped_on", "restarted_on", "restart_signed_by", "restart_signed_at")
COPIED = ("organisation", "pk", *SIGNATURE)
COPIED_TO = ("organisation", "site", *SIGNATURE)


class RestartRefused(Exception):
    """The restart cannot be signed; ``open_items`` are the mandatory measures not done."""

    def __init__(self, message: str, open_items=()):
        super().__init__(message)
        self.open_items = list(open_items)


def ensure_default_protocol(organisation) -> int:
    """Give ``organisation`` the default measures (protocol.py) if it has none; returns how
    many were created."""
    if ProtocolItemTemplate.objects.for_organisation(organisation).exists():
        return 0
    ProtocolItemTemplate.objects.bulk_create(
        ProtocolItemTemplate(
            organisation=organisation,
            order=position,
            text=str(text),
            guidance=str(guidance),
            mandatory=mandatory,
            evidence=evidence,
        )
        for position, (text, guidance, mandatory, evidence) in enumerate(DEFAULT_MEASURES, 1)
    )
    return len(DEFAULT_MEASURES)


def _record(action, site, actor, changes=None, obj=None):
    audit.record(
        action=action,
        organisation=site.organisation,
        actor=actor,
        obj=obj or site,
        object_repr=str(site) if obj is None else f"{site.reference} – {obj}",
        changes=changes or {},
    )


@write_transaction
def site_create(*, organisation, actor, site: WorkSite) -> WorkSite:
    """Save a new site with its checklist copied from the organisation's measures in use."""
    site.organisation = organisation
    site.save()
    ensure_default_protocol(organisation)
    measures = ProtocolItemTemplate.objects.for_organisation(organisation).filter(active=True)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            organisation=organisation,
            site=site,
            order=position,
            text=m.text,
            guidance=m.guidance,
            mandatory=m.mandatory,
            evidence_kind=m.evidence,
        )
        for position, m in enumerate(measures.order_by("order", "pk"), 1)
    )
    _record("worksite.created", site, actor, {"status": site.status})
    return site


@write_transaction
def site_update(*, actor, site: WorkSite, changed: list[str]) -> WorkSite:
    site.save()
    _record("worksite.updated", site, actor, {"fields": sorted(changed)})
    return site


@write_transaction
def company_save(*, actor, company, created: bool):
    company.organisation = company.site.organisation
    company.save()
    action = "worksite.company_added" if created else "worksite.company_updated"
    _record(action, company.site, actor, {"trade": company.trade}, obj=company)
    return company


def _locked(site: WorkSite) -> WorkSite:
    return WorkSite.objects.select_for_update(of=("self",), no_key=True).get(pk=site.pk)


@write_transaction
def site_stop(*, actor, site: WorkSite, on: dt.date, note: str = "") -> WorkSite:
    """Stop a running (or not yet started) site on ``on``. Raises RestartRefused for a site
    already stopped or completed."""
    if on > timezone.localdate():
        raise ValidationError({"stopped_on": _("The date cannot be in the future.")})
    site = _locked(site)
    if site.status not in (*ACTIVE_STATUSES, SiteStatus.PREPARING):
        raise RestartRefused(_("This site is not running: it cannot be stopped."))
    if site.restarted_on and on < site.restarted_on:
        raise ValidationError(
            {
                "stopped_on": _("The site restarted on %(day)s: it cannot stop before.")
                % {"day": long_date(site.restarted_on)}
            }
        )
    previous = site.status
    site.status, site.stopped_on = SiteStatus.STOPPED, on
    site.save(update_fields=["status", "stopped_on"])
    _reopen_protocol(WorkSite.objects.filter(pk=site.pk))
    Stoppage.objects.create(organisation=site.organisation, site=site, stopped_on=on)
    _record("worksite.stopped", site, actor, {"status": [previous, site.status], "note": note})
    return site


def _reopen_protocol(sites) -> None:
    """A stopped site restarts under a protocol checked again: its measures reopen (their
    evidence stays on file, to be confirmed) and its last restart's signature is cleared from
    the site (its ``Stoppage`` row and the audit trail keep it)."""
    ChecklistItem.objects.filter(site__in=sites).update(done_on=None)
    sites.update(restarted_on=None, restart_signed_by=None, restart_signed_at=None)


@write_transaction
def site_start(*, actor, site: WorkSite, on: dt.date) -> WorkSite:
    """A site not started yet starts on ``on`` (its actual start). Raises RestartRefused for
    any other status, ValidationError for a date in the future."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    site = _locked(site)
    if site.status != SiteStatus.PREPARING:
        raise RestartRefused(_("Only a site not started yet can start."))
    site.status, site.actual_start = SiteStatus.RUNNING, on
    site.save(update_fields=["status", "actual_start"])
    _record("worksite.started", site, actor, {"actual_start": on})
    return site


@write_transaction
def site_complete(*, actor, site: WorkSite, on: dt.date) -> WorkSite:
    """A running or restarted site is completed on ``on`` (its actual end)."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    site = _locked(site)
    if site.status not in ACTIVE_STATUSES:
        raise RestartRefused(_("Only a running site can be completed."))
    site.status, site.actual_end = SiteStatus.COMPLETED, on
    site.save(update_fields=["status", "actual_end"])
    _record("worksite.completed", site, actor, {"actual_end": on})
    return site


def stop_all_running(*, organisation, actor, on: bool) -> None:
    """The "construction sites stopped" switch: on, every running site stops today (one
    UPDATE, one INSERT of their history rows, one audit event); off, stopped sites go to
    "preparing restart" — each restarts only with its checklist done and the director's
    signature."""
    sites = WorkSite.objects.for_organisation(organisation)
    today = timezone.localdate()
    if on:
        running = list(sites.filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
        count = sites.filter(pk__in=running).update(status=SiteStatus.STOPPED, stopped_on=today)
        _reopen_protocol(sites.filter(pk__in=running))
        copy_current_stops(sites.filter(pk__in=running))
        action = "worksite.stopped_by_switch"
    else:
        count = sites.filter(status=SiteStatus.STOPPED).update(status=SiteStatus.PREPARING_RESTART)
        action = "worksite.restart_preparation_opened"
    if count:
        audit.record(
            action=action, organisation=organisation, actor=actor, changes={"count": count}
        )


@write_transaction
def prepare_restart(*, actor, site: WorkSite) -> WorkSite:
    site = _locked(site)
    if site.status != SiteStatus.STOPPED:
        raise RestartRefused(_("Only a stopped site can prepare its restart."))
    site.status = SiteStatus.PREPARING_RESTART
    site.save(update_fields=["status"])
    _record("worksite.restart_preparation", site, actor)
    return site


def _evidence_content(item: ChecklistItem, upload) -> tuple[str, bytes]:
    """(file name, bytes) of an uploaded piece of evidence, checked for the item's kind.
    Raises ValidationError naming the field."""
    if item.evidence_kind == Evidence.PHOTO:
        try:
            photo = photos.reencode(upload)
        except ValidationError as error:
            raise ValidationError({"evidence": error.messages}) from None
        return f"{uuid.uuid4().hex}.jpg", photo.content
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"evidence": _("The document is larger than 10 MB.")})
    if not data.startswith(b"%PDF-"):
        raise ValidationError({"evidence": _("The document must be a PDF file.")})
    return f"{uuid.uuid4().hex}.pdf", data


@write_transaction
def checklist_answer(*, actor, item: ChecklistItem, done_on: dt.date, note: str, upload=None):
    """Mark a measure done on ``done_on`` with its evidence (required for a photo or document
    measure unless one is already on file). Raises ValidationError naming the field."""
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    needs_file = item.evidence_kind != Evidence.NONE
    if needs_file and upload is None and not item.evidence_file:
        raise ValidationError(
            {
                "evidence": _("This measure needs its evidence: %(kind)s.")
                % {"kind": item.get_evidence_kind_display().lower()}
            }
        )
    item = ChecklistItem.objects.select_for_update(of=("self",), no_key=True).get(pk=item.pk)
    if upload is not None and needs_file:
        name, content = _evidence_content(item, upload)
        item.evidence_file.save(name, ContentFile(content), save=False)
        original = getattr(upload, "name", "") or name
        if item.evidence_kind == Evidence.PHOTO:  # re-encoded: a JPEG whatever was sent
            original = original.rsplit(".", 1)[0] + ".jpg"
        item.evidence_name = original[-200:]
    item.done_on, item.note = done_on, note
    item.answered_by, item.answered_at = actor, timezone.now()
    item.save()
    _record(
        "worksite.measure_done",
        item.site,
        actor,
        {"done_on": done_on, "evidence": bool(item.evidence_file)},
        obj=item,
    )
    return item


@write_transaction
def checklist_reopen(*, actor, item: ChecklistItem) -> ChecklistItem:
    item = ChecklistItem.objects.select_for_update(of=("self",), no_key=True).get(pk=item.pk)
    item.done_on = None
    item.save(update_fields=["done_on"])
    _record("worksite.measure_reopened", item.site, actor, obj=item)
    return item


@write_transaction
def restart_sign(*, actor, site: WorkSite, on: dt.date | None = None) -> WorkSite:
    """The director signs the restart of a stopped site. Raises RestartRefused while a
    mandatory measure is open (listed) or when the site is not waiting for a restart."""
    site = _locked(site)
    if site.status == SiteStatus.RESTARTED and site.restart_signed_at is not None:
        return site  # signed already (a double click): nothing twice
    if site.status not in TO_RESTART:
        raise RestartRefused(_("This site is not waiting for a restart."))
    open_items = list(site.checklist.filter(mandatory=True, done_on__isnull=True).order_by("order"))
    if open_items:
        raise RestartRefused(
            ngettext(
                "The restart needs every mandatory measure done: %(count)d still open.",
                "The restart needs every mandatory measure done: %(count)d still open.",
                len(open_items),
            )
            % {"count": len(open_items)},
            open_items,
        )
    on = on or timezone.localdate()
    if site.stopped_on and on < site.stopped_on:
        raise RestartRefused(
            _("The site stopped on %(day)s: it cannot restart before.")
            % {"day": long_date(site.stopped_on)}
        )
    site.status, site.restarted_on = SiteStatus.RESTARTED, on
    site.restart_signed_by, site.restart_signed_at = actor, timezone.now()
    site.save(update_fields=["status", "restarted_on", "restart_signed_by", "restart_signed_at"])
    _close_stoppage(site)
    _record(
        "worksite.restart_signed",
        site,
        actor,
        {"restarted_on": site.restarted_on, "stopped_on": site.stopped_on},
    )
    return site


def _close_stoppage(site: WorkSite) -> None:
    """Close the site's open ``Stoppage`` row with its restart and signature. A site stopped
    without a row (written with its dates directly) gets its stop and restart as one row."""
    closed = Stoppage.objects.filter(site=site, restarted_on__isnull=True).update(
        restarted_on=site.restarted_on,
        restart_signed_by=site.restart_signed_by,
        restart_signed_at=site.restart_signed_at,
    )
    if not closed and site.stopped_on:
        copy_current_stops(WorkSite.objects.filter(pk=site.pk))


def copy_current_stops(sites) -> int:
    """Copy the current stop of each site of ``sites`` (a ``WorkSite`` queryset) that has a
    stop date and no open ``Stoppage`` row into the history: its ``stopped_on``,
    ``restarted_on`` (empty: an open row) and the restart's signature. One ``INSERT …
    SELECT`` whatever the number of sites (the crisis switch, the demo); returns the rows
    written."""
    source = (
        sites.filter(stopped_on__isnull=False)
        .exclude(Exists(Stoppage.objects.filter(site=OuterRef("pk"), restarted_on__isnull=True)))
        .order_by()
        .values_list(*COPIED)
    )
    db = router.db_for_write(Stoppage)
    try:
        select, params = source.query.sql_with_params()
    except EmptyResultSet:  # no site at all (``pk__in=[]``): nothing to write
        return 0
    table, quote = Stoppage._meta.db_table, connections[db].ops.quote_name
    columns = ", ".join(quote(Stoppage._meta.get_field(name).column) for name in COPIED_TO)
    with connections[db].cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(table)} ({columns}) {select}", params)
        return cursor.rowcount


@write_transaction
def gate_link_create(*, actor, site: WorkSite, days: int = GATE_LINK_DAYS) -> tuple[GateLink, str]:
    """A new gate link for ``site`` valid ``days`` days; returns (link, token) — the token is
    shown once (printed as a QR code on the gate poster), only its hash is kept."""
    token, digest = links.new_token()
    link = GateLink.objects.create(
        organisation=site.organisation,
        site=site,
        token_hash=digest,
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=actor,
    )
    _record("worksite.gate_link_created", site, actor, {"expires_at": link.expires_at})
    return link, token


@write_transaction
def gate_link_revoke(*, actor, link: GateLink) -> GateLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        _record("worksite.gate_link_revoked", link.site, actor)
    return link


def gate_entry_record(
    *, link: GateLink, person_name: str, company, company_name: str, no_symptoms: bool, key
) -> tuple[GateEntry, bool]:
    """Record a person at the gate today; (entry, created). The same form submitted twice
    (same ``key``) is recorded once, with its last answer. Admitted only without symptoms."""
    site = link.site
    existing = GateEntry.objects.filter(site=site, submission_key=key).first()
    if existing is not None:
        if existing.no_symptoms != no_symptoms:  # the person went back and changed the answer
            existing.no_symptoms = existing.admitted = no_symptoms
            existing.save(update_fields=["no_symptoms", "admitted"])
        return existing, False
    try:
        with transaction.atomic():
            entry = GateEntry.objects.create(
                organisation=site.organisation,
                site=site,
                link=link,
                day=timezone.localdate(),
                person_name=person_name,
                company=company,
                company_name=company.name if company is not None else company_name,
                no_symptoms=no_symptoms,
                admitted=no_symptoms,
                submission_key=key,
            )
    except IntegrityError:  # the same form, submitted twice at once
        return GateEntry.objects.get(site=site, submission_key=key), False
    return entry, True


@write_transaction
def protocol_save(*, organisation, actor, formset) -> None:
    """Save the organisation's measures (edits and additions; a measure is retired with
    "in use" unticked, never deleted: sites keep their copy)."""
    changed = 0
    for form in formset.forms:
        if not form.has_changed():
            continue
        measure = form.save(commit=False)
        measure.organisation = organisation
        measure.save()
        changed += 1
    if changed:
        audit.record(
            action="worksite.protocol_saved",
            organisation=organisation,
            actor=actor,
            changes={"count": changed},
        )


def gate_log_purge(today: dt.date | None = None) -> int:
    """Delete gate entries older than ``settings.WORKSITES_GATE_LOG_DAYS`` days (health
    statements are kept only as long as needed to trace a case); one DELETE, one audit event
    per organisation that lost entries. Returns how many were deleted."""
    today = today or timezone.localdate()
    old = GateEntry.objects.filter(
        day__lt=today - dt.timedelta(days=settings.WORKSITES_GATE_LOG_DAYS)
    )
    per_organisation = dict(
        old.order_by()
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    if not per_organisation:
        return 0
    with transaction.atomic():
        deleted, _by_model = old.delete()
        organisations = Organisation.objects.in_bulk(per_organisation)
        for pk, count in per_organisation.items():
            audit.record(
                action="worksite.gate_log_purged",
                organisation=organisations[pk],
                changes={"count": count, "before": today},
            )
    return deleted
