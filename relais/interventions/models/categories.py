"""Interventions models — the category tree, its default priorities and the response targets.

A category says what kind of problem a request reports (a water leak, a lift out of order) and
decides two things: the priority a new request starts with, and whether the request may be
dispatched while the crisis switch "urgent interventions only" is on (``crisis_whitelisted``:
fire safety, access control, fluids and lifts in 2020, DOMAIN.md §4). Each organisation edits
its own tree and its own response targets.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import OrganisationOwned


class Priority(models.TextChoices):
    """From the most to the least pressing; the default targets are in ``DEFAULT_TARGET_HOURS``."""

    SAFETY = "safety", _("Safety")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
    PLANNED = "planned", _("Planned")


# Response target per priority, in hours, for a new organisation (issue 8 §2): safety 4 h,
# urgent 24 h, normal 7 days; planned work is scheduled with the tenant (no target).
DEFAULT_TARGET_HOURS = {
    Priority.SAFETY: 4,
    Priority.URGENT: 24,
    Priority.NORMAL: 7 * 24,
    Priority.PLANNED: None,
}
# Sort key of a priority (safety first), for ``Case``/``order_by`` and Python sorts.
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority.values)}


class CategoryQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def active(self):
        return self.filter(is_active=True)


class Category(OrganisationOwned):
    """One node of an organisation's category tree (two levels: a family and its kinds).

    ``code`` is stable (demo data, imports, API); ``name`` is what tenants and staff read.
    A category is retired with ``is_active`` rather than deleted: requests keep theirs.
    """

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    crisis_whitelisted = models.BooleanField(
        _("dispatched during “urgent interventions only”"),
        default=False,
        help_text=_(
            "While the crisis switch “urgent interventions only” is on, only requests of these "
            "categories are sent to contractors; the others wait until activity restarts."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered to tenants"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention category")
        verbose_name_plural = _("intervention categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="intervention_category_unique_code"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="intervention_category_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name


class ResponseTarget(OrganisationOwned):
    """How long the organisation gives itself to act on a request of ``priority``, counted from
    the tenant's first report (issue 8 §3). ``hours`` empty: no target (planned work)."""

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    hours = models.PositiveIntegerField(
        _("response target (hours)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")
        ordering = ["organisation", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "priority"], name="response_target_one_per_priority"
            )
        ]

    def __str__(self):
        return f"{self.get_priority_display()}: {self.hours or '–'} h"
