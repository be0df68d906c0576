"""Deploy checks (``manage.py check --deploy``) for what Relais itself needs in production.

- ``relais.E001``: ``SITE_URL`` unset with ``DEBUG`` off — links in e-mails and letters would
  have no host.
- ``relais.E002``: ``SITE_URL`` is not an absolute http(s) address.
- ``relais.E003``: ``SITE_URL`` points to a loopback address (``localhost``, ``127.0.0.0/8``,
  ``::1``, ``0.0.0.0``) — a link that only works on the server itself.
- ``relais.W001``: operator details left empty — the legal notices (LCEN art. 6 III) and the
  personal-data notice (GDPR art. 13) would name nobody.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Operator fields a legal notice cannot do without (the others are optional).
REQUIRED_OPERATOR_FIELDS = (
    "name",
    "address",
    "phone",
    "publication_director",
    "dpo_email",
    "support_email",
    "host_name",
    "host_address",
)


def is_loopback_host(host: str) -> bool:
    """``host`` (a URL's host name, without brackets) names this machine only."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def site_url_errors(site_url: str) -> list[Error]:
    """The problems of ``site_url`` as the public address of a production deployment."""
    if not site_url:
        return [
            Error(
                "SITE_URL is not set.",
                hint="Set SITE_URL to the public address, e.g. https://relais.example.org.",
                id="relais.E001",
            )
        ]
    parts = urlsplit(site_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return [
            Error(
                f"SITE_URL {site_url!r} is not an absolute http(s) address.",
                hint="Write it with its scheme, e.g. https://relais.example.org.",
                id="relais.E002",
            )
        ]
    if is_loopback_host(parts.hostname):
        return [
            Error(
                f"SITE_URL {site_url!r} points to this machine: links sent by e-mail or "
                "printed on letters would not work anywhere else.",
                hint="Set SITE_URL to the address people use to reach Relais.",
                id="relais.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    return site_url_errors(settings.SITE_URL)


@register(Tags.security, deploy=True)
def check_operator(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    missing = [f for f in REQUIRED_OPERATOR_FIELDS if not settings.RELAIS_OPERATOR.get(f)]
    if not missing:
        return []
    names = ", ".join(f"OPERATOR_{f.upper()}" for f in missing)
    return [
        Warning(
            f"Operator details missing from the legal pages: {', '.join(missing)}.",
            hint=f"Set the environment variables (see the README): {names}.",
            id="relais.W001",
        )
    ]
