"""Where the recipient's address goes on an A4 letter folded in three for a French window
envelope: pure geometry, in millimetres from the page's top-left corner.

Both envelopes have the usual right-hand window of 45 × 100 mm, 20 mm from the right edge and
15 mm from the bottom (La Poste's standard window). The A4 sheet (210 mm wide), folded in
three panels of 99 mm, is centred across the envelope's width and may slide down by the
envelope's height minus the panel's: the block must stay in the window at both ends of the
slide. ``ADDRESS`` is the box printed (width, at most six lines of 10 pt ≈ 26 mm high).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def contains(self, other: "Box") -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


PANEL = 99.0  # an A4 sheet folded in three
WINDOW_WIDTH, WINDOW_HEIGHT, FROM_RIGHT, FROM_BOTTOM = 100.0, 45.0, 20.0, 15.0
ENVELOPES = {"dl": (220.0, 110.0), "c5_6": (229.0, 114.0)}  # width, height


def visible(envelope: str) -> Box:
    """The part of the sheet seen through the window whatever the slide, on the sheet."""
    width, height = ENVELOPES[envelope]
    sheet_left = (width - 210.0) / 2
    window_left = width - FROM_RIGHT - WINDOW_WIDTH - sheet_left
    window_top = height - FROM_BOTTOM - WINDOW_HEIGHT  # the sheet at the top of the envelope
    slide = height - PANEL  # how far the folded sheet can move down
    return Box(window_left, window_top, WINDOW_WIDTH, WINDOW_HEIGHT - slide)


ADDRESS = {
    # 5 mm inside the visible part, on each side.
    "dl": Box(left=100.0, top=55.0, width=85.0, height=26.0),
    "c5_6": Box(left=104.5, top=59.0, width=85.0, height=22.0),
}
