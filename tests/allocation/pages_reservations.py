"""Reservation pages in the authorisation matrix. In the matrix's world the organisation is
both the landlord and, for the holder pages, a reservation holder of its own agreement (the
owner of a holder page is a member with the ``reservation_holder`` role); the other
organisation's holder gets 404.

POST-only actions: tests/allocation/test_reservations_pages.py; the public link page:
tests/allocation/test_reservations_pages.py.
"""

from .factories_reservations import agreement, holder, reserved_vacancy

PAGES = {
    "allocation:agreement_list": ("reservation.view", None),
    "allocation:agreement_create": ("reservation.manage", None),
    "allocation:agreement_edit": ("reservation.manage", {"pk": "reservation_agreement"}),
    "allocation:assignment_list": ("reservation.view", None),
    "allocation:assignment_detail": ("reservation.view", {"pk": "vacancy_assignment"}),
    "allocation:reservation_balance": ("reservation.view", None),
    "allocation:reservation_balance_csv": ("reservation.view", None),
    "allocation:dalo_overdue": ("reservation.view", None),
    "allocation:holder_assignment_list": ("reservation.designate", None),
    "allocation:holder_assignment_detail": ("reservation.designate", {"pk": "vacancy_assignment"}),
}
NOT_PAGES = {
    "allocation:assignment_override",
    "allocation:assignment_link_send",
    "allocation:assignment_link_revoke",
    "allocation:assignment_release",
    "allocation:assignment_agenda",
    "allocation:reservation_link",
}


def world(organisation, mark, base) -> dict:
    the_holder = holder(organisation=organisation, email=f"holder-{organisation.pk}@example.fr")
    the_agreement = agreement(organisation, the_holder, reference=f"CONV-{mark}")
    _vacancy, assignment = reserved_vacancy(organisation, the_agreement, reference=f"R-{mark}")
    return {"reservation_agreement": the_agreement, "vacancy_assignment": assignment}
