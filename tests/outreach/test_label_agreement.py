"""Labels agree with their values (the trial: « État : Réalisée » on the call list, « Statut :
Acceptée » next to « Nouveau » on a referral)."""

from pathlib import Path

from django.utils import translation
from django.utils.translation import pgettext

from relais.outreach.models import ReferralStatus

TEMPLATES = Path(__file__).parents[2] / "relais/templates/outreach"


def test_a_done_call_reads_appel_passe_and_the_templates_use_that_label():
    with translation.override("fr"):
        assert pgettext("call list", "Done") == "Appel passé"
    assert '{% translate "Done" context "call list" %}' in (TEMPLATES / "today.html").read_text()


def test_a_referral_is_a_demande_and_every_status_is_feminine():
    with translation.override("fr"):
        assert pgettext("referral", "Status") == "Demande"
        labels = [str(label) for label in ReferralStatus.labels]
    assert labels == ["Nouvelle, en attente du partenaire", "Acceptée", "Fermée"]
    for name in ("referral_detail.html", "partner_home.html"):
        assert '"Status" context "referral"' in (TEMPLATES / name).read_text()


def test_a_ccas_is_named_by_its_commune():
    from relais.outreach.rules import ccas_name

    assert ccas_name("Tours") == "CCAS de Tours"
    assert ccas_name("Orléans") == "CCAS d'Orléans"
    assert ccas_name("Le Mans") == "CCAS du Mans"
    assert ccas_name("Les Ponts-de-Cé") == "CCAS des Ponts-de-Cé"
