"""Bad input is refused: a 4xx (or a redirect), never a 500, never a 200 showing errors, and
nothing written (the house quality bar, docs/architecture.md "Forms").

Every page of the authorisation matrix (tests/test_authorisation_matrix.py) is posted to by its
owner role, in one world: once empty, and, when the page holds a form posting to itself, once
with its own values but every date « 31/02/2026 », every number « 12,3,4 », every amount « abc »
and every file a few garbage bytes. Each request runs in a savepoint rolled back afterwards, so
one page's write cannot change the next page's world; the rows of every Relais table are
counted before and after it (one query).
"""

import datetime as dt

import lxml.html
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from .factories import MembershipFactory, OrganisationFactory
from .test_authorisation_matrix import MARK, PAGES, _owner_role, _url, _world

# Pages whose empty POST is a legitimate 200, with the reason.
POST_200 = {}
# Pages whose refused POST may write a row, with the reason (e.g. a read of sensitive data
# audited again when the refused form is shown).
WRITES_ALLOWED = {}

# What a browser sends for a form left empty: the CSRF token alone (the test client does not
# check it), so a view binding ``request.POST or None`` sees a bound form, as in real life.
EMPTY = {"csrfmiddlewaretoken": "token"}
AUDIT_TABLE = "core_auditevent"
ERROR_MARKERS = ("invalid-feedback", "alert alert-danger", 'data-testid="import-errors"')
BAD_DATE = "31/02/2026"
BAD_NUMBER = "12,3,4"
BAD_AMOUNT = "abc"
AMOUNT_WORDS = ("amount", "montant", "price", "cents", "total", "rent", "charges", "balance")


def _tables():
    return [
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("relais.")
        and model._meta.managed
        and not model._meta.proxy
    ]


def _counts(tables):
    quoted = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted}")
        return cursor.fetchone()


def _self_posting_form(html, url):
    """The page's first POST form whose action is the page itself, or None."""
    if not html.strip():
        return None
    document = lxml.html.document_fromstring(html)
    for form in document.forms:
        action = (form.get("action") or "").split("?")[0]
        if (form.method or "GET").upper() == "POST" and action in ("", url):
            return form
    return None


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
        if kind == "file":
            data[name] = SimpleUploadedFile("bad.csv", b"\x00\xff;garbage\n1;2;3\n\xfe")
        elif kind == "date":
            data[name] = BAD_DATE
        elif kind == "datetime-local":
            data[name] = "2026-02-31T25:61"
        elif kind == "number" or mode == "numeric":
            data[name] = BAD_NUMBER
        elif kind == "text" and (mode == "decimal" or any(w in name for w in AMOUNT_WORDS)):
            data[name] = BAD_AMOUNT
        else:
            continue
        malformed = True
    return data, malformed


def _post(client, url, data, tables):
    """``(status, body, changed tables)`` of one POST, rolled back afterwards."""
    with transaction.atomic():
        before = _counts(tables)
        try:
            response = client.post(url, data)
        except Exception as error:  # a 500: the client re-raises the view's exception
            transaction.set_rollback(True)
            return 500, f"{type(error).__name__}: {error}", []
        after = _counts(tables)
        transaction.set_rollback(True)
    changed = [t for t, b, a in zip(tables, before, after, strict=True) if b != a]
    body = "" if response.streaming else response.content.decode("utf-8", errors="replace")
    return response.status_code, body, changed


def _fault(name, what, status, body, changed):
    if status >= 500:
        return f"{name} ({what}): {status} {body[:200]}"
    if changed and name not in WRITES_ALLOWED:
        return f"{name} ({what}): {status} and wrote {changed}"
    if status == 200 and name not in POST_200:
        shows_errors = any(marker in body for marker in ERROR_MARKERS)
        return f"{name} ({what}): 200{' showing errors' if shows_errors else ''}"
    return None


@pytest.mark.django_db
def test_bad_input_is_refused_with_a_4xx_and_changes_nothing():
    organisation = OrganisationFactory(name="Organisation A")
    world = _world(organisation, MARK["a"])
    tables = _tables()
    clients = {}
    faults = []
    for name in sorted(PAGES):
        ability, spec = PAGES[name]
        role = _owner_role(ability)
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(MembershipFactory(organisation=organisation, role=role).user)
        client = clients[role]
        url = _url(name, spec, world)
        page = client.get(url)
        if page.status_code == 405:
            continue
        html = "" if page.streaming else page.content.decode("utf-8", errors="replace")
        form = _self_posting_form(html, url) if "html" in page.get("Content-Type", "") else None
        status, body, changed = _post(client, url, dict(EMPTY), tables)
        if status == 405:
            continue
        if form is None and status == 200 and not any(m in body for m in ERROR_MARKERS):
            # No form of its own and no error shown: the page ignores POST and answers as to
            # a GET, including the audited reading of sensitive data.
            status = 0
            changed = [table for table in changed if table != AUDIT_TABLE]
        faults.append(_fault(name, "empty", status, body, changed))
        if form is not None:
            data, malformed = _malformed(form)
            if malformed:
                faults.append(_fault(name, "malformed", *_post(client, url, data, tables)))
    faults = [fault for fault in faults if fault]
    assert not faults, "\n".join(faults)
