from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username


class AccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by administrators: no public sign-up."""

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        """The per-account throttling key: the account, however its login was typed.

        allauth keys failed logins on the text typed, so ``marie`` and ``marie@example.org``
        (or ``MARIE``) would each get their own five attempts. Here both resolve to the same
        account, ``account:<pk>``; a login that matches no single account keys on the text,
        lower-cased, so guessing unknown names is throttled too. See ADR 0020.
        """
        typed = (credentials.get("email") or credentials.get("username") or "").strip()
        if "@" in typed:
            users = filter_users_by_email(typed)
        else:
            users = list(filter_users_by_username(typed)[:2]) if typed else []
        if len(users) == 1:
            return f"account:{users[0].pk}"
        return f"login:{typed.lower()}"
