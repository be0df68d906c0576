"""Bad input is refused: a 4xx (or a redirect), never a 500, never a 200 showing errors, and
nothing written (the house quality bar, docs/architecture.md "Interface", "Refused input").

Every page of the authorisation matrix (tests/test_authorisation_matrix.py), and every action
its forms post to, is posted to by the page's owner role, in one world: once empty (the CSRF
token alone, as a browser sends a blank form), and, when it is a form, once with its own values
but every date « 31/02/2026 », every number « 12,3,4 », every amount « abc » and every file a
few garbage bytes. A page that has no form of its own and answers a POST as a GET (lists,
exports) passes when it writes nothing but the audited reading a GET writes too. Each request
runs in a savepoint rolled back afterwards, so one page's write cannot change the next page's
world; the rows of every Relais table are counted before and after it (one query).

Files with one bad row (bank statements, camt, indicators) are refused whole with a 400 whose
message names the row and the field; the stock and application imports have their own tests
(tests/housing/test_import_export.py, tests/allocation/test_applications_import.py).
"""

import datetime as dt
import html
import re

import lxml.html
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve

from relais.core.models import AuditEvent
from relais.core.roles import ABILITY_ROLES, STAFF_ROLES, Role

from .factories import MembershipFactory, OrganisationFactory
from .payables.einvoices import camt054
from .rent.bank import camt053
from .test_authorisation_matrix import MARK, PAGES, _owner_role, _url, _world

# Pages whose refused POST is a legitimate 200, with the reason (none today: a search posted
# by GET or a preview has no POST form of its own, and is recognised as such).
POST_200 = {}
# Pages whose empty form is a valid answer, so that an empty POST writes, with the reason.
EMPTY_IS_VALID = {
    "core:organisation_settings": "every field is optional: no contact, two-factor not required",
    "allocation:letter_review": "a letter granting a dwelling needs no reason nor wording",
    "interventions:category_list": "an empty response target means « no target » (hours)",
    "rent:cash_payers": "the form is one button: tell the cash payers about other channels",
    "supplies:campaign_needs": "an empty quantity declares no need for the line",
    "supplies:count_create": "an empty count leaves the item uncounted (note alone recorded)",
    "supplies:rates": "an empty usage rate is 0 units per person per shift",
}

# Forms posted to from many pages that are not about input: switching organisation.
NOT_ACTIONS = {"core:organisation_switch"}
# What a browser sends for a form left empty: the CSRF token alone (the test client does not
# check it), so a view binding ``request.POST or None`` sees a bound form, as in real life.
EMPTY = {"csrfmiddlewaretoken": "token"}
AUDIT_TABLE = "core_auditevent"
READINGS = ("viewed", "exported", "opened")  # audit actions that record a reading
ERROR_MARKERS = ("invalid-feedback", "alert alert-danger", 'data-testid="import-errors"')
BAD_DATE = "31/02/2026"
BAD_NUMBER = "12,3,4"
BAD_AMOUNT = "abc"
# Name parts of the text inputs that take euros (« rent », « charges_cents », « amount »).
AMOUNT_WORDS = {"amount", "montant", "price", "cents", "total", "rent", "charges", "benefit", "rls"}
NUMBER = re.compile(r"^-?[\d\s\u202f\u00a0]+([.,]\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{2}/\d{2}/\d{4}$")


def _tables():
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("relais.") and model._meta.managed and not model._meta.proxy
    ]


def _counts(tables):
    quoted = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted}")
        return cursor.fetchone()


def _post_forms(html):
    """``{action path: form}`` of the page's POST forms ("" for the page itself)."""
    if not html.strip():
        return {}
    forms = {}
    for form in lxml.html.document_fromstring(html).forms:
        if (form.method or "GET").upper() == "POST":
            forms.setdefault((form.get("action") or "").split("?")[0].split("#")[0], form)
    return forms


