"""Every write of outreach, each in one transaction and audited (ADR 0039).

``<entity>_<verb>(*, organisation, actor, …)``; ``actor`` is a user or None (a task).
Refusals raise :class:`Refused` with a French message for the page.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.core import audit
from relais.core.models import Membership
from relais.core.roles import Role
from relais.core.transactions import write_transaction
from relais.formats import of_name
from relais.housing.models import Lease

from . import calllist, follow_moves, links, notify, rules, selectors
from .models import (
    NO_PHONE_OUTCOMES,
    Call,
    Campaign,
    CampaignStatus,
    ConsentBy,
    EntryStatus,
    Escalation,
    Follow,
    FollowState,
    Need,
    NeedCloseReason,
    Outcome,
    Partner,
    PartnerKind,
    Referral,
    RegisterEntry,
    RotaSlot,
    Weekday,
)
from .retention import campaign_purge, purge_due  # noqa: F401 (the retention's writes)


class Refused(Exception):
    """A write the rules refuse; ``str()`` is the French message for the person."""


def _today() -> dt.date:
    return timezone.localdate()


# The register ---------------------------------------------------------------------------------


@dataclass
class Consent:
    """Who agreed to the registration, and when (a third party is named with their relation)."""

    by: str
    on: dt.date | None
    third_party_name: str = ""
    third_party_relation: str = ""


def _check_consent(consent: Consent) -> None:
    """Dated, not in the future, at most ``forms.CONSENT_MAX_AGE_YEARS`` (5) years old, a
    third party named."""
    from .forms import CONSENT_MAX_AGE_YEARS, years_before

    if consent.on is None:
        raise Refused(_("Record the date of the consent: nobody enters the register without it."))
    if consent.on > _today():
        raise Refused(_("The consent cannot be dated in the future."))
    if consent.on < years_before(_today(), CONSENT_MAX_AGE_YEARS):
        raise Refused(_("A consent more than five years old is not valid: record it again today."))
    if consent.by == ConsentBy.THIRD_PARTY and not consent.third_party_name.strip():
        raise Refused(_("Name the third party who asked for the registration."))
    if consent.by not in ConsentBy.values:
        raise Refused(_("Say who gave the consent."))


def _check_minor(occupant, source: str, signal_reason: str, consent_by: str) -> None:
    """Under 18, only on a signal (staff, caretaker, relative) with its reason, and with a
    third party's consent (a parent or legal guardian: Code civil art. 388-1-1)."""
    from .forms import ADULT_AGE, SIGNAL_SOURCES

    if rules.age_on(occupant.birth_date, _today()) >= ADULT_AGE:
        return
    if consent_by != ConsentBy.THIRD_PARTY:
        raise Refused(
            _("A person under 18 cannot consent alone: a parent or legal guardian gives the "
              "consent (a third party).")
        )  # fmt: skip
    if source not in SIGNAL_SOURCES or not signal_reason.strip():
        raise Refused(
            _("A person under 18 enters the register only on a signal (staff, caretaker or "
              "relative) with its reason.")
        )  # fmt: skip


def _phone_national(raw: str) -> str:
    """A French number in the national writing (« 06 12 34 56 78 »; another country
    « +44 20 … »), "" for none; refused when no region of the French plan reads it."""
    from relais.core.phones import national, parse_phone

    if not (raw or "").strip():
        return ""
    number = parse_phone(raw)
    if number is None:
        raise Refused(_("Enter a valid phone number (for example 06 12 34 56 78 or +44 20 …)."))
    return national(number)


def _place(occupant):
    """(building id, commune code) of the occupant's current home, or (None, None)."""
    lease = (
        Lease.objects.filter(household_id=occupant.household_id, end_date__isnull=True)
        .select_related("dwelling__building")
        .first()
    )
    if lease is None:
        return None, None
    building = lease.dwelling.building
    return building.pk, building.commune_id


