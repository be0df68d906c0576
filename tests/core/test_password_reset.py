"""Issue 19 §7: the "unknown account" password-reset e-mail has no link to the closed sign-up."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_unknown_account_email_does_not_invite_to_sign_up():
    response = Client().post(reverse("account_reset_password"), {"email": "inconnu@example.org"})

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["inconnu@example.org"]
    assert reverse("account_signup") not in message.body
    assert "http" not in message.body
    assert "administrateur" in message.body