def _has_fields(form):
    """False for a button alone (hidden inputs and a submit): posting it is the action."""
    for element in form.inputs:
        kind = (element.get("type") or "text").lower() if element.tag == "input" else ""
        if element.get("name") and kind not in ("hidden", "submit", "button", "image", "reset"):
            return True
    return False


def _malformed(form):
    """``(data, malformed)``: the form's own values with every date, number, amount and file
    replaced by garbage; ``malformed`` is False when the form has no such field."""
    data = {}
    for key, value in form.form_values():
        data.setdefault(key, []).append(value)
    malformed = False
    for element in form.inputs:
        name = element.get("name")
        if not name or element.tag != "input":
            continue
        kind = (element.get("type") or "text").lower()
        mode = (element.get("inputmode") or "").lower()
        value = (element.get("value") or "").strip()
        words = set(re.split(r"[^a-z]+", name.lower()))
        if kind == "file":
            data[name] = SimpleUploadedFile("bad.csv", b"\x00\xff;garbage\n1;2;3\n\xfe")
        elif kind == "date" or (kind == "text" and (DATE.match(value) or "date" in words)):
            data[name] = BAD_DATE
        elif kind == "datetime-local":
            data[name] = "2026-02-31T25:61"
        elif kind == "time":
            data[name] = "25:61"
        elif kind == "text" and words & AMOUNT_WORDS:
            data[name] = BAD_AMOUNT
        elif (
            kind == "number"
            or mode in ("numeric", "decimal")
            or (kind == "text" and NUMBER.match(value))
        ):
            data[name] = BAD_NUMBER
        else:
            continue
        malformed = True
    return data, malformed


def _post(client, url, data, tables):
    """``(status, body, changed tables)`` of one POST, rolled back afterwards."""
    with transaction.atomic():
        before = _counts(tables)
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            response = client.post(url, data)
        except Exception as error:  # a 500: the client re-raises the view's exception
            transaction.set_rollback(True)
            return 500, f"{type(error).__name__}: {error}", []
        after = _counts(tables)
        actions = list(AuditEvent.objects.filter(pk__gt=last).values_list("action", flat=True))
        transaction.set_rollback(True)
    changed = [t for t, b, a in zip(tables, before, after, strict=True) if b != a]
    if changed == [AUDIT_TABLE] and all(action.endswith(READINGS) for action in actions):
        changed = []  # the refused page shows sensitive data again: its reading is audited
    body = "" if response.streaming else response.content.decode("utf-8", errors="replace")
    return response.status_code, body, changed


def _fault(name, what, status, body, changed):
    if status >= 500:
        return f"{name} ({what}): {status} {body[:200]}"
    if changed and not (what == "empty" and name.split(" ")[0] in EMPTY_IS_VALID):
        return f"{name} ({what}): {status} and wrote {changed}"
    if status == 200 and name.split(" ")[0] not in POST_200:
        shows_errors = any(marker in body for marker in ERROR_MARKERS)
        return f"{name} ({what}): 200{' showing errors' if shows_errors else ''}"
    return None


