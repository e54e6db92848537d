"""The cover spread (build/<book>-cover.pdf): 封四, 书脊 and 封一 side by side, the sheet the cover is printed on.

Its trim is two pages and the spine between them, with the book's 3 mm
bleed on every side and the print edition's slug and crop marks, and fold
marks where the spine meets the covers (press.py), in the press's CMYK inks for PDF/X-4. The
spine is as thick as the print edition's book block on design.paper
(imprint.spine_width); from SPINE_TEXT_FROM mm it carries the title and the
publisher set down it (typeset/vertical.py). The front is the book's own
cover (front.html), standing where the cover page puts it; the back carries
the description, set by the rules, the ISBN's EAN-13 symbol (ean.py) and
the price.
"""

from dataclasses import dataclass
from pathlib import Path

from weasyprint import HTML

from ...design import BACK_COVER_INDENT, PT_PER_MM, TITLES, grid
from ...imprint import spine_width
from ...output import atomic
from .. import Job
from ..markup import STYLES, render, stylesheet
from . import Edition, layout
from .units import book_folder, local_fetcher
from .ean import GUARD_EXTENSION, HEIGHT, MODULE, QUIET, symbol
from .press import add_slug_and_marks, press_pdf

SPINE_TEXT_FROM = 5  # mm: a thinner spine is left blank (its type would be under 3 mm)
SPINE_FILL = 0.55  # of the spine's width: the size of the title's type
SPINE_MAX = 16  # pt
SPINE_TITLE_LENGTH = 0.55  # of the spine's height: the most the title may take
PUBLISHER_RATIO = 0.75  # the publisher's type against the title's


@dataclass(frozen=True)
class Spread:
    """The sheet's geometry (mm, but type sizes in pt)."""

    panel: float  # a cover's width: the page's
    height: float
    spine: float
    title_size: float  # 0: no text on the spine
    publisher_size: float

    @property
    def width(self) -> float:
        return 2 * self.panel + self.spine

    @property
    def folds(self) -> tuple[float, float]:
        """Where the spine meets the back and the front cover, in pt from the trim's left edge."""
        return self.panel * PT_PER_MM, (self.panel + self.spine) * PT_PER_MM


def spread(job: Job, pages: int) -> Spread:
    design, lines, meta = job.design, job.lines, job.book.metadata
    spine = spine_width(pages, design)
    if spine < SPINE_TEXT_FROM:
        return Spread(design.page_width, design.page_height, spine, 0, 0)
    length = sum(run.before + run.length for run in lines[("spine", meta.title)])
    size = min(SPINE_MAX, spine * PT_PER_MM * SPINE_FILL,
               design.page_height * PT_PER_MM * SPINE_TITLE_LENGTH / length)
    return Spread(design.page_width, design.page_height, spine, round(size, 2), round(size * PUBLISHER_RATIO, 2))


def cover_html(job: Job, sheet: Spread) -> str:
    meta, g = job.book.metadata, grid(job.design)
    return render("pdf/spread.html", book=job.book, meta=meta, design=job.design, grid=g, titles=TITLES,
                  lines=job.lines, marks={}, link_url=lambda target: None, spread=sheet,
                  stylesheet=stylesheet("print.css", "spread.css"), back_indent=BACK_COVER_INDENT,
                  back_left=g.margin_outside, front_left=(sheet.panel + sheet.spine) * PT_PER_MM + g.margin_inside,
                  ean=symbol(meta.isbn) if meta.isbn else None, module=MODULE, bar_height=HEIGHT,
                  guard_extension=GUARD_EXTENSION, quiet=QUIET)


class CoverSpread(Edition):
    format = "cover"
    suffix = "-cover.pdf"

    def write(self, job: Job, target: Path) -> None:
        sheet = spread(job, layout(job).counts.pages)
        document = HTML(string=cover_html(job, sheet), base_url=str(book_folder(job)),
                        url_fetcher=local_fetcher(job)).render()
        data = press_pdf(document, document.pages, STYLES, job.book.metadata.identifier + "#cover",
                         lambda _, pdf: add_slug_and_marks(pdf, sheet.folds))
        with atomic(target) as tmp:
            tmp.write_bytes(data)
