"""Reading ISO 20022 bank statements: camt.053 (end-of-day statement) and camt.054
(debit/credit notification), any version (``camt.053.001.02`` to ``.13``).

``read_statement(data) -> Statement`` returns one ``Transaction`` per transaction of every
booked entry: a batch booking (one debit for a whole SEPA payment run, or one credit for a
direct-debit collection) is split into its transaction details, each with its own amount and
references, so that rent and payables match transactions, not entries.

Amounts are integer cents, always positive; ``direction`` says whether money came in
(``"credit"``) or went out (``"debit"``). Entries that are only pending (``PDNG``) or
informational (``INFO``) are skipped: only booked money counts.

Raises ``StatementError`` with a message naming the entry (its position in the file, from 1)
and the element for a file that is not XML, not a camt.053/054 statement, or whose amounts,
currencies or dates cannot be read. Parsing uses defusedxml (no entities, no external DTD).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

KINDS = {"BkToCstmrStmt": "camt.053", "BkToCstmrDbtCdtNtfctn": "camt.054"}
BOOKED = {"BOOK", ""}  # camt.053.001.02 writes the code directly, later versions in <Cd>


class StatementError(ValueError):
    """The file cannot be read as a camt.053/054 statement; the message says where."""


@dataclass(frozen=True)
class Transaction:
    amount_cents: int
    direction: str  # "credit" | "debit"
    booking_date: dt.date | None
    value_date: dt.date | None
    entry_reference: str = ""  # the bank's reference of the entry (AcctSvcrRef)
    end_to_end_id: str = ""
    instruction_id: str = ""
    payment_information_id: str = ""  # the payment run's PmtInfId, for a batch booking
    mandate_id: str = ""
    remittance: str = ""  # unstructured remittance lines joined, or the structured reference
    counterparty_name: str = ""
    counterparty_iban: str = ""
    entry_number: int = 0  # position of the entry in the file, from 1 (for messages)


@dataclass
class Statement:
    kind: str  # "camt.053" | "camt.054"
    message_id: str
    account_iban: str
    currency: str
    transactions: list[Transaction] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element, *path):
    """The first descendant following ``path`` of local names, ignoring namespaces."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _children(element, name):
    return [c for c in element if _local(c.tag) == name] if element is not None else []


def _text(element, *path) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _cents(element, where: str) -> tuple[int, str]:
    if element is None:
        raise StatementError(f"{where}: montant absent (Amt).")
    try:
        amount = Decimal((element.text or "").strip())
    except InvalidOperation:
        raise StatementError(f"{where}: montant illisible « {element.text} ».") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise StatementError(f"{where}: montant invalide « {element.text} ».")
    return int(amount * 100), element.get("Ccy", "")


def _date(element, where: str) -> dt.date | None:
    if element is None:
        return None
    raw = _text(element, "Dt") or _text(element, "DtTm")[:10]
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise StatementError(f"{where}: date illisible « {raw} ».") from None


def _parse(data: bytes):
    try:
        return ElementTree.fromstring(data)
    except DefusedXmlException:
        raise StatementError("Le fichier contient des entités XML interdites.") from None
    except ElementTree.ParseError:  # the parser's text is English and means nothing to staff
        raise StatementError(
            "Ce fichier n'est pas un XML lisible : déposez le relevé camt.053 "
            "ou l'avis camt.054 téléchargé de la banque."
        ) from None


def read_statement(data: bytes) -> Statement:
    """Read a camt.053 or camt.054 file (bytes) into its booked transactions."""
    root = _parse(data)
    body = next((c for c in root if _local(c.tag) in KINDS), None)
    if _local(root.tag) != "Document" or body is None:
        raise StatementError("Ce fichier n'est pas un relevé camt.053 ni un avis camt.054.")
    kind = KINDS[_local(body.tag)]
    reports = _children(body, "Stmt") or _children(body, "Ntfctn")
    statement = Statement(
        kind=kind, message_id=_text(body, "GrpHdr", "MsgId"), account_iban="", currency=""
    )
    number = 0
    for report in reports:
        statement.account_iban = statement.account_iban or _text(report, "Acct", "Id", "IBAN")
        statement.currency = statement.currency or _text(report, "Acct", "Ccy")
        for entry in _children(report, "Ntry"):
            number += 1
            statement.transactions.extend(_entry_transactions(entry, number))
    return statement


def _entry_transactions(entry, number: int) -> list[Transaction]:
    where = f"Écriture n° {number}"
    status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
    if status not in BOOKED:
        return []
    indicator = _text(entry, "CdtDbtInd")
    if indicator not in {"CRDT", "DBIT"}:
        raise StatementError(f"{where}: sens (CdtDbtInd) absent ou inconnu « {indicator} ».")
    amount, currency = _cents(_child(entry, "Amt"), where)
    if currency and currency != "EUR":
        raise StatementError(f"{where}: devise {currency}, seuls les euros sont lus.")
    common = {
        "direction": "credit" if indicator == "CRDT" else "debit",
        "booking_date": _date(_child(entry, "BookgDt"), where),
        "value_date": _date(_child(entry, "ValDt"), where),
        "entry_reference": _text(entry, "AcctSvcrRef"),
        "entry_number": number,
    }
    details = [tx for d in _children(entry, "NtryDtls") for tx in _children(d, "TxDtls")]
    if not details:
        return [Transaction(amount_cents=amount, **common)]
    result = []
    for position, tx in enumerate(details, 1):
        tx_where = f"{where}, transaction {position}"
        tx_amount = _child(tx, "Amt")
        if tx_amount is None:
            tx_amount = _child(tx, "AmtDtls", "TxAmt", "Amt")
        if tx_amount is not None:
            cents, _ccy = _cents(tx_amount, tx_where)
        elif len(details) == 1:
            cents = amount
        else:
            raise StatementError(f"{tx_where}: montant de la transaction absent.")
        result.append(Transaction(amount_cents=cents, **common, **_references(tx, indicator)))
    return result


def _references(tx, indicator: str) -> dict:
    # The counterparty is the debtor of a credit (a tenant paying) and the creditor of a debit
    # (a supplier paid).
    party = "Dbtr" if indicator == "CRDT" else "Cdtr"
    name = _text(tx, "RltdPties", party, "Nm") or _text(tx, "RltdPties", party, "Pty", "Nm")
    iban = _text(tx, "RltdPties", f"{party}Acct", "Id", "IBAN")
    remittance = " ".join(
        (line.text or "").strip() for line in _children(_child(tx, "RmtInf"), "Ustrd")
    ).strip() or _text(tx, "RmtInf", "Strd", "CdtrRefInf", "Ref")
    return {
        "end_to_end_id": _text(tx, "Refs", "EndToEndId").removeprefix("NOTPROVIDED"),
        "instruction_id": _text(tx, "Refs", "InstrId"),
        "payment_information_id": _text(tx, "Refs", "PmtInfId"),
        "mandate_id": _text(tx, "Refs", "MndtId"),
        "remittance": remittance,
        "counterparty_name": name,
        "counterparty_iban": iban.replace(" ", ""),
    }
