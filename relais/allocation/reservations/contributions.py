"""What reservations add to core's registries: menu entries, the overdue DALO card (officer
and director) and the holder's card of vacancies awaiting designations. Each card is a count
and a slice: two queries."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core import home, navigation
from relais.core.roles import Role

from ..models import VacancyAssignment
from . import selectors


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def dalo_card(ctx: home.HomeContext) -> home.Card:
    overdue = selectors.overdue_dalo(ctx.organisation, ctx.today)
    return home.Card(
        key="reservations.dalo_overdue",
        title=_("DALO households past their housing deadline"),
        count=overdue.count(),
        empty=_("DALO households designated by the préfet appear here once their deadline passes."),
        url=reverse("allocation:dalo_overdue"),
        link_label=_("All overdue DALO households"),
        rows=[
            home.CardRow(
                f"{d.application.applicant_first_name} {d.application.applicant_last_name}",
                _("to house by %(day)s") % {"day": _day(d.dalo_deadline)},
                url=reverse("allocation:assignment_detail", args=[d.assignment_id]),
                tone="warning",
            )
            for d in overdue[: home.ROWS]
        ],
    )


def holder_card(ctx: home.HomeContext) -> home.Card | None:
    waiting = (
        VacancyAssignment.objects.filter(
            agreement__holder__organisation=ctx.organisation,
            released_on__isnull=True,
            designation_due_on__gte=ctx.today,
        )
        .select_related("organisation", "commune", "vacancy__dwelling")
        .order_by("designation_due_on", "pk")
    )
    return home.Card(
        key="reservations.holder_waiting",
        title=_("Vacancies awaiting your designations"),
        count=waiting.count(),
        empty=_("Vacancies that landlords assign to your flow will appear here."),
        url=reverse("allocation:holder_assignment_list"),
        link_label=_("All the vacancies of your flow"),
        rows=[
            home.CardRow(
                f"{a.vacancy.dwelling.reference} – {a.commune.name} ({a.organisation.name})",
                _("designations due by %(day)s") % {"day": _day(a.designation_due_on)},
                url=reverse("allocation:holder_assignment_detail", args=[a.pk]),
            )
            for a in waiting[: home.ROWS]
        ],
    )


def register() -> None:
    entries = [
        (gettext_lazy("Reservations"), "allocation:assignment_list", "reservation.view", 50),
        (
            gettext_lazy("Vacancies of our flow"),
            "allocation:holder_assignment_list",
            "reservation.designate",
            95,
        ),
    ]
    for label, url_name, ability, order in entries:
        navigation.register_item("allocation", label, url_name, ability=ability, order=order)
    home.register_card(
        "reservations.dalo_overdue",
        roles={Role.ALLOCATION_OFFICER, Role.DIRECTOR},
        order=45,
        build=dalo_card,
    )
    home.register_card(
        "reservations.holder_waiting",
        roles={Role.RESERVATION_HOLDER},
        order=10,
        build=holder_card,
    )
    home.register_link(
        "allocation:holder_assignment_list",
        gettext_lazy("Vacancies of our flow"),
        ability="reservation.designate",
        order=24,
    )
    home.register_link(
        "allocation:reservation_balance",
        gettext_lazy("Reservation balance"),
        ability="reservation.view",
        order=23,
    )
