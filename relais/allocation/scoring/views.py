"""What an officer tells an applicant: their score, the average waiting time of similar
applications and their position among them, in each EPCI they wish (``selectors.standing``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ..applications.pool import get_application_for_request
from ..applications.services import application_viewed
from .selectors import standing


@login_required
def application_standing(request, pk):
    application = get_application_for_request(request, pk=pk)
    application_viewed(
        actor=request.user, application=application, via="standing", reader=request.organisation
    )
    context = {
        "application": application,
        "standings": standing(application),
        "today": timezone.localdate(),
    }
    return render(request, "allocation/application_standing.html", context)
