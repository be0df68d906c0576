"""Audit actions of the caretakers' rounds."""

from django.utils.translation import gettext_lazy as _

from relais.core.audit_trail.registry import action

action("round.created", _("Round planned for a building"), steps=_("steps"))
action("building_caretaker.set", _("Building caretaker set"), backup=_("usual replacement"))
action(
    "replacement.created",
    _("Caretaker replacement recorded"),
    starts_on=_("first day"),
    ends_on=_("last day"),
    moved=_("passages handed over"),
)
action("round_step.done", _("Round step done"), done_at=_("done at"), round_done=_("round done"))
action(
    "round_remark.added",
    _("Remark left on a round"),
    photo=_("photo"),
    request=_("intervention request"),
)
action("round_remark.handled", _("Remark on a round handled"))
action("rounds.missed", _("Rounds missed"), count=_("passages"))
action(
    "rounds.reassigned",
    _("Rounds handed over after a declared day"),
    person=_("person"),
    moved=_("passages handed over"),
)
action("round.updated", _("Round of a building changed"), steps=_("steps"), active=_("active"))
action("collection.created", _("Waste collection added to a commune's calendar"))
action("collection.updated", _("Waste collection of a commune changed"))
action("collection.deleted", _("Waste collection removed from a commune's calendar"))
