"""What a reservation holder's users may open: the holder of their organisation, the
assignments of its flow (from every landlord it has an agreement with) and nothing else.

Like ``core.tenancy.get_for_request``, every fetch 404s outside: a vacancy of another holder's
flow, or of the landlord's own flow, does not exist for them.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from relais.core.tenancy import require_ability

from ..models import ReservationHolder, VacancyAssignment

ABILITY = "reservation.designate"


def holder_for_request(request) -> ReservationHolder:
    """The holder the member works for; 403 without the role, 404 when the organisation is
    not a reservation holder."""
    require_ability(request, ABILITY)
    holder = ReservationHolder.objects.filter(organisation=request.organisation).first()
    if holder is None:
        raise Http404
    return holder


def holder_assignments(holder):
    """The assignments of the holder's flow, across landlords."""
    return VacancyAssignment.objects.filter(agreement__holder=holder)


def get_assignment_for_holder(request, pk: int) -> tuple[ReservationHolder, VacancyAssignment]:
    holder = holder_for_request(request)
    queryset = holder_assignments(holder).select_related(
        "organisation", "agreement", "commune", "vacancy__dwelling__building"
    )
    return holder, get_object_or_404(queryset, pk=pk)
