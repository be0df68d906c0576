"""Filters of the staff outbox page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import OutboxChannel, OutboxMessage, OutboxStatus
from .purposes import purpose_choices


class OutboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OutboxStatus.choices, empty_label=_("All statuses")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=OutboxChannel.choices, empty_label=_("All channels")
    )
    purpose = django_filters.ChoiceFilter(
        label=_("Purpose"), choices=purpose_choices, empty_label=_("All purposes")
    )

    class Meta:
        model = OutboxMessage
        fields = ["status", "channel", "purpose"]
