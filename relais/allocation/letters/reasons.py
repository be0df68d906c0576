"""The standard reasons an officer picks for a letter, per decision type, per organisation.

Each organisation starts with the defaults below (French, as printed; citing the Code de la
construction et de l'habitation where a reason rests on it) the first time its list is read,
and its directors and managers edit them on the "Letter reasons" page. A reason used by a
letter is withdrawn (``is_active`` False), never deleted: the sent PDF keeps what it said.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from relais.core import audit

from ..models import LetterReason, ReasonKind

DEFAULTS: dict[str, tuple[str, ...]] = {
    ReasonKind.ATTRIBUTION: (
        "Votre demande correspond à la typologie et aux caractéristiques du logement.",
        "Votre situation relève d'un des critères de priorité de l'article L441-1 du code "
        "de la construction et de l'habitation.",
        "Vous avez été désigné(e) par le préfet au titre du droit au logement opposable "
        "(article L441-2-3 du code de la construction et de l'habitation).",
        "L'ancienneté de votre demande.",
    ),
    ReasonKind.CONDITIONAL: (
        "Une pièce justificative de vos ressources manquait à votre dossier à la date de la "
        "commission (article R441-3 du code de la construction et de l'habitation).",
    ),
    ReasonKind.NON_ATTRIBUTION: (
        "Le logement n'est pas adapté à la composition de votre ménage.",
        "Le loyer et les charges, après aide au logement, représenteraient un taux d'effort "
        "trop élevé au regard de vos ressources (article R441-3-1 du code de la "
        "construction et de l'habitation).",
        "Le logement n'est pas adapté aux besoins de mobilité ou d'accessibilité de votre ménage.",
        "Le logement a été attribué à un autre candidat, classé avant vous par la commission.",
        "Vos ressources dépassent le plafond du financement de ce logement ; un logement "
        "d'une autre catégorie de financement peut vous être proposé.",
    ),
    ReasonKind.INADMISSIBLE: (
        "Les ressources de votre ménage dépassent le plafond réglementaire applicable à ce "
        "logement (articles L441-1 et R441-1 du code de la construction et de "
        "l'habitation).",
        "Vous ne justifiez pas d'un titre de séjour en cours de validité (article R441-1 du "
        "code de la construction et de l'habitation).",
        "Votre demande de logement social n'est pas enregistrée ou n'a pas été renouvelée "
        "(article L441-2-1 du code de la construction et de l'habitation).",
    ),
}


def reasons_seed(organisation) -> None:
    """Give ``organisation`` the default reasons unless it already has a list (idempotent;
    two first readers at once create each reason once, by the unique constraint)."""
    if LetterReason.objects.for_organisation(organisation).exists():
        return
    LetterReason.objects.bulk_create(
        [
            LetterReason(organisation=organisation, kind=kind, text=text)
            for kind, texts in DEFAULTS.items()
            for text in texts
        ],
        ignore_conflicts=True,
    )


def reasons_for(organisation, kind: str | None = None, *, active_only: bool = True):
    """The organisation's reasons (of one decision type when ``kind`` is given), seeded on
    first use."""
    reasons_seed(organisation)
    queryset = LetterReason.objects.for_organisation(organisation)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.filter(is_active=True) if active_only else queryset


def _check_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Write the reason as it will be printed.")})
    return text


@transaction.atomic
def reason_create(*, organisation, actor, kind: str, text: str) -> LetterReason:
    """Add a reason to the organisation's list; the same text twice is refused by name."""
    if kind not in ReasonKind.values:
        raise ValidationError({"kind": _("Choose a decision type.")})
    text = _check_text(text)
    try:
        with transaction.atomic():
            reason = LetterReason.objects.create(organisation=organisation, kind=kind, text=text)
    except IntegrityError:
        raise ValidationError(
            {"text": _("This reason is already in the list for this decision type.")}
        ) from None
    audit.record(
        action="letter_reason.created",
        organisation=organisation,
        actor=actor,
        obj=reason,
        changes={"kind": kind, "text": text},
    )
    return reason


@transaction.atomic
def reason_update(*, reason: LetterReason, actor, text: str, is_active: bool) -> LetterReason:
    """Reword or withdraw a reason. Letters already sent keep their PDF; drafts print the
    new wording when sent."""
    text = _check_text(text)
    locked = LetterReason.objects.select_for_update().get(pk=reason.pk)
    before = {"text": locked.text, "is_active": locked.is_active}
    if before == {"text": text, "is_active": is_active}:
        return locked
    duplicate = LetterReason.objects.filter(
        organisation_id=locked.organisation_id, kind=locked.kind, text=text
    ).exclude(pk=locked.pk)
    if duplicate.exists():
        raise ValidationError(
            {"text": _("This reason is already in the list for this decision type.")}
        )
    locked.text, locked.is_active = text, is_active
    locked.save(update_fields=["text", "is_active"])
    audit.record(
        action="letter_reason.updated",
        organisation=locked.organisation,
        actor=actor,
        obj=locked,
        changes={
            key: [before[key], value]
            for key, value in (("text", text), ("is_active", is_active))
            if before[key] != value
        },
    )
    return locked
