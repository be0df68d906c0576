"""What each demo landlord tells partners and tenants: its contact block and crisis notice.

Written once the agencies are in (``seed_demo``): the contact block (shown to outside
partners on their home page) is the head office's phone with a partners' desk and e-mail; the
public crisis notice (shown at the head of the agencies page while the landlord is in crisis,
and printed for building halls) lists each agency's phone line, an on-call number and what
tenants can still do online. Each row is checked by the same rules as the notice's form.
"""

from django.utils.text import slugify

from relais.core import crisis
from relais.core.models import Agency, CrisisNotice, Organisation

from .landlords import Landlord

NOTICE_TEXT = (
    "{name} reste joignable pendant la crise. Les agences sont fermées au public : nos "
    "équipes répondent par téléphone et par e-mail. Pour une urgence dans votre logement "
    "(fuite d'eau, panne de chauffage, ascenseur bloqué, odeur de gaz), appelez l'astreinte."
)
AGENCY_HOURS = "{agency} : du lundi au vendredi, 9 h – 12 h et 14 h – 17 h"
LINKS = (
    "Payer mon loyer en ligne | https://www.{slug}.example/paiement",
    "Signaler un problème dans mon logement | https://www.{slug}.example/reclamation",
    "Suivre ma demande de logement social | https://www.demande-logement-social.gouv.fr/",
)


def write_contacts(landlords: list[Landlord], now) -> None:
    """Set each landlord's contact block and write its crisis notice (one per landlord)."""
    ids = [landlord.id for landlord in landlords]
    agencies: dict[int, list[tuple[str, str]]] = {}
    rows = Agency.objects.filter(organisation_id__in=ids).order_by("organisation_id", "pk")
    for organisation_id, name, phone in rows.values_list("organisation_id", "name", "phone"):
        agencies.setdefault(organisation_id, []).append((name, phone))
    notices = []
    for landlord in landlords:
        offices = agencies.get(landlord.id, [])
        head_phone = offices[0][1] if offices else ""
        Organisation.objects.filter(pk=landlord.id).update(
            contact_name="Service des relations partenaires",
            contact_email=f"partenaires@{landlord.slug}.example",
            contact_phone=head_phone,
        )
        notices.append(_notice(landlord, offices, now))
    CrisisNotice.objects.bulk_create(notices)


def _notice(landlord: Landlord, offices: list[tuple[str, str]], now) -> CrisisNotice:
    phone_lines = "\n".join(
        f"{phone} | {AGENCY_HOURS.format(agency=name)}" for name, phone in offices
    )
    links = "\n".join(line.format(slug=slugify(landlord.slug)) for line in LINKS)
    emergency = f"02 61 99 {landlord.id % 100:02d} 00"
    crisis.parse_phone_lines(phone_lines)  # the form's rules: a bad seed fails loudly
    crisis.parse_links(links)
    crisis.validate_phone(emergency, where="astreinte")
    return CrisisNotice(
        organisation_id=landlord.id,
        text=NOTICE_TEXT.format(name=landlord.name),
        phone_lines=phone_lines,
        emergency_phone=emergency,
        links=links,
        updated_at=now,
    )