def _check(client, name, url, form, tables):
    """The faults of an empty and, when ``form`` has dates, numbers or files, a malformed POST."""
    status, body, changed = _post(client, url, dict(EMPTY), tables)
    if status == 405:
        return []
    if form is None and status == 200 and not any(m in body for m in ERROR_MARKERS):
        # No form of its own and no error shown: the page ignores POST and answers as to a
        # GET, including the audited reading of sensitive data.
        status = 0
        changed = [table for table in changed if table != AUDIT_TABLE]
    faults = [_fault(name, "empty", status, body, changed)]
    if form is not None:
        data, malformed = _malformed(form)
        if malformed:
            faults.append(_fault(name, "malformed", *_post(client, url, data, tables)))
    return faults


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_4xx_and_changes_nothing(monkeypatch):
    # The director holds every staff ability here, so that each page shows every form it can
    # (a lease's collection steps, plans and mandates…) and their actions are posted to too.
    for ability, roles in ABILITY_ROLES.items():
        if roles & STAFF_ROLES:
            monkeypatch.setitem(ABILITY_ROLES, ability, roles | {Role.DIRECTOR})
    organisation = OrganisationFactory(name="Organisation A")
    world = _world(organisation, MARK["a"])
    tables = _tables()
    clients, faults, actions = {}, [], {}
    for name in sorted(PAGES):
        ability, spec = PAGES[name]
        role = _owner_role(ability)
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(MembershipFactory(organisation=organisation, role=role).user)
        url = _url(name, spec, world)
        page = clients[role].get(url)
        html = page.content.decode() if "html" in page.get("Content-Type", "") else ""
        forms = _post_forms(html)
        faults += _check(clients[role], name, url, forms.pop("", forms.pop(url, None)), tables)
        for action, form in forms.items():
            if action.startswith("/") and _has_fields(form):
                actions.setdefault(action, (clients[role], form))
    # The POST-only actions the pages' forms post to (rent steps, plans, matches…).
    for action, (client, form) in sorted(actions.items()):
        match = resolve(action)
        if match.view_name not in PAGES and match.view_name not in NOT_ACTIONS:
            faults += _check(client, f"{match.view_name} {action}", action, form, tables)
    faults = [fault for fault in faults if fault]
    assert not faults, "\n".join(faults)


# Files with one bad row: refused whole with a 4xx whose message names the row and the field.
STATEMENT_CSV = "date;montant;libellé\n30/11/2026;330,00;BAIL-A\n{day};{amount};LOYER\n"


BAD_FILES = [
    # (page, field of the upload, file name, content, what the message must say)
    (
        "rent:statement_import",
        "file",
        "releve.csv",
        STATEMENT_CSV.format(day="30/11/2026", amount=BAD_NUMBER),
        ("Ligne 3, montant", BAD_NUMBER),
    ),
    (
        "rent:statement_import",
        "file",
        "releve.csv",
        STATEMENT_CSV.format(day=BAD_DATE, amount="110,00"),
        ("Ligne 3, date", BAD_DATE),
    ),
    (
        "rent:statement_import",
        "file",
        "releve.xml",
        camt053([("330.00", "BAIL-A", "MARTIN", ""), (BAD_AMOUNT, "LOYER", "DURAND", "")]),
        ("Écriture n° 2", "montant", BAD_AMOUNT),
    ),
    (
        "payables:statement_import",
        "file",
        "avis.xml",
        camt054([("E2E-1", 1000), ("E2E-2", 2000)], booked_on=dt.date(2026, 12, 1)).replace(
            b">20.00<", b">abc<"
        ),
        ("Écriture n° 2", "montant", BAD_AMOUNT),
    ),
    (
        "federation:submit_csv",
        "file",
        "indicateurs.csv",
        f"week,indicator,value\n2026-W48,rent.collection,95\n2026-W48,rent.arrears,{BAD_AMOUNT}\n",
        ("Ligne 3, value",),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, field, filename, content, expected",
    BAD_FILES,
    ids=["rent-csv-amount", "rent-csv-date", "rent-camt-amount", "payables-camt", "federation-csv"],
)
def test_a_bad_row_is_named_and_nothing_imported(name, field, filename, content, expected):
    organisation = OrganisationFactory(name="Organisation A")
    role = _owner_role(PAGES[name][0])
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    data = {**EMPTY, field: SimpleUploadedFile(filename, raw)}
    tables = _tables()
    status, body, changed = _post(client, _url(name, None, {}), data, tables)
    assert status == 400, body[:500]
    assert not changed
    shown = " ".join(re.findall(r"invalid-feedback[^>]*>(.*?)</div>", html.unescape(body), re.S))
    for text in expected:
        assert text in shown, (text, shown)
