"""Demo staff accounts: one per role in Tours Habitat, plus two for Scalis."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from relais.core.models import Membership
from relais.core.roles import Role

from .scales import SCALIS, TOURS_HABITAT

DEMO_PASSWORD = "relais-demo-2026"
EMAIL_DOMAIN = "relais-demo.example"


@dataclass(frozen=True)
class Account:
    username: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...]  # (landlord name, role)

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


def _tours(username, first, last, role):
    return Account(username, first, last, ((TOURS_HABITAT, role),))


ACCOUNTS = (
    _tours("directrice", "Claire", "Moreau", Role.DIRECTOR),
    _tours("manager", "Karim", "Benali", Role.MANAGER),
    _tours("attribution", "Sophie", "Lambert", Role.ALLOCATION_OFFICER),
    _tours("accueil", "Nadia", "Girard", Role.CUSTOMER_OFFICER),
    _tours("gardien", "Thierry", "Roux", Role.CARETAKER),
    _tours("technicien", "Julien", "Fabre", Role.TECHNICIAN),
    _tours("comptable", "Isabelle", "Perrin", Role.ACCOUNTANT),
    _tours("appelant", "Léa", "Marchand", Role.OUTREACH_CALLER),
    _tours("lecture", "Paul", "Renard", Role.READ_ONLY),
    _tours("rh", "Hélène", "Garnier", Role.HR_OFFICER),
    _tours("commission", "Michel", "Dupont", Role.COMMISSION_MEMBER),
    _tours("ccas", "Aurélie", "Martin", Role.SOCIAL_PARTNER),
    _tours("federation", "Bruno", "Leclerc", Role.FEDERATION_ANALYST),
    Account(
        "multi", "Étienne", "Bouchard", ((TOURS_HABITAT, Role.DIRECTOR), (SCALIS, Role.DIRECTOR))
    ),
    Account("scalis", "Marc", "Lebrun", ((SCALIS, Role.DIRECTOR),)),
)
USERNAMES = tuple(account.username for account in ACCOUNTS)


def existing_users() -> dict[str, str]:
    """Demo usernames already taken → their e-mail (demo accounts use EMAIL_DOMAIN)."""
    User = get_user_model()
    return dict(User.objects.filter(username__in=USERNAMES).values_list("username", "email"))


def foreign_usernames() -> list[str]:
    """Demo usernames used by someone else: the demo must not take those accounts over."""
    return sorted(u for u, email in existing_users().items() if email != f"{u}@{EMAIL_DOMAIN}")


def create_accounts(organisation_ids: dict[str, int]) -> list[Membership]:
    """Create the accounts (or refresh them after a reset) and their memberships.

    The caller has checked that no demo username belongs to someone else (foreign_usernames).
    """
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every account
    taken = set(existing_users())
    User.objects.filter(username__in=taken).update(password=password, is_active=True)
    User.objects.bulk_create(
        [
            User(
                username=a.username,
                first_name=a.first_name,
                last_name=a.last_name,
                email=a.email,
                password=password,
            )
            for a in ACCOUNTS
            if a.username not in taken
        ]
    )
    users = dict(User.objects.filter(username__in=USERNAMES).values_list("username", "pk"))
    Membership.objects.filter(
        user_id__in=users.values(), organisation_id__in=organisation_ids.values()
    ).delete()
    return Membership.objects.bulk_create(
        [
            Membership(user_id=users[a.username], organisation_id=organisation_ids[name], role=role)
            for a in ACCOUNTS
            for name, role in a.memberships
            if name in organisation_ids
        ]
    )
