"""PDF writers: the book's HTML, its paragraphs already set, typeset by WeasyPrint in two editions.

Both editions come from one layout, kept in the Job: the screen edition
draws its pages; the print edition draws its book block's pages again, with
bleed, marks and the press's CMYK inks (press.py). The layout also gives the
page map the EPUB needs: where each printed page begins, and the cover.
"""

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

from pikepdf import String
from weasyprint import Document

from ...design import grid
from .. import LINES, Job, Writer
from ...output import atomic
from ..pagemap import PageMap, record
from .drawn import Drawn, book_faces
from .foot import Short, accepted_pages
from .join import Book, join
from .labels import folios, label_numbers
from .pages import Page, page_starts
from .press import book_block
from .units import Counts, book_html, lay_out, render, whole_book

# The screen edition's document-information key naming the body pages where the build left a line alone:
# the preflight's to read (preflight.ACCEPTED_KEY).
ACCEPTED_KEY = "CjkpressAcceptedLoneLines"
SCALE = 0.75  # PDF points a CSS pixel: WeasyPrint's at zoom 1
logger = logging.getLogger(__name__)


@dataclass
class Layout:
    """The typeset book: its units drawn (drawn.py), which both editions join."""

    units: list[Drawn]
    identifier: str
    signature: int  # pages: the print edition's book block is a multiple of it
    counts: Counts  # what its pages print of the layout itself
    accepted: tuple[int, ...] = ()  # body folios of the pages where a line was left alone (foot.py)
    longer: frozenset = frozenset()  # the paragraphs set a line longer to fill their pages (foot.py)
    loose: frozenset = frozenset()  # the paragraphs allowed to leave a line alone

    @cached_property
    def pages(self) -> list[Page]:
        """Every page of the layout, as the book reads it once drawn (pages.Page)."""
        return [page for unit in self.units for page in unit.pages]

    @property
    def document(self) -> Document:
        """The layout's pages as one WeasyPrint document: only when the job kept the units' boxes."""
        if any(unit.boxes is None for unit in self.units):
            raise ValueError("the units' boxes were not kept (Job.boxes)")
        document, _ = self.units[0].boxes
        return document.copy([page for unit in self.units for page in unit.boxes[1]])

    def short_pages(self) -> list[Short]:
        """The pages (in the layout) that end short, though their chapter goes on overleaf."""
        found, before = [], 0
        for unit in self.units:
            found += [Short(before + short.page, short.lines) for short in unit.short]
            before += len(unit.pages)
        return found

    @cached_property
    def pdf(self) -> bytes:
        """The screen edition: tagged for assistive technology (PDF/UA-1), read page after page: the
        layout's pages less those left blank so that a chapter opens on a recto (另面起, not 另页起)."""
        numbers = [folio for page, folio in zip(self.pages, folios([page.name for page in self.pages]))
                   if page.name is not None]
        # for the preflight: 孤行 the build accepted rather than a short page
        info = {"/" + ACCEPTED_KEY: String(" ".join(map(str, self.accepted)))} if self.accepted else {}
        return self.joined("screen", numbers, info)

    def print_pdf(self) -> bytes:
        """The print edition: the book block (title page on, in whole signatures: `press`), the same
        pages with bleed, crop marks in a slug and CMYK inks (PDF/X-4)."""
        block = book_block([page.name for page in self.pages], self.signature)
        if not block.padding:
            return self.joined("print", block.numbers, {})
        # The padding copies the layout's first blank page: drawn apart when it is before the book block.
        spare = self.units[0].spare
        return self.joined("print", block.numbers, {}, block.padding,
                           spare if spare is not None else block.blank - block.first)

    def joined(self, edition: str, numbers: list, info: dict, padding: int = 0, blank=None) -> bytes:
        """An edition (drawn.EDITIONS) of the layout, whose folios are `numbers`: its units' parts joined
        (join.py) with the book's outline, page labels and document info `info`, and `padding` copies of
        the page `blank` (an index in the edition, or a one-page PDF)."""
        kept = [unit.printed_pages() if edition == "print" else unit.screen_pages() for unit in self.units]
        pages = [page for unit in kept for page in unit]
        outline = Document.make_bookmark_tree(SimpleNamespace(pages=pages), SCALE, transform_pages=True)
        parts = [unit.parts[edition] for unit, its in zip(self.units, kept) if its]
        return join(parts, book_faces(self.units, edition), Book(outline, label_numbers(numbers), info, padding, blank))


