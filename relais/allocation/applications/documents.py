"""The supporting documents of an application: which are received, which are missing.

One source for every page that shows them — the staff file and the commission member's view
of a candidate — so the two can never disagree (they once did: "missing documents: none" for
the member against eight missing on the staff file, because the member's page listed only the
suspensive-condition list of ``commissions.closing.SUSPENSIVE_DOCUMENTS``).
"""

from dataclasses import dataclass

from .services import Document


@dataclass(frozen=True)
class DocumentLine:
    code: str
    label: str
    received: bool


def document_status(application) -> list[DocumentLine]:
    """Every document of the list (``Document``, in its order), received or not."""
    received = set(application.documents_received or ())
    return [
        DocumentLine(code=code, label=str(label), received=code in received)
        for code, label in Document.choices
    ]


def missing_documents(application) -> list[str]:
    """The labels of the documents not received yet."""
    return [line.label for line in document_status(application) if not line.received]
