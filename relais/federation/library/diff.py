"""A readable difference between a member's copy of a template and a newer version: both are
read through the kind's ``describe`` (the preview members already know: headings and text),
then compared line by line.

``content_diff(kind, mine, newer) -> [DiffLine]`` where ``mine`` is ``kind.export(copy)`` (the
copy as the member edited it) and ``newer`` the version's content. Lines are "same", "mine"
(only in the member's copy: its own wording, or what the version removed) or "newer" (only in
the version).
"""

import difflib
from dataclasses import dataclass

SAME, MINE, NEWER = "same", "mine", "newer"


@dataclass(frozen=True)
class DiffLine:
    side: str  # SAME, MINE or NEWER
    text: str
    heading: bool = False  # a heading of the preview (a field, a section)


def _lines(kind, content: dict) -> list[tuple[str, bool]]:
    lines = []
    for heading, text in kind.describe(content):
        lines.append((str(heading), True))
        lines += [(line.rstrip(), False) for line in str(text).splitlines() if line.strip()]
    return lines


def content_diff(kind, mine: dict, newer: dict) -> list[DiffLine]:
    """The lines of both, in order: unchanged once, then each change as the member's lines
    followed by the version's."""
    ours, theirs = _lines(kind, mine), _lines(kind, newer)
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    result = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag == "equal":
            result += [DiffLine(SAME, text, heading) for text, heading in ours[a_start:a_end]]
            continue
        result += [DiffLine(MINE, text, heading) for text, heading in ours[a_start:a_end]]
        result += [DiffLine(NEWER, text, heading) for text, heading in theirs[b_start:b_end]]
    return result


def changes(lines: list[DiffLine]) -> int:
    """How many lines differ (the member's and the version's)."""
    return sum(1 for line in lines if line.side != SAME)