def sketch(job: Job, last: Layout) -> Document:
    """The job's pages laid out once, as `last` (a layout of an earlier state of the book) ended: its
    counts, and its paragraphs still in the book set longer or left loose. What a live preview shows at
    once: the same pages as `layout(job)` unless the edit moved what fills a page, which the layout made
    after it then shows."""
    for paragraph in last.longer:
        if paragraph in job.lines and (set_ := job.lines.longer(paragraph)):
            job.lines[paragraph] = set_
    return render(job, book_html(job, last.counts, last.loose), lambda page: None)


def layout(job: Job, by_units: bool = True) -> Layout:
    """The job's layout, made once for every PDF writer and the page map: by units (units.py), or as
    one document (the layout that by units must equal).

    What the pages print of the layout itself (Counts) comes from a layout,
    and never moves a page break (the 版权页 is a page of its own, a running
    head is in the margin), so a layout made again with what it printed
    keeps its pages. Pages that end short are filled by setting paragraphs
    on them a line longer (foot.py), or else by letting the next page's first
    paragraph leave a line alone, and laid out again; a page neither fills
    is logged, and the preflight reports it.
    """
    if "pdf" not in job.shared:
        made = lay_out(job) if by_units else whole_book(job)
        laid = Layout(made.units, job.book.metadata.identifier, job.design.signature, made.counts, (),
                      made.longer, made.loose)
        for page in laid.short_pages():
            logger.warning("%s.pdf: page %d ends %d line%s short of the foot: no paragraph ending on it can be "
                           "set a line longer, nor can the next page's first leave a line at its foot",
                           job.book.slug, page.page + 1, page.lines, "s" * (page.lines > 1))
        accepted = accepted_pages(laid.pages, job.book, made.loose)
        if accepted:
            logger.info("%s.pdf: a line left alone (孤行) rather than a page short, on page%s %s: no paragraph "
                        "there could be set a line longer", job.book.slug, "s" * (len(accepted) > 1),
                        ", ".join(map(str, accepted)))
        laid.accepted = tuple(accepted)
        job.shared["pdf"] = laid
    return job.shared["pdf"]


class Edition(Writer):
    """A PDF edition: drawn from the layout the editions share."""

    needs = frozenset({LINES})

    def prepare(self, job: Job) -> str:
        return f"{len(layout(job).pages)} pages"


class ScreenPdf(Edition):
    format = "pdf"
    suffix = ".pdf"

    def page_map(self, job: Job) -> PageMap:
        """Where the layout's printed pages begin, and its cover: what the EPUB takes from the PDF."""
        if "pdf page map" not in job.shared:
            laid = layout(job)
            job.shared["pdf page map"] = PageMap(page_starts(laid.pages), laid.units[0].cover, laid.counts.pages)
        return job.shared["pdf page map"]

    def write(self, job: Job, target: Path) -> None:
        data = layout(job).pdf
        with atomic(target) as tmp:
            tmp.write_bytes(data)
        record(job.book, job.design, job.out, data, self.page_map(job))


class PrintPdf(Edition):
    format = "print"
    suffix = "-print.pdf"

    def write(self, job: Job, target: Path) -> None:
        with atomic(target) as tmp:
            tmp.write_bytes(layout(job).print_pdf())


__all__ = ["Layout", "PrintPdf", "ScreenPdf", "layout"]
