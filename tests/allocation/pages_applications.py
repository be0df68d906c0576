"""Application and scoring pages in the authorisation matrix (tests/test_authorisation_matrix.py).

The status change is POST-only and the grid page shows shared reference data (an outsider
reads it too): both are tested in test_applications_pages.py.
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
    "allocation:application_standing": ("allocation.view", {"pk": "application"}),
}
NOT_PAGES = {"allocation:application_status", "allocation:scoring_grid_detail"}


def world(organisation, mark, base):
    application = ApplicationFactory(
        organisation=organisation,
        registration_number=f"037-{mark}",
        applicant_last_name=f"Demandeur {mark}",
    )
    application.wished_communes.add(base["dwelling"].building.commune)
    return {"application": application}