@write_transaction
def entry_register(
    *,
    organisation,
    actor,
    occupant,
    source: str,
    consent: Consent,
    unfit_for_work: bool = False,
    other_phone: str = "",
    health_note: str = "",
    signal_reason: str = "",
) -> RegisterEntry:
    """Enter ``occupant`` on the register, with the consent it rests on. Also added to the
    active campaigns whose scope covers them (due today). ``other_phone``: any French
    writing, stored « 06 12 34 56 78 »; ``signal_reason``: why staff, a caretaker or a
    relative signalled the person, required under 18 (kept in the audit event)."""
    if occupant.organisation_id != organisation.pk:
        raise ValueError("occupant of another organisation")
    _check_consent(consent)
    from .forms import HEALTH_NOTE_MAX  # the minimum useful to the caller

    if len(health_note) > HEALTH_NOTE_MAX:
        raise Refused(_("At most 1,000 characters."))
    _check_minor(occupant, source, signal_reason, consent.by)
    other_phone = _phone_national(other_phone)
    if RegisterEntry.objects.filter(occupant=occupant, status=EntryStatus.ACTIVE).exists():
        raise Refused(_("This person is already on the register."))
    building_id, commune_id = _place(occupant)
    by_person = consent.by == ConsentBy.PERSON
    entry = RegisterEntry.objects.create(
        organisation=organisation,
        occupant=occupant,
        household_id=occupant.household_id,
        building_id=building_id,
        commune_id=commune_id,
        source=source,
        unfit_for_work=unfit_for_work,
        consent_by=consent.by,
        # Consent by the person: no third party stored, whatever was typed.
        third_party_name="" if by_person else consent.third_party_name.strip(),
        third_party_relation="" if by_person else consent.third_party_relation.strip(),
        consent_on=consent.on,
        consent_recorded_by=actor,
        other_phone=other_phone,
        health_note=health_note,
    )
    audit.record(
        action="register_entry.created",
        organisation=organisation,
        actor=actor,
        obj=entry,
        changes={"source": source, "consent_by": consent.by}
        | ({"signal_reason": signal_reason.strip()} if signal_reason.strip() else {}),
    )
    for campaign in Campaign.objects.filter(organisation=organisation, status="active"):
        _follow_in_scope(campaign, RegisterEntry.objects.filter(pk=entry.pk))
    return entry


@write_transaction
def entry_leave(*, organisation, actor, entry, reason: str) -> RegisterEntry:
    """The person leaves the register (at any time, on their word): no more calls."""
    entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk, organisation=organisation)
    if entry.status == EntryStatus.LEFT:
        return entry
    entry.status, entry.left_at, entry.left_reason = EntryStatus.LEFT, timezone.now(), reason
    entry.save(update_fields=["status", "left_at", "left_reason"])
    # Stopped, the person leaves the day's list unless already called (selectors._line_state).
    Follow.objects.filter(entry=entry).update(state=FollowState.STOPPED)
    _close_needs_of(organisation, actor, entry, reason)
    audit.record(
        action="register_entry.left",
        organisation=organisation,
        actor=actor,
        obj=entry,
        changes={"reason": reason},
    )
    return entry


def entry_health_viewed(*, organisation, actor, entry) -> None:
    """Audit one opening of the health note (every opening, ``outreach.view_health``)."""
    audit.record(
        action="register_entry.health_viewed", organisation=organisation, actor=actor, obj=entry
    )


@write_transaction
def entry_health_note(*, organisation, actor, entry, note: str) -> RegisterEntry:
    from .forms import HEALTH_NOTE_MAX

    if len(note.strip()) > HEALTH_NOTE_MAX:
        raise Refused(_("At most 1,000 characters."))
    entry.health_note = note.strip()
    entry.save(update_fields=["health_note"])
    audit.record(
        action="register_entry.health_changed", organisation=organisation, actor=actor, obj=entry
    )
    return entry


# Campaigns ------------------------------------------------------------------------------------


def _scope(campaign, entries):
    entries = entries.filter(organisation=campaign.organisation, status=EntryStatus.ACTIVE)
    if campaign.scope_building_id:
        entries = entries.filter(building_id=campaign.scope_building_id)
    if campaign.scope_commune_id:
        entries = entries.filter(commune_id=campaign.scope_commune_id)
    if campaign.scope_min_age:
        born_before = _today().replace(year=_today().year - campaign.scope_min_age)
        entries = entries.filter(occupant__birth_date__lte=born_before)
    return entries


