"""Demo broadcasts: per landlord, one public information message already sent (it shows on the
public messages page and the poster) and one draft to the tenants aged 70 and over of its
first building, ready to preview and send. Written with ``bulk_create``: two rows a landlord."""

from django.utils import timezone

from relais.core.models import Membership
from relais.housing.models import Building

from .models import Broadcast, BroadcastKind, BroadcastStatus

PUBLIC_TEXT = (
    "Madame, Monsieur,\n\nNos agences sont fermées au public jusqu'à nouvel ordre. "
    "Pour une urgence dans votre logement, appelez l'astreinte au {astreinte}.\n\n"
    "Toutes les informations : {lien_avis}"
)
DRAFT_TEXT = (
    "Bonjour {nom},\n\nVotre agence reste joignable au {telephone_agence}. "
    "Si vous avez besoin d'aide pour vos courses ou vos médicaments, appelez-nous."
)


class MessagingDemo:
    name = "messaging"

    def seed(self, *, organisation_ids, scale, seed, writer):
        # A few rows per landlord: through the ORM, not the seed's ``writer``.
        now = timezone.now()
        authors = dict(
            Membership.objects.filter(organisation_id__in=organisation_ids)
            .order_by("organisation_id", "-pk")
            .values_list("organisation_id", "user_id")
        )
        buildings = dict(
            Building.objects.filter(organisation_id__in=organisation_ids)
            .order_by("organisation_id", "-reference")
            .values_list("organisation_id", "reference")
        )
        rows = []
        for organisation_id in organisation_ids:
            author = authors.get(organisation_id)
            if author is None:
                continue
            rows.append(Broadcast(
                organisation_id=organisation_id, title="Fermeture des agences au public",
                kind=BroadcastKind.INFORMATION, public=True, criteria=[{"key": "organisation"}],
                subject="Fermeture des agences", body=PUBLIC_TEXT,
                sms_body="Agences fermées. Urgence : {astreinte}. Infos : {lien_avis}",
                status=BroadcastStatus.SENT, created_by_id=author, sent_by_id=author,
                sent_at=now, dispatched_at=now, counts={"email": 0, "sms": 0, "letter": 0},
            ))  # fmt: skip
            if organisation_id in buildings:
                rows.append(Broadcast(
                    organisation_id=organisation_id, title="Soutien aux locataires âgés",
                    criteria=[{"key": "building", "value": buildings[organisation_id]},
                              {"key": "age_band", "value": "70+"}],
                    subject="Nous restons à vos côtés", body=DRAFT_TEXT,
                    sms_body="Bonjour {nom}, votre agence : {telephone_agence}.",
                    created_by_id=author,
                ))  # fmt: skip
        Broadcast.objects.bulk_create(rows)
        return {organisation_id: {"broadcasts": 2} for organisation_id in organisation_ids}

    def reset(self, organisation_ids):
        Broadcast.objects.filter(organisation_id__in=organisation_ids).delete()
