"""A lease's rent terms (page and service), the SEPA mandate forms for cash payers, the
notices' split into one file per page, and the situation report's collection rate."""

import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from relais.core.audit import AuditEvent
from relais.core.roles import Role
from relais.rent import notices, terms
from relais.rent.figures import collection_rate
from relais.rent.models import Payment, RentCall, RentSettings, RentTerms
from relais.rent.rules import add_months

from .conftest import MONTH

pytestmark = pytest.mark.django_db
NEXT = add_months(timezone.localdate().replace(day=1), 1)


def _call(lease, month=MONTH, amount=33_000, paid=0):
    return RentCall.objects.create(
        organisation=lease.organisation, lease=lease, month=month, days=30, month_days=30,
        rent_cents=45_000, charges_cents=8_000, benefit_cents=20_000, rls_cents=0,
        amount_cents=amount, paid_cents=paid,
    )  # fmt: skip


def _save(lease, actor=None, **amounts):
    values = {"valid_from": NEXT, "rent_cents": 46_000, "charges_cents": 8_500, "rls_cents": 0}
    values.update(amounts)
    return terms.rent_terms_save(
        organisation=lease.organisation, actor=actor, lease=lease, **values
    )


def test_terms_are_saved_from_a_month_not_called_and_audited(organisation, leases):
    lease = leases["BAIL-A"]
    saved = _save(lease, benefit_cents=19_000, rls_cents=3_000)
    assert (saved.rent_cents, saved.benefit_cents, saved.rls_cents) == (46_000, 19_000, 3_000)
    again = _save(lease, rent_cents=47_000)  # the same month: replaced, benefit kept
    assert RentTerms.objects.filter(lease=lease).count() == 1
    assert (again.rent_cents, again.benefit_cents) == (47_000, 19_000)
    event = AuditEvent.objects.filter(action="rent_terms.saved").order_by("pk").last()
    assert event.changes["rent_cents"] == [46_000, 47_000] and "benefit_cents" not in str(
        event.changes
    )


@pytest.mark.parametrize(
    ("amounts", "field"),
    [
        ({"valid_from": NEXT.replace(day=2)}, "valid_from"),
        ({"rent_cents": -1}, "rent_cents"),
        ({"benefit_cents": 60_000}, "rls_cents"),  # more benefit than rent and charges
    ],
)
def test_bad_terms_are_refused_naming_the_field(organisation, leases, amounts, field):
    with pytest.raises(ValidationError) as error:
        _save(leases["BAIL-A"], **amounts)
    assert field in error.value.message_dict
    assert not RentTerms.objects.exists()


def test_terms_cannot_rewrite_a_month_already_called(organisation, leases):
    lease = leases["BAIL-A"]
    _call(lease, month=NEXT)
    with pytest.raises(ValidationError) as error:
        _save(lease)
    assert "déjà" in str(error.value) or "already" in str(error.value)


def test_the_terms_page_hides_the_benefit_from_the_accountant(
    organisation, leases, accountant_client, member_factory
):
    lease = leases["BAIL-A"]
    url = f"/loyers/baux/{lease.pk}/conditions/"
    page = accountant_client.get(url).content.decode()
    assert "APL versée" not in page and 'name="benefit"' not in page
    answer = accountant_client.post(
        url, {"valid_from": NEXT.isoformat(), "rent": "abc", "charges": "85", "rls": "0"}
    )
    assert answer.status_code == 400 and not RentTerms.objects.exists()
    form = {"valid_from": NEXT.isoformat(), "rent": "460,50", "charges": "85", "rls": "0"}
    assert accountant_client.post(url, form).status_code == 302
    saved = RentTerms.objects.get()
    assert (saved.rent_cents, saved.benefit_cents) == (46_050, lease.housing_benefit_cents)
    _user, director = member_factory(Role.DIRECTOR)
    page = director.get(url).content.decode()
    assert 'name="benefit"' in page and "460,50" in page


def test_the_terms_page_offers_only_months_not_yet_called(organisation, leases, accountant_client):
    lease = leases["BAIL-A"]
    _call(lease, month=NEXT)  # next month's rent is already called
    page = accountant_client.get(f"/loyers/baux/{lease.pk}/conditions/").content.decode()
    after = add_months(NEXT, 1).isoformat()
    assert f'value="{NEXT.isoformat()}"' not in page
    assert f'<option value="{after}" selected>' in page
    assert terms.first_open(lease, timezone.localdate()) == add_months(NEXT, 1)


def _pdf_text(pdf: bytes) -> str:
    found = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return found.stdout.decode()


@pytest.fixture
def cash_payers(organisation, leases):
    RentSettings.objects.create(
        organisation=organisation, creditor_name="Tours Habitat", creditor_id="FR12ZZZ123456",
        creditor_iban="FR7630006000011234567890189", creditor_bic="AGRIFRPP",
    )  # fmt: skip
    for ref in ("BAIL-A", "BAIL-B"):
        Payment.objects.create(
            organisation=organisation, lease=leases[ref], amount_cents=33_000, method="cash",
            received_on=timezone.localdate() - dt.timedelta(days=20),
        )  # fmt: skip
    holder = leases["BAIL-B"].household.occupants.get()
    holder.email = ""
    holder.save()  # BAIL-B: no e-mail, no mobile: a letter
    return leases


