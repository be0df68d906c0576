"""The staff page of the outbox: what each role sees, the status filter, the query count, and
sending a failed message again (audited, once)."""

import pytest
from django.urls import reverse

from relais.core.models import AuditEvent
from relais.core.outbox import OutboxMessage, OutboxStatus, queue_message
from relais.core.outbox.purposes import register_purpose
from relais.core.roles import Role

from ..factories import HouseholdFactory

PURPOSE = "tests.page_notice"
register_purpose(PURPOSE, "Avis de passage")
URL = reverse("core:outbox_list")


def _message(organisation, *, status=OutboxStatus.SENT, to="jeanne.martin@example.fr", **extra):
    values = {"channel": "email", "subject": "Votre demande n° 42", "body": "Bonjour", **extra}
    message = queue_message(organisation=organisation, to=to, purpose=PURPOSE, **values)
    failed = status == OutboxStatus.FAILED
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status,
        attempts=5 if failed else 1,
        last_error="SMTPRecipientsRefused: 550 jeanne.martin@example.fr" if failed else "",
        error_kind="refused" if failed else "",
    )
    return message


def test_staff_who_may_see_addresses_read_the_whole_row(organisation, member_factory):
    household = HouseholdFactory(organisation=organisation, name="Famille Lefèvre")
    _message(organisation, status=OutboxStatus.FAILED, household=household)
    _message(organisation, channel="sms", to="06 12 34 56 78", subject="")
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    page = client.get(URL).content.decode()
    assert "jeanne.martin@example.fr" in page and "06 12 34 56 78" in page
    assert "Avis de passage" in page and f">{PURPOSE}<" not in page
    assert "Famille Lefèvre" in page
    assert "Échec" in page and "Envoyé" in page and "SMS" in page
    assert "L&#x27;adresse du destinataire a été refusée" in page  # in words, not raw
    assert "SMTPRecipientsRefused" not in page
    assert "Renvoyer" in page


def test_a_technician_sees_masked_recipients_and_no_household(organisation, member_factory):
    household = HouseholdFactory(organisation=organisation, name="Famille Lefèvre")
    _message(organisation, status=OutboxStatus.FAILED, household=household)
    _message(organisation, channel="sms", to="06 12 34 56 78", subject="")
    _user, client = member_factory(Role.TECHNICIAN)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "jeanne.martin" not in page and "j•••@e•••.fr" in page
    assert "06 •• •• •• 78" in page
    assert "Famille Lefèvre" not in page and "Renvoyer" not in page
    assert "550 jeanne.martin" not in page


def test_the_status_filter(organisation, owner_client):
    _message(organisation, status=OutboxStatus.FAILED, subject="Message en échec")
    _message(organisation, subject="Message parti")
    page = owner_client.get(URL, {"status": "failed"}).content.decode()
    assert "Message en échec" in page and "Message parti" not in page
    partial = owner_client.get(URL, {"status": "sent"}, headers={"HX-Request": "true"})
    assert "Message parti" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_an_unknown_status_is_a_400_with_a_french_message(organisation, owner_client):
    response = owner_client.get(URL, {"status": "lost"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_list_reads_a_bounded_number_of_queries(
    organisation, owner_client, django_assert_max_num_queries
):
    households = [HouseholdFactory(organisation=organisation) for _ in range(5)]
    for index in range(60):
        _message(organisation, household=households[index % 5], status=OutboxStatus.FAILED)
    # session, user, memberships, crisis state (banner), the page's ids + total, its rows
    with django_assert_max_num_queries(8):
        response = owner_client.get(URL, {"status": "failed", "page": "2"})
    assert response.content.decode().count('data-testid="outbox-row"') == 10


def test_sending_a_failed_message_again(
    organisation, member_factory, smtp_server, django_capture_on_commit_callbacks
):
    message = _message(organisation, status=OutboxStatus.FAILED)
    _user, client = member_factory(Role.CUSTOMER_OFFICER)
    retry = reverse("core:outbox_retry", args=[message.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "sera envoyé" in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert len(smtp_server.messages) == 1
    event = AuditEvent.objects.get(action="outbox.message_retried")
    assert event.changes == {"status": ["failed", "queued"], "attempts": [5, 0]}
    # A double submit sends nothing more and records nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(retry, follow=True)
    assert "plus en échec" in again.content.decode()
    assert len(smtp_server.messages) == 1
    assert AuditEvent.objects.filter(action="outbox.message_retried").count() == 1


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.READ_ONLY])
def test_members_without_the_right_cannot_retry(organisation, member_factory, role):
    message = _message(organisation, status=OutboxStatus.FAILED)
    _user, client = member_factory(role)
    assert client.post(reverse("core:outbox_retry", args=[message.pk])).status_code == 403
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.FAILED


def test_another_organisations_message_is_not_found(
    organisation, other_organisation, outsider_client, owner_client
):
    message = _message(organisation, status=OutboxStatus.FAILED)
    assert outsider_client.post(reverse("core:outbox_retry", args=[message.pk])).status_code == 404
    assert owner_client.get(reverse("core:outbox_retry", args=[message.pk])).status_code == 405
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.FAILED


def test_the_audit_trail_reads_the_purpose_label(organisation, owner_client):
    _message(organisation)
    page = owner_client.get(reverse("core:audit_log")).content.decode()
    assert "Message à un locataire mis en file d&#x27;envoi" in page
    assert "Objet du message&nbsp;: Avis de passage" in page
    assert "Canal&nbsp;: E-mail" in page
    assert PURPOSE not in page


def test_the_operator_reads_the_raw_error_in_the_admin(organisation, admin_client):
    message = _message(organisation, status=OutboxStatus.FAILED)
    listing = admin_client.get(reverse("admin:core_outboxmessage_changelist"), {"status": "failed"})
    assert listing.status_code == 200
    detail = admin_client.get(reverse("admin:core_outboxmessage_change", args=[message.pk]))
    assert "SMTPRecipientsRefused: 550 jeanne.martin@example.fr" in detail.content.decode()


def test_failed_messages_show_on_the_home_of_those_who_can_send_them_again(
    organisation, member_factory
):
    _user, officer = member_factory(Role.CUSTOMER_OFFICER)
    _user, technician = member_factory(Role.TECHNICIAN)
    home = reverse("core:home")
    keys = [card.key for card in officer.get(home).context["cards"]]
    assert "core.failed_messages" not in keys  # nothing failed: no alert
    _message(organisation, status=OutboxStatus.FAILED)
    _message(organisation)
    (card,) = [c for c in officer.get(home).context["cards"] if c.key == "core.failed_messages"]
    assert card.count == 1 and card.url.endswith("?status=failed")
    assert [(row.label, row.detail) for row in card.rows] == [
        ("Avis de passage", "jeanne.martin@example.fr")
    ]
    keys = [card.key for card in technician.get(home).context["cards"]]
    assert "core.failed_messages" not in keys


def test_the_page_is_titled_messages_sent_not_only_to_tenants(organisation, owner_client):
    """It lists staff notices (commission notices) too: « Messages envoyés »."""
    from django.utils import translation

    with translation.override("fr"):
        page = owner_client.get(URL).content.decode()
    assert "<title>Messages envoyés" in page or "Messages envoyés</h1>" in page
    assert "Messages aux locataires" not in page.split("<main", 1)[-1]
