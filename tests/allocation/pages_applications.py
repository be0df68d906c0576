"""Application and scoring pages in the authorisation matrix (tests/test_authorisation_matrix.py).

The renewal and "reminder sent" are POST-only (tested in test_application_lifecycle.py); the
grid page shows shared reference data (an outsider reads it too): test_applications_pages.py.
"""

from .factories import ApplicationFactory

PAGES = {
    "allocation:application_list": ("allocation.view", None),
    "allocation:application_detail": ("allocation.view", {"pk": "application"}),
    "allocation:application_create": ("allocation.edit", None),
    "allocation:application_edit": ("allocation.edit", {"pk": "application"}),
    "allocation:application_import": ("allocation.import", None),
    "allocation:application_import_template": ("allocation.import", {"file_type": "csv"}),
    "allocation:application_export": ("allocation.view", {"file_type": "csv"}),
    "allocation:scoring_grid_list": ("allocation.view", None),
    "allocation:reminder_list": ("allocation.edit", None),
    "allocation:application_standing": ("allocation.view", {"pk": "application"}),
}
NOT_PAGES = {
    "allocation:application_renew",
    "allocation:reminder_sent",
    "allocation:scoring_grid_detail",
}


def world(organisation, mark, base):
    application = ApplicationFactory(
        organisation=organisation,
        registration_number=f"037-{mark}",
        applicant_last_name=f"Demandeur {mark}",
    )
    application.wished_communes.add(base["dwelling"].building.commune)
    # A reminder to send, so the reminders page shows the applicant's name (the marker).
    application.reminders.create(
        organisation=organisation, expires_on=application.first_applied_on, channel="letter"
    )
    return {"application": application}
