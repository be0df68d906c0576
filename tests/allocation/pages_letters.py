"""Letters and minutes pages in the authorisation matrix (see tests/test_authorisation_matrix.py).

The POST-only actions are tested in test_letters_pages.py and test_minutes_pages.py, with the
president's access to the minutes by their seat.
"""

from relais.allocation.commissions import minutes
from relais.allocation.letters import services as letters
from relais.allocation.letters.reasons import reasons_for

from .factories_letters import closed_session

PAGES = {
    "allocation:letter_list": ("allocation.view", {"session_pk": "letters_session"}),
    "allocation:letter_detail": ("allocation.view", {"pk": "letters_offer"}),
    "allocation:session_minutes": ("allocation.view", {"session_pk": "letters_session"}),
    "allocation:letter_reasons": ("letters.reasons", None),
    "allocation:letter_reason_edit": ("letters.reasons", {"pk": "letter_reason"}),
}
# The PDF downloads are binary (the matrix decodes bodies as text): their access is tested in
# test_letters_pages.py and test_minutes_pages.py.
NOT_PAGES = {
    "allocation:letter_download",
    "allocation:minutes_download",
    "allocation:letters_send",
    "allocation:letters_draft",
    "allocation:letter_review",
    "allocation:letter_send",
    "allocation:letter_answer",
    "allocation:letter_receipt",
    "allocation:condition_document",
    "allocation:minutes_generate",
    "allocation:minutes_acknowledge",
}


def world(organisation, mark, base):
    outcome = closed_session(organisation, mark)
    minutes.minutes_generate(outcome.session)
    letters.letters_after_close(outcome.session)
    return {
        "letters_session": outcome.session,
        "letters_offer": outcome.first.letters.get(kind="offer"),
        "letter_reason": reasons_for(organisation).first(),
    }
