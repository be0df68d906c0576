"""The default sanitary protocol: the measures of the OPPBTP guide for construction sites
(« Guide de préconisations de sécurité sanitaire pour la continuité des activités de la
construction », April 2020, approved by the ministries of labour, housing and health).

Each entry is (text, guidance, mandatory, evidence). An organisation starts from this list
(``services.ensure_default_protocol``) and edits its own copy; a site copies the measures in
use when it is created. Pure data, no database.
"""

from django.utils.translation import gettext_lazy as _

PHOTO, DOCUMENT, NONE = "photo", "document", "none"

DEFAULT_MEASURES = (
    (
        _("Barrier gestures and distances of at least 1 m, or the task stops"),
        _("Posters at the entrance and in the base camp; tasks organised to keep 1 m."),
        True,
        PHOTO,
    ),
    (
        _("Masks where 1 m cannot be kept"),
        _("Masks provided and worn, also in the homes of sick or fragile people."),
        True,
        PHOTO,
    ),
    (
        _("Hand-washing points"),
        _(
            "Water, soap and single-use towels (or hydro-alcoholic gel) at the entrance and in "
            "the base camp."
        ),
        True,
        PHOTO,
    ),
    (
        _("Client agreement on the sanitary conditions, with the SPS coordinator"),
        _(
            "The agreement listing the sanitary conditions, signed; the general coordination "
            "plan and the companies' safety plans updated."
        ),
        True,
        DOCUMENT,
    ),
    (
        _("A COVID referent for the site and for each company"),
        _("Named with their phone on the site's page."),
        True,
        NONE,
    ),
    (
        _("Controlled site access"),
        _("The gate self-check in use; people with symptoms stay out."),
        True,
        NONE,
    ),
    (
        _("Staggered shifts and breaks"),
        _("Arrivals, breaks and meals staggered so that teams do not crowd."),
        True,
        NONE,
    ),
    (
        _("Base-camp capacity"),
        _("Changing rooms and canteen: number of people at once posted, cleaned daily."),
        True,
        PHOTO,
    ),
    (
        _("No under-age apprentices on site"),
        _("Checked with each company."),
        True,
        NONE,
    ),
    (
        _("High-risk workers kept off site"),
        _("People at risk of a severe form do not work on site (occupational physician)."),
        True,
        NONE,
    ),
    (
        _("Cleaning of shared tools, vehicles and touch points"),
        _("Who cleans what, how often."),
        False,
        NONE,
    ),
    (
        _("Procedure for a person with symptoms on site"),
        _("Isolate, mask, call the referent and the occupational health service."),
        True,
        DOCUMENT,
    ),
)
