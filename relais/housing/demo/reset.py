"""Is the demo loaded, and removing its stock and people (``seed_demo --reset``).

Organisations are kept, with their audit chains: the trail is append-only, so a reset
removes what the demo generated and leaves a ``demo.reset`` event saying how much.
"""

from django.db import connection

from relais.core.models import Agency, CrisisNotice, Organisation

from ..models import Building, Dwelling, Household, Lease, Occupant, Residence
from .accounts import EMAIL_DOMAIN, existing_users
from .landlords import demo_slugs

# Children first: rows are removed with plain DELETE statements, table by table.
DELETE_ORDER = (Lease, Occupant, Household, Dwelling, Building, Residence, Agency, CrisisNotice)


def demo_organisations() -> dict[int, str]:
    """Organisations of the demo (matched on the members' slugs) → slug."""
    return dict(Organisation.objects.filter(slug__in=demo_slugs()).values_list("pk", "slug"))


def is_loaded(organisation_ids) -> bool:
    has_stock = (
        Agency.objects.filter(organisation_id__in=organisation_ids).exists()
        or Residence.objects.filter(organisation_id__in=organisation_ids).exists()
    )
    demo_users = any(email.endswith(f"@{EMAIL_DOMAIN}") for email in existing_users().values())
    return has_stock or demo_users


def reset_demo(organisation_ids) -> dict[int, dict[str, int]]:
    """Delete the demo organisations' stock and people; returns rows deleted per organisation.

    Rows of other modules that point at them (applications, work orders…) make the
    database refuse, and the whole seed is rolled back.
    """
    quote = connection.ops.quote_name
    deleted: dict[int, dict[str, int]] = {pk: {} for pk in organisation_ids}
    with connection.cursor() as cursor:
        for model in DELETE_ORDER:
            sql = (
                f"DELETE FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.get_field('organisation').column)} = %s"
            )
            for pk in organisation_ids:
                cursor.execute(sql, [pk])
                deleted[pk][model._meta.model_name] = cursor.rowcount
    return deleted