def _follow_in_scope(campaign, entries) -> int:
    """Follow the entries of ``entries`` in the campaign's scope (not yet followed). A
    person's first due day respects their last contact under any campaign: reached on day
    R within the cadence (R + cadence after the start day) → due on R + cadence; otherwise
    the start day (today, or the campaign's start if later). One query for the entries and
    their last reach, one bulk insert."""
    today = max(_today(), campaign.starts_on)
    ids = (
        _scope(campaign, entries)
        .exclude(follows__campaign=campaign)
        .annotate(last_reach=Max("follows__last_reached_at"))
        .values_list("pk", "last_reach")
    )
    cadence = dt.timedelta(days=campaign.cadence_days)
    rows = [
        Follow(
            organisation_id=campaign.organisation_id,
            campaign=campaign,
            entry_id=pk,
            next_due_on=max(today, timezone.localdate(last) + cadence) if last else today,
        )
        for pk, last in ids.iterator(chunk_size=5000)
    ]
    Follow.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@write_transaction
def campaign_create(*, organisation, actor, **fields) -> Campaign:
    campaign = Campaign.objects.create(organisation=organisation, created_by=actor, **fields)
    audit.record(action="campaign.created", organisation=organisation, actor=actor, obj=campaign)
    return campaign


@write_transaction
def campaign_update(*, organisation, actor, campaign, **fields) -> Campaign:
    """Change a campaign not yet closed (its script, cadence, scope, dates): ``fields`` as for
    ``campaign_create``. A closed campaign is refused (its calls are history)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk, organisation=organisation)
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.PURGED):
        raise Refused(_("This campaign is closed; create a new one."))
    changed = sorted(name for name, value in fields.items() if getattr(campaign, name) != value)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    audit.record(
        action="campaign.changed",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"fields": changed},  # field names, shown by their labels
    )
    return campaign


@write_transaction
def campaign_start(*, organisation, actor, campaign, via_switch: bool = False) -> int:
    """Start the campaign: the register (its scope) is followed, everyone due from the start
    day. Returns the people followed; starting an active campaign again adds the newcomers."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk, organisation=organisation)
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.PURGED):
        raise Refused(_("This campaign is closed; create a new one."))
    campaign.status = CampaignStatus.ACTIVE
    campaign.started_at = campaign.started_at or timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    added = _follow_in_scope(campaign, RegisterEntry.objects.all())
    audit.record(
        action="campaign.started",
        organisation=organisation,
        actor=actor,
        obj=campaign,
        changes={"people": added, "via_switch": via_switch},
    )
    return added


