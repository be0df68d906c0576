"""Pages of a closed session's letters (review, sending, offers and their answers), of the
standard letter reasons, and of the session's minutes.

Officers read with "allocation.view" and act with "commission.manage"; directors and managers
edit the standard reasons ("letters.reasons"). The minutes are also open to the commission's
president through their seat: the president may be an outside member with no allocation role,
and only they acknowledge (seal) the minutes.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from relais.core import audit
from relais.core.tenancy import get_for_request, require_ability

from .. import pdf
from ..commissions import minutes
from ..models import (
    DecisionType,
    Letter,
    LetterKind,
    LetterReason,
    LetterStatus,
    OfferAnswer,
    ReasonKind,
    Session,
    SessionStatus,
)
from . import offers, reasons, sending
from . import services as letters
from .forms import LetterReasonEditForm, LetterReasonForm, LetterReviewForm, OfferReceiptForm

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


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Letters ---------------------------------------------------------------------------------


def _letter_action(request, letter: Letter, action, done: str):
    """Run ``action`` (a service call); its refusal, or ``done``, as the message shown back on
    the letter's page."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect("allocation:letter_detail", pk=letter.pk)


@login_required
@require_GET
def letter_list(request, session_pk):
    session = get_for_request(request, _sessions(), ability="allocation.view", pk=session_pk)
    # Offers whose ten days ran out lapse now rather than at the next run of the task.
    letters.offers_lapse(session=session)
    rows = list(letters.session_letters(session))
    context = {
        "session": session,
        "letters": rows,
        "decided": session.status in DECIDED,
        "to_review": sum(letter.status == LetterStatus.DRAFT for letter in rows),
        "reviewed": sum(letter.status == LetterStatus.REVIEWED for letter in rows),
    }
    return render(request, "allocation/letter_list.html", context)


@login_required
@require_POST
def letters_draft(request, session_pk):
    """Draft the letters the close did not write yet (after an interruption, say)."""
    session = get_for_request(request, _sessions(), ability="commission.manage", pk=session_pk)
    if session.status not in DECIDED:
        messages.error(request, _("Letters are written once the session is closed."))
        return redirect("allocation:letter_list", session_pk=session.pk)
    count = len(letters.letters_after_close(session, actor=request.user))
    messages.success(
        request,
        ngettext("%(count)d letter drafted.", "%(count)d letters drafted.", count)
        % {"count": count},
    )
    return redirect("allocation:letter_list", session_pk=session.pk)


@login_required
@require_POST
def letters_send(request, session_pk):
    """Send every reviewed letter of the session; drafts not reviewed stay drafts."""
    session = get_for_request(request, _sessions(), ability="commission.manage", pk=session_pk)
    sent, problems = sending.letters_send_reviewed(session=session, actor=request.user)
    if sent:
        messages.success(
            request,
            ngettext("%(count)d letter sent.", "%(count)d letters sent.", sent) % {"count": sent},
        )
    elif not problems:
        messages.info(request, _("No reviewed letter to send."))
    for problem in problems:
        messages.error(request, problem)
    return redirect("allocation:letter_list", session_pk=session.pk)


def _detail_context(request, letter, review_form=None) -> dict:
    pending = letter.is_sent and letter.kind == LetterKind.OFFER
    pending = pending and letter.answer == OfferAnswer.PENDING
    manage = request.abilities["commission.manage"]
    candidate = letter.candidate
    waits_for_document = (
        letter.kind == LetterKind.CONDITIONAL
        and candidate.decision == DecisionType.CONDITIONAL
        and candidate.condition_met_on is None
        and candidate.condition_lapsed_on is None
    )
    editable = manage and not letter.is_sent
    if editable and review_form is None:
        initial = {"reasons": list(letter.reasons.all()), "wording": letter.wording}
        review_form = LetterReviewForm(letter=letter, initial=initial)
    return {
        "letter": letter,
        "session": candidate.item.session,
        "application": candidate.application,
        "printed_reasons": list(letter.reasons.all()),
        "contact": sending.landlord_contact(candidate),
        "contact_problem": sending.contact_problem(candidate),
        "review_form": review_form if editable else None,
        "can_send": manage and letter.status == LetterStatus.REVIEWED,
        "form": OfferAnswerForm() if pending and manage else None,
        "receipt_form": OfferReceiptForm() if pending and manage else None,
        "can_record_document": waits_for_document and manage,
    }


