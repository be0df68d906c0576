"""Pages of a closed session's letters (offers and their answers) and of its minutes.

Officers read with "allocation.view" and act with "commission.manage". The minutes are also
open to the commission's president through their seat: the president may be an outside member
with no allocation role, and only they acknowledge (seal) the minutes.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from relais.core import audit
from relais.core.tenancy import get_for_request

from .. import pdf
from ..commissions import minutes
from ..models import DecisionType, Letter, LetterKind, OfferAnswer, Session, SessionStatus
from . import offers
from . import services as letters
from .forms import OfferReceiptForm

DECIDED = (SessionStatus.CLOSED, SessionStatus.SEALED)


class OfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Applicant's answer"),
        choices=[
            (OfferAnswer.ACCEPTED, gettext_lazy("Accepted the offer")),
            (OfferAnswer.REFUSED, gettext_lazy("Refused the offer")),
        ],
        widget=forms.RadioSelect,
    )


def _pdf_response(content, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sessions():
    return Session.objects.select_related("commission")


def _letters():
    return Letter.objects.select_related(
        "candidate__application",
        "candidate__item__session__commission",
        "candidate__item__vacancy__dwelling__building__commune",
    )


# Letters ---------------------------------------------------------------------------------


@login_required
@require_GET
def letter_list(request, session_pk):
    session = get_for_request(request, _sessions(), ability="allocation.view", pk=session_pk)
    # Offers whose ten days ran out lapse now rather than at the next run of the task.
    letters.offers_lapse(session=session)
    context = {
        "session": session,
        "letters": letters.session_letters(session),
        "decided": session.status in DECIDED,
    }
    return render(request, "allocation/letter_list.html", context)


@login_required
@require_POST
def letters_send(request, session_pk):
    session = get_for_request(request, _sessions(), ability="commission.manage", pk=session_pk)
    if session.status not in DECIDED:
        messages.error(request, _("Letters are written once the session is closed."))
        return redirect("allocation:letter_list", session_pk=session.pk)
    count = len(letters.letters_after_close(session, actor=request.user))
    messages.success(
        request,
        ngettext("%(count)d letter written.", "%(count)d letters written.", count)
        % {"count": count},
    )
    return redirect("allocation:letter_list", session_pk=session.pk)


@login_required
@require_GET
def letter_detail(request, pk):
    letter = get_for_request(request, _letters(), ability="allocation.view", pk=pk)
    if letter.kind == LetterKind.OFFER and letter.answer == OfferAnswer.PENDING:
        letters.offers_lapse(session=letter.candidate.item.session)
        letter.refresh_from_db()
    pending = letter.kind == LetterKind.OFFER and letter.answer == OfferAnswer.PENDING
    manage = request.abilities["commission.manage"]
    candidate = letter.candidate
    waits_for_document = (
        letter.kind == LetterKind.CONDITIONAL
        and candidate.decision == DecisionType.CONDITIONAL
        and candidate.condition_met_on is None
        and candidate.condition_lapsed_on is None
    )
    context = {
        "letter": letter,
        "session": candidate.item.session,
        "application": candidate.application,
        "form": OfferAnswerForm() if pending and manage else None,
        "receipt_form": OfferReceiptForm() if pending and manage else None,
        "can_record_document": waits_for_document and manage,
    }
    return render(request, "allocation/letter_detail.html", context)


@login_required
@require_POST
def letter_answer(request, pk):
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the applicant's answer."))
        return redirect("allocation:letter_detail", pk=letter.pk)
    try:
        letters.offer_answer(letter=letter, actor=request.user, answer=form.cleaned_data["answer"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Answer recorded."))
    return redirect("allocation:letter_detail", pk=letter.pk)


@login_required
@require_POST
def letter_receipt(request, pk):
    """Record when the applicant received an offer: the answer period is recomputed."""
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    form = OfferReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and the proof of receipt."))
        return redirect("allocation:letter_detail", pk=letter.pk)
    try:
        offers.offer_receipt_record(
            letter=letter,
            actor=request.user,
            received_on=form.cleaned_data["received_on"],
            kind=form.cleaned_data["kind"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Receipt recorded; the answer period runs from the day after."))
    return redirect("allocation:letter_detail", pk=letter.pk)


@login_required
@require_POST
def condition_document(request, pk):
    """Record the missing document of a conditional attribution as received (from its
    decision letter's page); the offer then leaves if this candidate is next in line."""
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    try:
        offers.condition_document_receive(candidate=letter.candidate, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Document recorded as received."))
    return redirect("allocation:letter_detail", pk=letter.pk)


@login_required
@require_GET
def letter_download(request, pk):
    letter = get_for_request(request, _letters(), ability="allocation.view", pk=pk)
    audit.record(
        action="letter.downloaded",
        organisation=request.organisation,
        actor=request.user,
        obj=letter,
    )
    return _pdf_response(letter.pdf, letters.letter_filename(letter))


# Minutes ---------------------------------------------------------------------------------


def _session_for_minutes(request, pk) -> Session:
    """Officers who read allocation files, or the commission's president by their seat."""
    session = get_for_request(request, _sessions(), pk=pk)
    if not (
        request.abilities.get("allocation.view") or minutes.is_president(session, request.user)
    ):
        raise PermissionDenied
    return session


def _minutes_filename(session: Session) -> str:
    return f"proces-verbal-seance-{session.pk}-{session.opens_at:%Y-%m-%d}.pdf"


@login_required
@require_GET
def session_minutes(request, session_pk):
    session = _session_for_minutes(request, session_pk)
    stored = session.minutes_pdf is not None
    is_president = minutes.is_president(session, request.user)
    context = {
        "session": session,
        "president": minutes.president_of(session),
        "digest": pdf.sha256(session.minutes_pdf) if stored else "",
        "stored": stored,
        "intact": minutes.minutes_intact(session),
        "can_generate": request.abilities["commission.manage"]
        and session.status == SessionStatus.CLOSED,
        "can_acknowledge": is_president and stored and session.status == SessionStatus.CLOSED,
    }
    return render(request, "allocation/minutes.html", context)


@login_required
@require_GET
def minutes_download(request, session_pk):
    session = _session_for_minutes(request, session_pk)
    if session.minutes_pdf is None:
        raise Http404
    if not minutes.minutes_intact(session):
        # The stored bytes differ from those sealed: never serve them as the minutes.
        return HttpResponse(
            _("The stored minutes no longer match the sealed ones. Contact your administrator."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    audit.record(
        action="minutes.downloaded",
        organisation=request.organisation,
        actor=request.user,
        obj=session,
    )
    return _pdf_response(session.minutes_pdf, _minutes_filename(session))


@login_required
@require_POST
def minutes_generate(request, session_pk):
    session = get_for_request(request, _sessions(), ability="commission.manage", pk=session_pk)
    try:
        minutes.minutes_generate(session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Minutes drawn up."))
    return redirect("allocation:session_minutes", session_pk=session.pk)


@login_required
@require_POST
def minutes_acknowledge(request, session_pk):
    session = _session_for_minutes(request, session_pk)
    try:
        minutes.minutes_acknowledge(
            session=session, actor=request.user, expected_sha256=request.POST.get("sha256", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Minutes acknowledged and sealed."))
    return redirect("allocation:session_minutes", session_pk=session.pk)