@write_transaction
def campaign_close(*, organisation, actor, campaign) -> Campaign:
    """Close the campaign: no more calls; its data is purged after ``retention_days``."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk, organisation=organisation)
    if campaign.status in (CampaignStatus.CLOSED, CampaignStatus.PURGED):
        return campaign
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
    # Its people not yet called leave the day's list (selectors._line_state).
    campaign.save(update_fields=["status", "closed_at"])
    audit.record(action="campaign.closed", organisation=organisation, actor=actor, obj=campaign)
    return campaign


def no_switch_campaign_sentence(on: bool) -> str:
    """What ``/crise/`` says when no campaign is tied to the switch (none marked "start with
    the switch" and ready, on; none running, off)."""
    if on:
        return _("No call campaign starts with this switch: start them from Outreach › Campaigns.")
    return _(
        "No call campaign closes with this switch: the running ones go on; close them from "
        "Outreach › Campaigns."
    )


def on_outreach_switch(*, organisation, actor, on: bool) -> str:
    """Listener of the ``outreach_active`` switch: on, the campaigns marked "start with the
    switch" start; off, the active ones marked so close. Returns what it did, in French, for
    ``/crise/`` — or, when no campaign is tied to the switch, that none is and where to start
    or close them (``no_switch_campaign_sentence``)."""
    if on:
        started = people = 0
        for campaign in Campaign.objects.filter(
            organisation=organisation, status=CampaignStatus.DRAFT, start_with_switch=True
        ):
            people += campaign_start(
                organisation=organisation, actor=actor, campaign=campaign, via_switch=True
            )
            started += 1
        if not started:
            return no_switch_campaign_sentence(on)
        return ngettext(
            "%(n)d call campaign started (people followed: %(people)d).",
            "%(n)d call campaigns started (people followed: %(people)d).",
            started,
        ) % {"n": started, "people": people}
    closed = []
    for campaign in Campaign.objects.filter(
        organisation=organisation, status=CampaignStatus.ACTIVE, start_with_switch=True
    ):
        campaign_close(organisation=organisation, actor=actor, campaign=campaign)
        closed.append(campaign.name)
    if not closed:
        return no_switch_campaign_sentence(on)
    return ngettext(
        "%(n)d call campaign closed: %(names)s.",
        "%(n)d call campaigns closed: %(names)s.",
        len(closed),
    ) % {"n": len(closed), "names": ", ".join(_("“%(name)s”") % {"name": name} for name in closed)}


def rota_save(*, organisation, actor, slots: dict[int, set[int]]) -> int:
    """Replace the weekly rota with ``slots`` ({membership id of an active outreach caller:
    {weekday 0 Monday … 6 Sunday}}); other ids are refused. Audited with the days added and
    removed per caller. Returns the number of slots."""
    callers = {
        m.pk: m
        for m in Membership.objects.filter(
            organisation=organisation, role=Role.OUTREACH_CALLER, pk__in=list(slots)
        ).select_related("user")
    }
    unknown = set(slots) - set(callers)
    if unknown or any(not 0 <= day <= 6 for days in slots.values() for day in days):
        raise Refused(_("The rota names someone who is not an outreach caller here."))
    labels = dict(Weekday.choices)
    with transaction.atomic():
        existing = RotaSlot.objects.select_for_update().filter(organisation=organisation)
        before: dict[int, set[int]] = {}
        for caller_id, weekday in existing.values_list("caller_id", "weekday"):
            before.setdefault(caller_id, set()).add(weekday)
        added, removed = [], []
        for pk, membership in callers.items():
            name = membership.user.get_full_name() or membership.user.username
            for days, into in (
                (slots[pk] - before.get(pk, set()), added),
                (before.get(pk, set()) - slots[pk], removed),
            ):
                if days:
                    into.append(f"{name}: {', '.join(str(labels[d]) for d in sorted(days))}")
        changes = {k: "; ".join(v) for k, v in (("added", added), ("removed", removed)) if v}
        existing.filter(caller_id__in=list(callers)).delete()
        RotaSlot.objects.bulk_create(
            RotaSlot(organisation=organisation, caller_id=pk, weekday=day)
            for pk, days in slots.items()
            for day in sorted(days)
        )
        if changes:
            audit.record(
                action="outreach.rota_changed",
                organisation=organisation,
                actor=actor,
                object_repr=str(_("Callers' rota")),
                changes=changes,
            )
    return sum(len(days) for days in slots.values())


@write_transaction
def list_build(*, organisation, day: dt.date | None = None, caller_ids=None) -> int:
    """Build ``day``'s call list (see ``calllist``); idempotent. Returns people added."""
    day = day or _today()
    added, callers = calllist.build(organisation=organisation, day=day, caller_ids=caller_ids)
    if added:
        audit.record(
            action="call_list.built",
            organisation=organisation,
            actor=None,
            object_repr=day.isoformat(),
            changes={"people": added, "callers": callers},
        )
    return added


# Calls ----------------------------------------------------------------------------------------


@dataclass
class CallResult:
    call: Call
    replayed: bool = False
    referral: Referral | None = None
    escalated: bool = False


def _lock_for_call(organisation, follow, key: str, day: dt.date):
    """(the addressed follow, every follow of the person due on ``day`` — locked, in id
    order —, the call already recorded with ``key`` or None). Refused when the person is
    on no call list of ``day``, or no longer to be called today."""
    follow = Follow.objects.select_related("entry").get(pk=follow.pk, organisation=organisation)
    follows = list(
        Follow.objects.select_for_update()
        .select_related("campaign")
        .filter(organisation=organisation, entry_id=follow.entry_id)
        .order_by("pk")
    )
    earlier = (
        Call.objects.filter(follow__in=follows, key=key).order_by("pk").first() if key else None
    )
    if earlier is None and selectors.sheet_caller(organisation, follow.pk, day) is None:
        raise Refused(_("This person is not on today's call list."))
    due = [f for f in follows if follow_moves.still_due(f, day)]
    if earlier is None and not due:
        raise Refused(_("This call is already recorded."))
    return follow, due, earlier


def _check_note(note: str) -> None:
    from .forms import CALL_NOTE_MAX

    if len(note.strip()) > CALL_NOTE_MAX:
        raise Refused(
            _("Keep the note to %(limit)d characters: the essentials of the call.")
            % {"limit": CALL_NOTE_MAX}
        )


def _check_needs(outcome: str, needs) -> None:
    if outcome == Outcome.NEEDS and not needs:
        raise Refused(_("Tick at least one need, or choose “reached and fine”."))
    if outcome != Outcome.NEEDS and needs:
        raise Refused(_("Needs are recorded only with “reached, with needs”."))


def _call_row(follow, membership, now, outcome: str, note: str, key: str) -> Call:
    return Call.objects.create(
        organisation_id=follow.organisation_id,
        follow=follow,
        campaign=follow.campaign,
        caller=membership,
        called_at=now,
        outcome=outcome,
        note=note.strip(),
        key=key,
    )


@write_transaction
def call_record(
    *,
    organisation,
    actor,
    membership,
    follow: Follow,
    outcome: str,
    note: str = "",
    needs: list[tuple[str, str]] = (),
    refer_to: Partner | None = None,
    partner_note: str = "",
    key: str = "",
) -> CallResult:
    """Record a call of the person of ``follow`` (on a list of today) by ``membership``. A
    call is to a PERSON: one call row per follow of theirs due today, at one time, each
    follow moved on by its own campaign's rules (``follow_moves.apply_outcome``).
    ``needs``: [(NeedKind, detail)], only and always for "reached with needs", kept once;
    ``refer_to`` sends them to a partner with ``partner_note`` — never ``note``, which stays
    with the landlord. A ``key`` already used for this person returns the first call."""
    now = timezone.now()
    follow, due, earlier = _lock_for_call(organisation, follow, key, timezone.localdate(now))
    if earlier is not None:
        return CallResult(earlier, replayed=True)
    _check_needs(outcome, needs)
    _check_note(note)
    if outcome not in NO_PHONE_OUTCOMES and not selectors.phones(follow.entry):
        raise Refused(_("No phone number on file: ask for a caretaker's visit instead."))
    attempts = follow_moves.calls_today(follow.entry_id, now) + 1
    made = {f.pk: _call_row(f, membership, now, outcome, note, key) for f in due}
    escalated = False
    for f in due:
        f.caller = membership
        escalated = follow_moves.apply_outcome(f, outcome, attempts, now) or escalated
    lead = next((f for f in due if f.pk == follow.pk), due[0])
    call = made[lead.pk]
    Need.objects.bulk_create(
        Need(organisation=organisation, follow=lead, call=call, kind=kind, note=detail[:300])
        for kind, detail in needs
    )
    changes = {"outcome": outcome, "needs": len(needs), "escalated": escalated}
    audit.record(
        action="call.recorded",
        organisation=organisation,
        actor=actor,
        obj=follow.entry,
        changes=changes,
    )
    if outcome == Outcome.DECEASED:
        entry_leave(organisation=organisation, actor=actor, entry=follow.entry, reason="deceased")
    referral = None
    if refer_to is not None and needs:
        lead.entry = follow.entry
        referral = referral_create(
            organisation=organisation,
            actor=actor,
            follow=lead,
            partner=refer_to,
            reason="needs",
            summary=partner_note,
        )
    return CallResult(call, referral=referral, escalated=escalated)


@write_transaction
def need_close(*, organisation, actor, need: Need) -> Need:
    """Close a need as met (``NeedCloseReason.MET``)."""
    need = Need.objects.select_for_update().get(pk=need.pk, organisation=organisation)
    if need.closed_at is None:
        need.closed_at, need.closed_by = timezone.now(), actor
        need.close_reason = NeedCloseReason.MET
        need.save(update_fields=["closed_at", "closed_by", "close_reason"])
        audit.record(
            action="need.closed",
            organisation=organisation,
            actor=actor,
            obj=need,
            changes={"kind": need.kind, "reason": need.close_reason},
        )
    return need


def _close_needs_of(organisation, actor, entry, left_reason: str) -> None:
    """The follow-up of ``entry`` ended (death, or leaving the register): their open needs
    are closed with that reason, each audited. Inside the caller's transaction."""
    reason = NeedCloseReason.DECEASED if left_reason == "deceased" else NeedCloseReason.LEFT
    needs = list(
        Need.objects.select_for_update().filter(
            organisation=organisation, follow__entry=entry, closed_at__isnull=True
        )
    )
    now = timezone.now()
    for need in needs:
        need.closed_at, need.closed_by, need.close_reason = now, actor, reason
        audit.record(
            action="need.closed",
            organisation=organisation,
            actor=actor,
            obj=need,
            changes={"kind": need.kind, "reason": reason},
        )
    Need.objects.bulk_update(needs, ["closed_at", "closed_by", "close_reason"])


def partner_for(entry) -> Partner | None:
    """The CCAS of the person's commune, else the organisation's first other body."""
    partners = Partner.objects.filter(organisation_id=entry.organisation_id)
    found = partners.filter(kind=PartnerKind.CCAS, commune_id=entry.commune_id).first()
    return found or partners.filter(kind=PartnerKind.OTHER).first()


@write_transaction
def visit_ask(*, organisation, actor, follow: Follow) -> int:
    """Ask now for a caretaker's visit of the person of ``follow``, who has no phone number
    on file: every follow of theirs followed by an active campaign is escalated to a visit
    (as after three failed calls, ``follow_moves.failed``) and those due leave today's list
    (due again tomorrow, as an escalated case is). Audited; returns the follows escalated
    (0 when a visit was already asked for)."""
    follow = Follow.objects.select_related("entry").get(pk=follow.pk, organisation=organisation)
    if selectors.phones(follow.entry):
        raise Refused(_("This person has a phone number: call them first."))
    now = timezone.now()
    follows = list(
        Follow.objects.select_for_update()
        .filter(
            organisation=organisation,
            entry_id=follow.entry_id,
            state=FollowState.FOLLOWED,
            campaign__status=CampaignStatus.ACTIVE,
            escalation=Escalation.NONE,
        )
        .order_by("pk")
    )
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    for each in follows:
        each.escalation, each.escalated_at = Escalation.VISIT, now
        each.next_due_on = max(each.next_due_on, tomorrow)
    Follow.objects.bulk_update(follows, ["escalation", "escalated_at", "next_due_on"])
    if follows:
        audit.record(
            action="visit.asked",
            organisation=organisation,
            actor=actor,
            obj=follow.entry,
            changes={"reason": "no_phone"},
        )
    return len(follows)


@write_transaction
def visit_record(*, organisation, actor, follow: Follow, seen_fine: bool, note: str = ""):
    """The caretaker's visit of an escalated case, for every campaign following the person
    that awaits it: seen and fine closes the escalations (each follow due again by its
    cadence); otherwise the case is referred, once, to the CCAS of the commune (or another
    body). Returns the referral or None."""
    follow = Follow.objects.select_related("entry").get(pk=follow.pk, organisation=organisation)
    awaiting = list(
        Follow.objects.select_for_update()
        .select_related("campaign")
        .filter(organisation=organisation, entry_id=follow.entry_id, escalation=Escalation.VISIT)
        .order_by("pk")
    )
    if not awaiting:
        raise Refused(_("No caretaker's visit is awaited for this person."))
    audit.record(
        action="visit.recorded",
        organisation=organisation,
        actor=actor,
        obj=follow.entry,
        changes={"seen_fine": seen_fine},
    )
    if seen_fine:
        for each in awaiting:
            follow_moves.reached(each, each.campaign, timezone.now())
            each.save()
        return None
    partner = partner_for(follow.entry)
    if partner is None:
        raise Refused(_("Add the CCAS of this commune to the partners before referring."))
    note = note or _("Not reached after three calls and a caretaker's visit.")
    lead = next((f for f in awaiting if f.pk == follow.pk), awaiting[0])
    lead.entry = follow.entry
    referral = referral_create(
        organisation=organisation,
        actor=actor,
        follow=lead,
        partner=partner,
        reason="escalation",
        summary=note,
    )
    Follow.objects.filter(pk__in=[f.pk for f in awaiting]).update(escalation=Escalation.REFERRED)
    return referral


# Referrals ------------------------------------------------------------------------------------


def _consent_text(entry) -> str:
    when = entry.consent_on.strftime("%d/%m/%Y")
    if entry.consent_by == ConsentBy.THIRD_PARTY:
        relation = f" ({entry.third_party_relation})" if entry.third_party_relation else ""
        return _("Registered at the request %(of_name)s%(relation)s on %(when)s") % {
            "of_name": of_name(entry.third_party_name),
            "relation": relation,
            "when": when,
        }
    return _("Consent given by the person on %(when)s") % {"when": when}


def _address(entry) -> str:
    lease = (
        Lease.objects.filter(household_id=entry.household_id, end_date__isnull=True)
        .select_related("dwelling__building__commune")
        .first()
    )
    if lease is None:
        return ""
    building = lease.dwelling.building
    place = f"{building.postcode} {building.commune.name}"
    return f"{building.address}, {place} ({lease.dwelling.reference})"


def _need_details(needs) -> list[str]:
    """One line per distinct detail, with the needs it is about: « Courses, Médicaments :
    plus rien » once, not once per need (the call form's detail is one for all)."""
    kinds_by_detail: dict[str, list[str]] = {}
    for need in needs:
        if need.note:
            kinds = kinds_by_detail.setdefault(need.note, [])
            if str(need.get_kind_display()) not in kinds:
                kinds.append(str(need.get_kind_display()))
    return [f"{', '.join(kinds)} : {detail}" for detail, kinds in kinds_by_detail.items()]


@write_transaction
def referral_create(
    *, organisation, actor, follow: Follow, partner: Partner, reason: str, summary: str = ""
) -> Referral:
    """Send the case to ``partner`` with the minimum needed (name, address, phone, the
    person's open needs and their details, ``summary``: what the caller wrote for the social
    services, never their own note) and the consent it rests on. A partner without an
    account gets a signed, expiring link by e-mail (only its SHA-256 stored)."""
    if partner.organisation_id != organisation.pk:
        raise ValueError("partner of another organisation")
    entry = follow.entry
    needs = Need.objects.filter(follow__entry_id=follow.entry_id, closed_at__isnull=True)
    labels = sorted({str(n.get_kind_display()) for n in needs})
    summary = "\n".join([*_need_details(needs), *([summary.strip()] if summary.strip() else [])])
    now = timezone.now()
    referral = Referral(
        organisation=organisation,
        follow=follow,
        partner=partner,
        person_name=str(entry.occupant),
        address=_address(entry),
        phone=(selectors.phones(entry) or [""])[0],
        needs=", ".join(labels) or _("Unreachable"),
        summary=summary.strip(),
        consent=_consent_text(entry),
        reason=reason,
        sent_at=now,
        sent_by=actor,
    )
    token = None
    if not partner.users.exists():
        token, referral.link_token_hash = links.new_token()
        referral.link_expires_at = now + links.LINK_LIFETIME
    referral.save()
    if reason == "escalation":
        Follow.objects.filter(pk=follow.pk).update(escalation=Escalation.REFERRED)
    audit.record(
        action="referral.sent",
        organisation=organisation,
        actor=actor,
        obj=referral,
        changes={"partner_name": partner.name, "reason": reason, "by_link": token is not None},
    )
    if token is not None:
        transaction.on_commit(lambda: notify.send_referral_link(referral, token))
    return referral
