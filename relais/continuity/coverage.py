"""Coverage arithmetic: pure rules, no database (tested with tables of cases).

Inputs for one day:
- ``counts``: ``{(role, agency_id, status): people}`` — the declarations of the day;
- ``staff``: ``{(role, agency_id): people}`` — everyone in the directory.

A requirement (``Need``) asks for ``minimum`` people of ``role`` at ``agency_id`` (``None``:
anywhere) who are available: on site, or on site or teleworking unless ``on_site_only``. A
person counts for every activity whose requirement they fit (the plan sizes each activity on
its own, as ISO 22301 business-impact analyses do); nobody is "assigned".

People who have not declared their day yet are *unknown*: ``available`` leaves them out, so a
morning shortfall may close as people declare; ``certain`` tells whether the requirement is
short even if every one of them turned up (the alert then goes at once, see ``services``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ON_SITE = "on_site"
TELEWORK = "telework"


@dataclass(frozen=True)
class Need:
    role: str
    agency_id: int | None
    minimum: int
    on_site_only: bool = False
    label: str = ""  # for people: the role and the site (not used by the arithmetic)


@dataclass(frozen=True)
class NeedCoverage:
    need: Need
    available: int  # declared available today
    unknown: int  # not declared yet

    @property
    def shortfall(self) -> int:
        """People missing to reach the minimum (0 when met)."""
        return max(self.need.minimum - self.available, 0)

    @property
    def certain(self) -> bool:
        """Short even if every undeclared person turned up."""
        return self.available + self.unknown < self.need.minimum


@dataclass(frozen=True)
class ActivityCoverage:
    needs: tuple[NeedCoverage, ...]

    @property
    def below(self) -> bool:
        return any(n.shortfall for n in self.needs)

    @property
    def certainly_below(self) -> bool:
        return any(n.certain for n in self.needs)

    @property
    def shortfall(self) -> int:
        return sum(n.shortfall for n in self.needs)


def _matches(need: Need, role: str, agency_id) -> bool:
    return role == need.role and (need.agency_id is None or agency_id == need.agency_id)


def need_coverage(
    need: Need, counts: Mapping[tuple, int], staff: Mapping[tuple, int]
) -> NeedCoverage:
    statuses = {ON_SITE} if need.on_site_only else {ON_SITE, TELEWORK}
    available = declared = 0
    for (role, agency_id, status), people in counts.items():
        if _matches(need, role, agency_id):
            declared += people
            if status in statuses:
                available += people
    total = sum(n for (role, agency_id), n in staff.items() if _matches(need, role, agency_id))
    return NeedCoverage(need, available, max(total - declared, 0))


def activity_coverage(
    needs: Iterable[Need], counts: Mapping[tuple, int], staff: Mapping[tuple, int]
) -> ActivityCoverage:
    return covered(needs, by_role(counts), by_role(staff))


def by_role(mapping: Mapping[tuple, int]) -> dict[str, dict[tuple, int]]:
    """``counts`` or ``staff`` split by role (the first item of each key): a need only ever
    reads its own role's part, so a day's coverage reads each count once, not once a need."""
    split: dict[str, dict[tuple, int]] = {}
    for key, n in mapping.items():
        split.setdefault(key[0], {})[key] = n
    return split


def covered(needs: Iterable[Need], counts_by_role: dict, staff_by_role: dict) -> ActivityCoverage:
    """``activity_coverage`` from counts and staff already split with ``by_role``."""
    return ActivityCoverage(
        tuple(
            need_coverage(n, counts_by_role.get(n.role, {}), staff_by_role.get(n.role, {}))
            for n in needs
        )
    )
