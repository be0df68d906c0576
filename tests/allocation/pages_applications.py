"""Application and scoring pages in the authorisation matrix (tests/test_authorisation_matrix.py).

The renewal and "reminder sent" are POST-only (tested in test_application_lifecycle.py); the
grid page shows shared reference data (an outsider reads it too): test_applications_pages.py.
"""

from tests.factories import BuildingFactory, CommuneFactory, DwellingFactory

from .factories import ApplicationFactory

# The demand pool is shared (ADR 0046): a landlord reads another's application wishing a
# commune where it has stock. Both worlds have stock in Tours, so each world's applications
# wish a commune where only that world's organisation has dwellings: the other organisation
# of the matrix is then "a landlord without stock in the wished communes" and sees nothing.
OWN_COMMUNES = {"MARKER-AAA": ("37003", "Amboise"), "MARKER-BBB": ("37072", "Chinon")}
# A world built alone (the interface crawl's) has no other organisation to keep apart.
ALONE = ("37214", "Saint-Cyr-sur-Loire")


def own_dwelling(organisation, mark, base):
    """A dwelling of ``organisation`` in the commune only its world has stock in."""
    code, name = OWN_COMMUNES.get(mark, ALONE)
    commune = CommuneFactory(code=code, name=name, postcodes="37400")
    building = BuildingFactory(
        residence=base["residence"], commune=commune, address=f"2 rue {name}", postcode="37400"
    )
    return DwellingFactory(building=building)


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
    dwelling = own_dwelling(organisation, mark, base)
    application.wished_communes.add(dwelling.building.commune)
    # A reminder to send, so the reminders page shows the applicant's name (the marker).
    application.reminders.create(
        organisation=organisation, expires_on=application.first_applied_on, channel="letter"
    )
    return {"application": application, "pool_dwelling": dwelling}
