"""Tree → markup, through the Jinja2 templates in templates/.

Templates hold the markup and styles/ the design; this module only hands
them the tree and the few numbers that are computed (the page grid).
Autoescaping is on for every template: the text is data, never markup.
"""

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .reader import NOTE_MARKS
from .tree import Book, Box, Design, Figure, Paragraph, Subheading

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"
PT_PER_MM = 72 / 25.4


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


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(c if c.isalnum() or c in " -_" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.tests["figure"] = lambda block: isinstance(block, Figure)
    env.tests["subheading"] = lambda block: isinstance(block, Subheading)
    env.tests["box"] = lambda block: isinstance(block, Box)
    env.globals["marked"] = marked
    return env


def marked(text: str) -> list[tuple[str, bool]]:
    """`text` cut around note marks (①…): (part, is a mark) pairs, for templates that link notes."""
    parts = re.split(f"([{NOTE_MARKS}])", text)
    return [(part, part in NOTE_MARKS) for part in parts if part]


def stylesheet(name: str) -> Markup:
    """One of our own style sheets, trusted: inserted into <style> as it is."""
    return Markup((STYLES / name).read_text(encoding="utf-8"))


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def book_html(book: Book, asset_url, setter=None) -> str:
    """The whole book as one HTML file: what WeasyPrint typesets and what build/<book>.html is.

    `asset_url(path)` turns a figure's local path into the URL written in the HTML;
    a `setter` (typeset.Setter) breaks the paragraphs into lines for print.
    """
    return render(
        "book.html",
        book=book,
        meta=book.metadata,
        design=book.design,
        grid=grid(book.design),
        stylesheet=stylesheet("print.css") + stylesheet("screen.css"),
        asset_url=asset_url,
        setter=setter,
    )
