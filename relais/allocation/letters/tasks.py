"""Tasks of the letters and offer cycle: thin, they take ids and call ``letters``.

django-tasks has no scheduler: enqueue ``lapse_offers`` once a day (cron or a systemd timer).
Between two runs nobody sees a stale offer: the letters pages run the same service for their
session when opened.
"""

from django_tasks import task

from . import offers
from . import services as letters


@task()
def lapse_offers() -> int:
    """Offers unanswered after their due date, and conditional attributions past their
    deadline without the document, lapse; the offer passes to the next ranked candidate."""
    return letters.offers_lapse() + offers.conditions_lapse()
