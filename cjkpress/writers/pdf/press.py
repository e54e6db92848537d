"""What the print shop needs of the interior: the book block in whole signatures, and marks outside the bleed.

A book block is printed and folded in signatures (印张 folded into 16 or 32
pages): the print edition is the layout's pages from the title page on (the
cover is printed apart, `cover.pdf`), padded with blank pages to a multiple
of `design.signature`. Each page's MediaBox grows by a slug round the 3 mm
bleed, and crop marks are drawn there: 0.25 pt in the registration colour
(`/Separation /All`: every plate prints them), from 3 mm outside the trim
outwards, so that none stands inside the bleed. MediaBox > BleedBox > TrimBox.
The cover spread (spread.py) takes the same slug and marks, and fold marks
where its spine meets the covers.

Both are drawn from pages laid out once, as the screen edition's are
(`press_pdf`): with the bleed round each page, in the press's inks
(print-edition.css gives the CMYK of each colour of print.css), under the
output intent of the CMYK profile it declares.
"""

import copy
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import pydyf
import tinycss2
from tinycss2 import color4
from tinycss2.color5 import Color, parse_color
from weasyprint import CSS, Document

from . import engine

from .labels import TITLE_PAGE, Folio, folios

PT_PER_MM = 72 / 25.4
BLEED = 3 * 96 / 25.4  # CSS px: 3 mm round every page
MARK_OFFSET = 3.5 * PT_PER_MM  # from the trim to a mark's inner end: past the 3 mm bleed
MARK_LENGTH = 5 * PT_PER_MM
SLUG = MARK_OFFSET + MARK_LENGTH + 2 * PT_PER_MM  # from the trim to the sheet's edge
MARK_WIDTH = 0.25  # pt
REGISTRATION = "All"  # the colour space's name in the pages' resources
# All: a separation every plate prints; its tint converts to all four CMYK inks (for display).
REGISTRATION_SPACE = ["/Separation", "/All", "/DeviceCMYK",
                      pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array([0, 1]), "N": 1,
                                        "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1])})]


def root_colours(sheet: Path) -> dict[str, Color]:
    """The colours a style sheet's :root rules give its custom properties (--ink: …)."""
    found = {}
    for rule in tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"), True, True):
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_blocks_contents(rule.content, True, True):
                colour = parse_color(tinycss2.serialize(item.value).strip()) if item.type == "declaration" else None
                if isinstance(colour, color4.Color):  # a hex colour is Level 4's, device-cmyk() Level 5's
                    found[item.name] = colour
    return found


@cache
def inks(styles: Path) -> dict[tuple[float, ...], Color]:
    """The screen's sRGB colours (print.css) → the press's CMYK for them (print-edition.css's same name)."""
    screen, press = root_colours(styles / "print.css"), root_colours(styles / "print-edition.css")
    return {tuple(screen[name].to("srgb").coordinates): press[name] for name in screen if name in press}


def in_ink(colour: Color, styles: Path) -> Color:
    """An sRGB colour as the press prints it: the design's CMYK for a colour of the design, else
    the neutral conversion (greys in black ink alone)."""
    rgb = tuple(colour.to("srgb").coordinates)
    found = inks(styles).get(rgb)
    if found is None:
        r, g, b = (min(1.0, max(0.0, v)) for v in rgb)
        k = 1 - max(r, g, b)
        c, m, y = ((0.0, 0.0, 0.0) if k == 1 else ((1 - v - k) / (1 - k) for v in (r, g, b)))
        found = Color("device-cmyk", (round(c, 4), round(m, 4), round(y, 4), round(k, 4)), 1)
    return Color("device-cmyk", found.coordinates, colour.alpha)


def press_pdf(document: Document, pages: list, styles: Path, name: str, finisher) -> bytes:
    """`pages` of a layout as the press gets them, PDF/X-4: each with the bleed round it, drawn in the
    press's inks (every sRGB colour in its CMYK), under the CMYK sheet's profile as output intent; XMP
    ids from `name`, `finisher` as write_pdf's."""
    profiles = {}
    CSS(filename=styles / "print-edition.css", url_fetcher=document.url_fetcher, color_profiles=profiles)
    bled = []
    for page in pages:
        bled.append(copy.copy(page))
        bled[-1].bleed = dict.fromkeys(("top", "right", "bottom", "left"), BLEED)
    metadata = copy.copy(document.metadata)
    # PDF/X-4 wants dates, and WeasyPrint would take the time of the build: a book without a date of its
    # own gets SOURCE_DATE_EPOCH's, or the epoch, so that the same sources give the same bytes.
    epoch = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", 0)), timezone.utc).isoformat()
    metadata.modified, metadata.created = metadata.modified or epoch, metadata.created or epoch
    press = Document(bled, metadata, document.url_fetcher, document.font_config, profiles, "device-cmyk")
    with engine.named(name), engine.inks(lambda colour: in_ink(colour, styles)):
        return press.write_pdf(pdf_variant="pdf/x-4", finisher=finisher)


def block_start(names: list[str | None]) -> int:
    """The index of the book block's first page (of pages named `names`: labels.page_name): the title
    page (the cover is printed apart)."""
    return names.index(TITLE_PAGE) if TITLE_PAGE in names else 0


def first_blank(names: list[str | None]) -> int | None:
    """The index of the first page left blank (named None) among pages named `names`, if one is."""
    return names.index(None) if None in names else None


@dataclass(frozen=True)
class Block:
    """The pages printed in signatures: the layout's from `first` on, then `padding` copies of its blank
    page `blank` (an index in the layout) to a whole number of signatures; the folios of them all."""

    first: int
    padding: int
    blank: int | None
    numbers: list[Folio]


def book_block(names: list[str | None], signature: int) -> Block:
    """The book block of a layout whose pages are named `names`: from the title page on, padded with
    its first blank page (before the title page, as the cover's inside may be, or not), numbered on."""
    first = block_start(names)
    numbers = folios(names)[first:]
    if (blank := first_blank(names)) is None:  # a layout without one needs none: every chapter ended on a verso
        return Block(first, 0, None, numbers)
    padding = -len(numbers) % signature
    style, last = numbers[-1]
    return Block(first, padding, blank, numbers + [(style, last + 1 + n) for n in range(padding)])


def crop_marks(trim: list[float], folds: tuple[float, ...] = ()) -> bytes:
    """Eight mark lines round the trim box (x0, y0, x1, y1), two at each corner along its edges; and a
    fold mark above and below the trim at each of `folds` (pt from its left edge)."""
    x0, y0, x1, y1 = trim
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + sx * near, y, x + sx * far, y))  # along the horizontal edge, outwards
        lines.append((x, y + sy * near, x, y + sy * far))
    for fold in folds:
        lines += [(x0 + fold, y0 - near, x0 + fold, y0 - far), (x0 + fold, y1 + near, x0 + fold, y1 + far)]
    path = " ".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l" for a, b, c, d in lines)
    return f"q /{REGISTRATION} CS 1 SCN {MARK_WIDTH} w 0 J {path} S Q".encode()


def add_slug_and_marks(pdf: pydyf.PDF, folds: tuple[float, ...] = ()) -> None:
    """Every page's MediaBox widened by the slug, crop marks (and fold marks at `folds`, pt from the
    trim's left edge) drawn in it: a write_pdf finisher's part."""
    pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
    spaces = set()
    for page in pages:
        trim = [float(v) for v in page["TrimBox"]]
        page["MediaBox"] = pydyf.Array([trim[0] - SLUG, trim[1] - SLUG, trim[2] + SLUG, trim[3] + SLUG])
        # The page's own stream leaves its transformation in force: the marks come after a Q that undoes it.
        before, after = pydyf.Stream([b"q"]), pydyf.Stream([b"Q", crop_marks(trim, folds)])
        pdf.add_object(before)
        pdf.add_object(after)
        page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])
        spaces.add(reference_number(pdf.objects[reference_number(page["Resources"])]["ColorSpace"]))
    for number in spaces:
        pdf.objects[number][REGISTRATION] = pydyf.Array(REGISTRATION_SPACE)


def reference_number(reference: bytes) -> int:
    """The object number of an indirect reference as pydyf writes it (b"12 0 R")."""
    return int(reference.split()[0])