def test_one_mandate_form_carries_the_sepa_mentions(cash_payers, member_factory):
    _user, client = member_factory(Role.ACCOUNTANT)
    lease = cash_payers["BAIL-A"]
    answer = client.get(f"/loyers/especes/{lease.pk}/mandat.pdf")
    assert answer["Content-Type"] == "application/pdf"
    text = _pdf_text(answer.content)
    assert "Mandat de prélèvement SEPA" in text
    assert "FR12ZZZ123456" in text  # creditor identifier
    assert f"BAIL-A-{timezone.localdate():%Y%m%d}" in text  # unique mandate reference
    assert "8 semaines" in text and "Signature" in text and "IBAN" in text
    assert lease.household.name in text
    assert AuditEvent.objects.filter(action="rent.mandate_forms_printed").exists()


def test_the_letters_batch_is_for_households_without_e_mail_or_mobile(cash_payers, member_factory):
    _user, client = member_factory(Role.ACCOUNTANT)
    letters = client.get("/loyers/especes/mandats.pdf?courrier=1").content
    assert len(PdfReader(io.BytesIO(letters)).pages) == 2  # one letter + its mandate form
    text = _pdf_text(letters)
    assert "BAIL-B" in text
    assert "BAIL-A" not in text
    assert "Objet : payer votre loyer autrement" in text
    # Where to send a transfer: the landlord's account, as a person copies it.
    assert "FR76 3000 6000 0112 3456 7890 189" in " ".join(text.split())
    forms = client.get("/loyers/especes/mandats.pdf").content
    assert len(PdfReader(io.BytesIO(forms)).pages) == 2  # both cash payers' forms


def test_the_e_mail_to_a_cash_payer_carries_the_pre_filled_mandate_form(
    cash_payers, member_factory, smtp_server, django_capture_on_commit_callbacks
):
    _user, client = member_factory(Role.ACCOUNTANT)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/loyers/especes/")
    # BAIL-A by e-mail, with its form; BAIL-B (no e-mail, no mobile) is left for a letter.
    [message] = smtp_server.messages
    assert message["To"] == "bail-a@example.fr"
    text = message.get_body(("plain",)).get_content()
    assert "le mandat de prélèvement, prérempli à votre nom, est joint à ce courriel" in text
    assert "répondez" not in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "mandat-sepa-BAIL-A.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    form = _pdf_text(pdf)
    assert "FR12ZZZ123456" in form  # the landlord's creditor identifier (ICS)
    assert f"BAIL-A-{timezone.localdate():%Y%m%d}" in form  # the household's mandate reference
    assert cash_payers["BAIL-A"].household.name in form


def test_without_a_creditor_the_e_mail_offers_to_send_the_form(
    organisation, leases, member_factory, smtp_server, django_capture_on_commit_callbacks
):
    Payment.objects.create(
        organisation=organisation, lease=leases["BAIL-A"], amount_cents=1, method="cash",
        received_on=timezone.localdate(),
    )  # fmt: skip
    _user, client = member_factory(Role.ACCOUNTANT)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/loyers/especes/")
    [message] = smtp_server.messages
    assert "répondez à ce message" in message.get_body(("plain",)).get_content()
    assert list(message.iter_attachments()) == []


def test_without_a_creditor_identifier_no_form_is_printed(organisation, leases, member_factory):
    Payment.objects.create(
        organisation=organisation, lease=leases["BAIL-A"], amount_cents=1, method="cash",
        received_on=timezone.localdate(),
    )  # fmt: skip
    _user, client = member_factory(Role.ACCOUNTANT)
    answer = client.get(f"/loyers/especes/{leases['BAIL-A'].pk}/mandat.pdf", follow=True)
    assert "identifiant" in answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/loyers/especes/"


def test_each_split_page_is_a_whole_pdf_of_its_own_tenant(organisation, leases):
    calls = [_call(leases[ref]) for ref in ("BAIL-A", "BAIL-B", "BAIL-C")]
    ordered = list(notices.calls_for_print(RentCall.objects.filter(pk__in=[c.pk for c in calls])))
    pages = notices.split_pages(notices.render_batch(organisation, ordered))
    assert len(pages) == 3
    for call, page in zip(ordered, pages, strict=True):
        assert len(PdfReader(io.BytesIO(page), strict=True).pages) == 1
        text = _pdf_text(page)
        assert call.lease.reference in text
        assert {"BAIL-A", "BAIL-B", "BAIL-C"} - {call.lease.reference} & set(text.split()) == set()
        assert len(page) < 60_000  # one page's objects, not the whole batch
        assert page.count(b"trailer") == 1 and page.count(b"/Type/Catalog") == 1


def test_collection_rate_of_the_latest_month_called(organisation, leases):
    today = timezone.localdate()
    assert collection_rate(organisation, today) is None
    month = today.replace(day=1)
    _call(leases["BAIL-A"], month=month, amount=30_000, paid=30_000)
    _call(leases["BAIL-B"], month=month, amount=10_000, paid=0)
    _call(leases["BAIL-C"], month=add_months(month, -1), amount=10_000, paid=0)  # older
    assert collection_rate(organisation, today) == 0.75


def test_the_demo_creditor_identifier_has_its_check_digits():
    from relais.rent.demo_extension import creditor_identifier

    assert creditor_identifier("123456") == "FR72ZZZ123456"  # the EPC's French example


@pytest.mark.parametrize(
    ("text", "cents"),
    [("300", 30_000), ("300,5 €", 30_050), ("1 200 euros", 120_000), ("0", 0), ("abc", None),
     ("-5", None), ("", None)],
)  # fmt: skip
def test_thresholds_in_euros(text, cents):
    from relais.rent.rules import parse_euros

    assert parse_euros(text) == cents


def test_a_call_is_overdue_after_its_due_day():
    from relais.rent.rules import overdue_before

    month = dt.date(2026, 11, 1)
    assert not month < overdue_before(dt.date(2026, 11, 5))  # due on the 5th: not yet late
    assert month < overdue_before(dt.date(2026, 11, 6))
