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

from pikepdf import String
from weasyprint import Document

from ...design import grid
from .. import LINES, Job, Writer
from ..markup import STYLES
from ...output import atomic
from ..pagemap import PageMap, record
from .cover import render_cover
from .foot import accepted_pages, short_pages
from . import engine
from .join import Book, join
from .labels import folios, label_numbers
from .pages import page_starts
from .press import add_slug_and_marks, block_start, book_block, press_pdf
from .units import Counts, book_html, lay_out, render, whole_book

# The screen edition's document-information key naming the body pages where the build left a line alone:
# the preflight's to read (preflight.ACCEPTED_KEY).
ACCEPTED_KEY = "CjkpressAcceptedLoneLines"
SCALE = 0.75  # PDF points a CSS pixel: WeasyPrint's at zoom 1
logger = logging.getLogger(__name__)


@dataclass
class Layout:
    """The typeset book: WeasyPrint's pages, which both editions draw."""

    document: Document
    identifier: str
    signature: int  # pages: the print edition's book block is a multiple of it
    counts: Counts  # what its pages print of the layout itself
    accepted: tuple[int, ...] = ()  # body folios of the pages where a line was left alone (foot.py)
    longer: frozenset = frozenset()  # the paragraphs set a line longer to fill their pages (foot.py)
    loose: frozenset = frozenset()  # the paragraphs allowed to leave a line alone
    units: tuple[int, ...] = ()  # the pages of each unit (units.py), whose PDFs the editions join

    @cached_property
    def pdf(self) -> bytes:
        """The screen edition: tagged for assistive technology (PDF/UA-1), read page after page: the
        layout's pages less those left blank so that a chapter opens on a recto (另面起, not 另页起)."""
        pages = [(page, folio) for page, folio in zip(self.document.pages, folios(self.document)) if on_screen(page)]
        # for the preflight: 孤行 the build accepted rather than a short page
        info = {"/" + ACCEPTED_KEY: String(" ".join(map(str, self.accepted)))} if self.accepted else {}
        return self.joined(self.by_unit(lambda _, page: on_screen(page)), [folio for _, folio in pages], info,
                           lambda kept: self.document.copy(kept).write_pdf(pdf_variant="pdf/ua-1"))

    def print_pdf(self) -> bytes:
        """The print edition: the book block (title page on, in whole signatures: `press`), the same
        pages with bleed, crop marks in a slug and CMYK inks (PDF/X-4)."""
        pages, numbers = book_block(self.document, self.signature)
        first = block_start(self.document)
        units = self.by_unit(lambda index, page: index >= first)
        units[-1] += pages[len(self.document.pages) - first:]  # the padding to whole signatures
        name = self.identifier + "#print"
        return self.joined(units, numbers, {}, lambda kept: press_pdf(
            self.document, kept, STYLES, name, lambda _, pdf: add_slug_and_marks(pdf)))

    def joined(self, units: list[list], numbers: list, info: dict, write) -> bytes:
        """An edition of the pages `units` (a list for each unit), whose folios are `numbers`: each
        unit's PDF `write(pages)` as a part of the book (engine.parts), the parts joined (join.py)
        with the book's outline, page labels and document info `info`."""
        pages = [page for kept in units for page in kept]
        faces = {}
        with engine.parts(faces, frozenset(anchor for page in pages for anchor in page.anchors)):
            parts = [write(kept) for kept in units if kept]
        outline = self.document.copy(pages).make_bookmark_tree(SCALE, transform_pages=True)
        return join(parts, faces, Book(outline, label_numbers(numbers), info))

    def by_unit(self, keep) -> list[list]:
        """The layout's pages that `keep(index, page)` keeps, in a list for each unit."""
        ends = [sum(self.units[:n + 1]) for n in range(len(self.units))]
        return [[page for index, page in enumerate(self.document.pages[end - size:end], end - size) if keep(index, page)]
                for end, size in zip(ends, self.units)]


def on_screen(page) -> bool:
    """Whether the screen edition prints a page of the layout: not one left blank for a recto."""
    return not page._page_box.page_type.blank


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
        document = made.document
        for page in short_pages(document, grid(job.design).line_pitch):
            logger.warning("%s.pdf: page %d ends %d line%s short of the foot: no paragraph ending on it can be "
                           "set a line longer, nor can the next page's first leave a line at its foot",
                           job.book.slug, page.page + 1, page.lines, "s" * (page.lines > 1))
        accepted = accepted_pages(document, job.book, made.loose)
        if accepted:
            logger.info("%s.pdf: a line left alone (孤行) rather than a page short, on page%s %s: no paragraph "
                        "there could be set a line longer", job.book.slug, "s" * (len(accepted) > 1),
                        ", ".join(map(str, accepted)))
        job.shared["pdf"] = Layout(document, job.book.metadata.identifier, job.design.signature, made.counts,
                                    tuple(accepted), made.longer, made.loose, made.units)
    return job.shared["pdf"]


class Edition(Writer):
    """A PDF edition: drawn from the layout the editions share."""

    needs = frozenset({LINES})

    def prepare(self, job: Job) -> str:
        return f"{len(layout(job).document.pages)} pages"


class ScreenPdf(Edition):
    format = "pdf"
    suffix = ".pdf"

    def page_map(self, job: Job) -> PageMap:
        """Where the layout's printed pages begin, and its cover: what the EPUB takes from the PDF."""
        if "pdf page map" not in job.shared:
            document = layout(job).document
            # Page 1 alone: the same pixels as in the whole PDF, without waiting for the whole PDF.
            cover = render_cover(document.copy(document.pages[:1]).write_pdf())
            job.shared["pdf page map"] = PageMap(page_starts(document, job.book), cover, layout(job).counts.pages)
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
