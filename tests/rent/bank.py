"""Builds small camt.053 statements for the tests (one booked credit per line)."""


def camt053(lines, message_id="STMT-2026-11-30") -> bytes:
    """``lines``: (amount in euros as text, remittance text, payer name, mandate id or "")."""
    entries = []
    for number, (amount, remittance, payer, mandate) in enumerate(lines, start=1):
        mandate_xml = f"<MndtId>{mandate}</MndtId>" if mandate else ""
        entries.append(
            f'<Ntry><NtryRef>{number}</NtryRef><Amt Ccy="EUR">{amount}</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
            "<BookgDt><Dt>2026-11-30</Dt></BookgDt><ValDt><Dt>2026-11-30</Dt></ValDt>"
            f"<AcctSvcrRef>BQ-{number:04d}</AcctSvcrRef><NtryDtls><TxDtls>"
            f"<Refs><EndToEndId>NOTPROVIDED</EndToEndId>{mandate_xml}</Refs>"
            f"<RltdPties><Dbtr><Nm>{payer}</Nm></Dbtr></RltdPties>"
            f"<RmtInf><Ustrd>{remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2026-11-30T18:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630001007941234567890185</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>"
    ).encode()
