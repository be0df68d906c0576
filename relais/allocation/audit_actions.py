"""Audit actions of allocation: applications, vacancies, commissions, sessions and letters."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import Detail, action, object_link, sensitive
from relais.core.outbox import register_purpose
from relais.housing.models import Channel

from .models import DeclarationKind, OfferAnswer, StrikeOffReason

VIA = Detail(
    _("through"),
    {
        "web": _("the website"),
        "api": _("the API"),
        "edit": _("the edit form"),
        "commission": _("a commission session"),
    },
)
FORMAT = Detail(_("format"), {"csv": "CSV", "xlsx": "Excel (XLSX)"})

action("application.created", _("Application created"), fields=_("fields"))
action("application.updated", _("Application changed"), fields=_("fields"))
action("application.status_changed", _("Application status changed"))
action("application.viewed", _("Application file opened"), via=VIA)
# The shared demand pool (issue 17, ADR 0046): another landlord's reading, in both chains.
action(
    "application.viewed_from_pool",
    _("Another landlord's application opened (shared pool)"),
    via=VIA,
    registered_by=_("registered by (organisation id)"),
)
action(
    "application.viewed_by_landlord",
    _("Application opened by another landlord (shared pool)"),
    via=VIA,
    landlord=_("landlord (organisation id)"),
    landlord_name=_("landlord"),
)
action("application.imported", _("Applications imported"))
action("application.exported", _("Applications exported"), format=FORMAT)
action("application.scores_recomputed", _("Scores recomputed"), changed=_("scores changed"))
action(
    "application.renewed",
    _("Application renewed"),
    renewed_on=_("renewed on"),
    expires_on=_("valid until"),
)
action("application.reminders_created", _("Renewal reminders written"), count=_("reminders"))
action(
    "application.reminder_sent",
    _("Renewal reminder sent"),
    channel=Detail(_("channel"), dict(Channel.choices)),
    expires_on=_("valid until"),
)
action(
    "application.struck_off",
    _("Applications struck off"),
    reason=Detail(_("reason"), dict(StrikeOffReason.choices)),
    on=_("on"),
    applications=_("applications"),
)
action("application.housed", _("Lease signed: application struck off"), lease=_("lease"))
action("income_ceiling.created", _("Income ceiling added"))
action("income_ceiling.changed", _("Income ceiling changed"))
action("income_ceiling.deleted", _("Income ceiling deleted"))
action("income_ceilings.loaded", _("Income ceilings loaded"))
action(
    "income_ceilings.entered",
    _("Income-ceiling table entered"),
    year=_("year"),
    financing=_("financing"),
    source=_("source"),
)
action("abc_zones.loaded", _("A/B/C zoning of the communes loaded"))
action("quartile_threshold.created", _("First-quartile threshold added"))
action("quartile_threshold.changed", _("First-quartile threshold changed"))
action("scoring_grid.created", _("Scoring grid created"), source=_("source file"))
action("scoring_grid.updated", _("Scoring grid changed"))
action("scoring_grid.deleted", _("Scoring grid deleted"))
action("vacancy.created", _("Vacancy created"), dwelling=_("dwelling"))
action("vacancy.updated", _("Vacancy changed"))
action("vacancy.status_changed", _("Vacancy moved on"), on=_("on"))
action("vacancy.candidates_viewed", _("Candidates of a vacancy searched"))
action("commission.created", _("Commission created"))
action("commission.updated", _("Commission changed"))
action(
    "commission.member_invited",
    _("Commission member invited"),
    user=_("account"),
    new_account=_("new account"),
)
action("commission.member_removed", _("Commission member removed"))
action("commission.invitation_accepted", _("Invitation to a commission accepted"))
action("commission.invitation_declined", _("Invitation to a commission declined"))
action("session.created", _("Session created"))
action("commission.rules_saved", _("Internal rules of a commission recorded"))
action(
    "session.opened",
    _("Session opened"),
    items=_("items on the agenda"),
    quorum_bases=_("voting members of each item (quorum base)"),
)
action("session.closed", _("Session closed"), positions_counted=_("positions counted"))
action("agenda_item.added", _("Dwelling put on the agenda"), few_candidates_reason=_("reason"))
action("agenda_item.removed", _("Dwelling taken off the agenda"))
action("agenda_item.carried_over", _("Item carried over to the next session"))
action("vote.position_recorded", _("Position taken"), changed=_("changed position"))
action("vote.remark_posted", _("Remark written on an item"), length=_("length (characters)"))
for kind, declared, withdrawn in [
    (
        DeclarationKind.CONFLICT,
        _("Conflict of interest declared"),
        _("Conflict of interest withdrawn"),
    ),
    (DeclarationKind.SEND_BACK, _("Sending back requested"), _("Sending back withdrawn")),
]:
    action(
        f"vote.{kind}_declared",
        declared,
        reason=_("reason"),
        positions_withdrawn=_("positions withdrawn"),
    )
    action(f"vote.{kind}_withdrawn", withdrawn)
action("minutes.generated", _("Minutes generated"))
action("minutes.sealed", _("Minutes sealed"))
action("minutes.downloaded", _("Minutes downloaded"))
action("letter.created", _("Letter drafted"))
action("letter.reviewed", _("Letter reviewed"), reasons=_("reasons"), wording=_("wording"))
action("letter.sent", _("Letter sent"), answer_due_on=_("answer due on"))
action("letter_reason.created", _("Letter reason added"), kind=_("decision type"), text=_("text"))
action("letter_reason.updated", _("Letter reason changed"), text=_("text"), is_active=_("offered"))
action(
    "offer.receipt_recorded",
    _("Receipt of an offer recorded"),
    received_on=_("received on"),
    answer_due_on=_("answer due on"),
)
action(
    "condition.document_received",
    _("Missing document of a conditional attribution received"),
    document=_("document"),
    received_on=_("received on"),
)
action(
    "condition.lapsed",
    _("Conditional attribution lapsed"),
    document_deadline=_("deadline for the document"),
    lapsed_on=_("lapsed on"),
)
action("letter.downloaded", _("Letter downloaded"))
action("letter.emailed", _("Letter sent by e-mail"), to=_("to"))
for answer, label in [
    (OfferAnswer.ACCEPTED, _("Offer accepted")),
    (OfferAnswer.REFUSED, _("Offer refused")),
    (OfferAnswer.LAPSED, _("Offer lapsed (no answer)")),
]:
    action(f"offer.{answer}", label)

object_link("allocation.application", "allocation:application_detail", "allocation.view")
object_link("allocation.vacancy", "allocation:vacancy_detail", "allocation.view")
object_link("allocation.commission", "allocation:commission_detail", "commission.manage")
object_link("allocation.session", "allocation:session_detail", "commission.manage")
object_link("allocation.letter", "allocation:letter_detail", "allocation.view")
object_link("allocation.scoringgrid", "allocation:scoring_grid_detail", "allocation.view")

# Income, health and family situation: for those who may open application files.
sensitive(
    "allocation.application",
    [
        "income_n2",
        "income_n1",
        "income_last_12_months",
        "reference_income",
        "reference_income_basis",
        "monthly_resources_cents",
        "current_housing_cost_cents",
        "has_disabled_member",
        "needs_accessible",
        "priority_criteria",
    ],
    "allocation.view",
)
sensitive(
    "allocation.candidate", ["housing_benefit_cents", "remaining_income_cents"], "allocation.view"
)

# What the outbox page calls the messages allocation queues.
register_purpose("allocation.renewal_reminder", _("Renewal reminder of an application"))


def _offer_attachments(message):
    from .letters.sending import offer_attachments

    return offer_attachments(message)


register_purpose(
    "allocation.offer_letter", _("Offer of a dwelling"), attachments=_offer_attachments
)
register_purpose("allocation.commission_invitation", _("Invitation to sit on a commission"))
register_purpose("allocation.session_notice", _("Notice of a commission session"))
from .reservations import audit_actions as _reservations  # noqa: E402, F401
