"""Eligibility pages in the authorisation matrix (tests/test_authorisation_matrix.py).

Both show shared reference data and no organisation's rows: every staff role opens them, an
outside role gets 403, and an outsider organisation's member sees the same page (200).
"""

# The platform operators' entry page is not an organisation's: tests/allocation/
# test_ceiling_entry.py checks that landlord roles get 403 and operators get it.
NOT_PAGES = {"allocation:income_ceiling_entry"}
PAGES = {
    "allocation:eligibility_simulator": ("eligibility.simulate", None),
    "allocation:income_ceilings": ("eligibility.simulate", None),
}


def world(organisation, mark, base):
    return {}
