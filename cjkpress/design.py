"""The book's design: page size, faces and type size, and the page grid (版心) they make.

The design comes from book.yaml; every writer that lays out pages takes its
numbers from `grid`, the one function that computes the type area.
"""

import math
from dataclasses import dataclass
from functools import cache

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Design:
    page_width: float  # mm
    page_height: float  # mm
    body_font: str  # fontconfig family names
    heading_font: str
    fallback_font: str = ""  # for characters the other two lack; "" for none
    font_size: float = 10.5  # pt: 五号
    line_height: float = 1.75  # times the font size


@dataclass(frozen=True)
class Grid:
    """The type area (版心): a whole number of characters per line and lines per page."""

    chars: int
    lines: int
    font_size: float  # pt
    line_pitch: float  # pt
    margin_top: float  # pt
    margin_bottom: float
    margin_inside: float
    margin_outside: float


@cache
def grid(design: Design, min_side: float = 22, min_top: float = 24, min_bottom: float = 22) -> Grid:
    """Fit the largest whole grid inside the minimum margins (mm), inner margin a little wider."""
    width = design.page_width * PT_PER_MM
    height = design.page_height * PT_PER_MM
    pitch = design.font_size * design.line_height
    chars = math.floor((width - 2 * min_side * PT_PER_MM) / design.font_size)
    # The last line needs only its own height, not a full pitch below it.
    lines = math.floor((height - (min_top + min_bottom) * PT_PER_MM - design.font_size) / pitch) + 1
    spare_w = width - chars * design.font_size
    spare_h = height - ((lines - 1) * pitch + design.font_size)
    top = min_top * PT_PER_MM + (spare_h - (min_top + min_bottom) * PT_PER_MM) / 2
    return Grid(
        chars=chars,
        lines=lines,
        font_size=design.font_size,
        line_pitch=pitch,
        margin_top=round(top, 3),
        margin_bottom=round(spare_h - top, 3),
        margin_inside=round(spare_w * 0.52, 3),
        margin_outside=round(spare_w * 0.48, 3),
    )
