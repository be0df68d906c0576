"""French dates (« 1er décembre ») and elisions (« d’avril ») written once, used everywhere."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from relais.core.pdf import fr_date, fr_datetime
from relais.formats import elides, long_date, of_name

FIRST = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("DATE_FORMAT", "1er décembre 2026"),
        ("l j F Y", "mardi 1er décembre 2026"),
        ("j F", "1er décembre"),
    ],
)
def test_first_of_the_month_is_written_1er_in_french(fmt, expected):
    with translation.override("fr"):
        assert long_date(FIRST, fmt) == expected
        assert long_date(dt.date(2026, 12, 2), fmt) == expected.replace("1er", "2").replace(
            "mardi", "mercredi"
        )


def test_english_keeps_the_plain_number():
    with translation.override("en"):
        assert long_date(FIRST, "j F Y") == "1 December 2026"


def test_aware_datetime_is_shown_in_paris_time():
    # 30 November 23:30 UTC is 1 December 00:30 in Paris.
    moment = dt.datetime(2026, 11, 30, 23, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with translation.override("fr"):
        assert long_date(moment, "DATETIME_FORMAT") == "1er décembre 2026 00:30"


def test_pdf_data_uses_the_same_rule():
    assert fr_date(FIRST) == "1er décembre 2026"
    moment = dt.datetime(2026, 12, 1, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    assert fr_datetime(moment) == "1er décembre 2026 à 09 h 05"


def test_template_filters_are_builtin():
    template = Template('{{ day|long_date:"l j F Y" }} · Loyer {{ month|of_name }}')
    with translation.override("fr"):
        text = template.render(Context({"day": FIRST, "month": "avril 2026"}))
    assert text == "mardi 1er décembre 2026 · Loyer d’avril 2026"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("avril 2026", "d’avril 2026"),
        ("août 2026", "d’août 2026"),
        ("octobre 2026", "d’octobre 2026"),
        ("mai 2026", "de mai 2026"),
        ("Action Logement Services", "d’Action Logement Services"),
        ("Habitat 37", "d’Habitat 37"),
        ("Hauts-de-Seine Habitat", "de Hauts-de-Seine Habitat"),
        ("Écully", "d’Écully"),
        ("Yves Martin", "d’Yves Martin"),
        ("Tours Habitat", "de Tours Habitat"),
    ],
)
def test_of_name_elides_before_a_vowel_or_a_mute_h(word, expected):
    with translation.override("fr"):
        assert of_name(word) == expected


def test_of_name_in_english_and_empty_words():
    with translation.override("en"):
        assert of_name("April 2026") == "of April 2026"
    assert not elides("")


def test_messages_naming_an_organisation_elide():
    from django.utils.translation import gettext

    with translation.override("fr"):
        subject = gettext("Work order %(number)s %(from_organisation)s") % {
            "number": "DI-1",
            "from_organisation": of_name("Orléans Métropole Habitat", "from"),
        }
        referral = gettext("A referral %(from_organisation)s") % {
            "from_organisation": of_name("Habitat 37", "from")
        }
    assert subject == "Bon de commande DI-1 d’Orléans Métropole Habitat"
    assert referral == "Un signalement d’Habitat 37"
    with translation.override("en"):
        assert of_name("Tours Habitat", "from") == "from Tours Habitat"


IBAN_COMPACT = "FR7630006000011234567890189"
IBAN_GROUPED = "FR76 3000 6000 0112 3456 7890 189"


def test_an_iban_is_shown_in_groups_of_four_and_stored_compact():
    from relais.formats.banking import iban_display
    from relais.formats.forms import IbanField

    assert iban_display(IBAN_COMPACT) == IBAN_GROUPED
    assert iban_display("fr76 3000 6000 0112 3456 7890 188") == IBAN_GROUPED[:-1] + "8"
    assert iban_display("") == iban_display(None) == ""
    rendered = Template("{% load relais %}{{ value|iban }}").render(
        Context({"value": IBAN_COMPACT})
    )
    assert rendered == IBAN_GROUPED
    field = IbanField(label="IBAN")
    assert field.prepare_value(IBAN_COMPACT) == IBAN_GROUPED
    assert field.clean(" fr76 3000 6000 0112 3456 7890 189 ") == IBAN_COMPACT
    with pytest.raises(ValidationError):
        field.clean("FR76 3000 6000 0112 3456 7890 188")  # a wrong key


def test_formats_depends_on_no_domain_app():
    """``relais.formats`` is shared by every app: it imports Django and libraries, never an app
    (the French number parser once lived in ``relais.housing``)."""
    import ast
    from pathlib import Path

    import relais.formats

    imported = set()
    for path in Path(relais.formats.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert {name for name in imported if name.startswith("relais.")} <= {
        "relais.formats.banking",
        "relais.formats.numbers",
    }


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (2000, "2\u202f000", "2,000"),
        (21500, "21\u202f500", "21,500"),
        (-3010, "-3\u202f010", "-3,010"),
        (0, "0", "0"),
        (None, "", ""),
    ],
)
def test_quantities_are_grouped_by_thousands(value, french, english):
    """Supplies quantities (« 21 500 / 21 500 livrés ») grouped like money (narrow no-break
    space in French)."""
    from relais.formats import quantity

    with translation.override("fr"):
        assert quantity(value) == french
        rendered = Template("{% load supplies_numbers %}{{ n|days_of_cover }}").render(
            Context({"n": 3010})
        )
        assert rendered == "3\u202f010 jours"
        assert (
            Template("{% load supplies_numbers %}{{ n|days_of_cover }}").render(Context({"n": 0}))
            == "0 jour"
        )
    with translation.override("en"):
        assert quantity(value) == english
