"""Reads for core pages."""

from .models import Agency, CrisisMode, CrisisModeChange


def current_crisis_state(organisation) -> CrisisModeChange:
    """The organisation's latest mode change, or an unsaved 'normal' state if none yet."""
    latest = CrisisModeChange.objects.for_organisation(organisation).first()
    return latest or CrisisModeChange(organisation=organisation, mode=CrisisMode.NORMAL)


def crisis_history(organisation):
    return CrisisModeChange.objects.for_organisation(organisation).select_related("changed_by")


def agencies(organisation):
    return Agency.objects.for_organisation(organisation).order_by("name")