@login_required
@require_GET
def letter_detail(request, pk):
    letter = get_for_request(
        request, sending.letters_with_context(), ability="allocation.view", pk=pk
    )
    if letter.kind == LetterKind.OFFER and letter.answer == OfferAnswer.PENDING:
        letters.offers_lapse(session=letter.candidate.item.session)
        letter.refresh_from_db()
    context = _detail_context(request, letter)
    return render(request, "allocation/letter_detail.html", context)


@login_required
@require_POST
def letter_review(request, pk):
    """Save the officer's reasons and wording; the letter is then ready to send."""
    letter = get_for_request(
        request, sending.letters_with_context(), ability="commission.manage", pk=pk
    )
    form = LetterReviewForm(request.POST, letter=letter)
    if form.is_valid():
        try:
            sending.letter_review(
                letter=letter,
                actor=request.user,
                reasons=form.cleaned_data["reasons"],
                wording=form.cleaned_data["wording"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Letter reviewed: it is ready to send."))
            return redirect("allocation:letter_detail", pk=letter.pk)
    context = _detail_context(request, letter, review_form=form)
    return render(request, "allocation/letter_detail.html", context, status=400)


@login_required
@require_POST
def letter_send(request, pk):
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    return _letter_action(
        request,
        letter,
        lambda: sending.letter_send(letter=letter, actor=request.user),
        _("Letter sent."),
    )


@login_required
@require_POST
def letter_answer(request, pk):
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    form = OfferAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the applicant's answer."))
        return redirect("allocation:letter_detail", pk=letter.pk)
    answer = form.cleaned_data["answer"]
    return _letter_action(
        request,
        letter,
        lambda: letters.offer_answer(letter=letter, actor=request.user, answer=answer),
        _("Answer recorded."),
    )


@login_required
@require_POST
def letter_receipt(request, pk):
    """Record when the applicant received an offer: the answer period is recomputed."""
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    form = OfferReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date and the proof of receipt."))
        return redirect("allocation:letter_detail", pk=letter.pk)
    return _letter_action(
        request,
        letter,
        lambda: offers.offer_receipt_record(
            letter=letter,
            actor=request.user,
            received_on=form.cleaned_data["received_on"],
            kind=form.cleaned_data["kind"],
        ),
        _("Receipt recorded; the answer period runs from the day after."),
    )


@login_required
@require_POST
def condition_document(request, pk):
    """Record the missing document of a conditional attribution as received (from its
    decision letter's page); the offer then leaves if this candidate is next in line."""
    letter = get_for_request(request, Letter.objects, ability="commission.manage", pk=pk)
    return _letter_action(
        request,
        letter,
        lambda: offers.condition_document_receive(candidate=letter.candidate, actor=request.user),
        _("Document recorded as received."),
    )


@login_required
@require_GET
def letter_download(request, pk):
    """The sent PDF as stored; a draft's preview, rendered now and marked "projet"."""
    letter = get_for_request(
        request, sending.letters_with_context(), ability="allocation.view", pk=pk
    )
    content = letter.pdf if letter.is_sent else sending.letter_preview(letter)
    audit.record(
        action="letter.downloaded",
        organisation=request.organisation,
        actor=request.user,
        obj=letter,
        changes={} if letter.is_sent else {"draft": True},
    )
    return _pdf_response(content, sending.letter_filename(letter))


# Standard reasons ------------------------------------------------------------------------


@login_required
def letter_reasons(request):
    """The organisation's standard reasons per decision type, and a form to add one."""
    require_ability(request, "letters.reasons")
    form = LetterReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reasons.reason_create(
                organisation=request.organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Reason added."))
            return redirect("allocation:letter_reasons")
    rows = list(reasons.reasons_for(request.organisation, active_only=False))
    groups = [
        (label, [reason for reason in rows if reason.kind == kind])
        for kind, label in ReasonKind.choices
    ]
    status = 400 if form.is_bound and form.errors else 200
    context = {"groups": groups, "form": form}
    return render(request, "allocation/letter_reasons.html", context, status=status)


@login_required
def letter_reason_edit(request, pk):
    reason = get_for_request(request, LetterReason.objects, ability="letters.reasons", pk=pk)
    initial = {"text": reason.text, "is_active": reason.is_active}
    form = LetterReasonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reasons.reason_update(reason=reason, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, _("Reason saved."))
            return redirect(reverse("allocation:letter_reasons") + f"#reason-{reason.pk}")
    status = 400 if form.is_bound and form.errors else 200
    context = {"reason": reason, "form": form}
    return render(request, "allocation/letter_reason_form.html", context, status=status)


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
