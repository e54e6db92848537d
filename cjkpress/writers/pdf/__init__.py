"""PDF writers: the book's HTML, its paragraphs already set, typeset by WeasyPrint in two editions.

Both editions come from one layout, kept in the Job: the screen edition
draws its pages; the print edition renders the same HTML again with its own
style sheet (bleed, marks, CMYK). The layout also gives the page map the
EPUB needs: where each printed page begins, and the cover.
"""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from weasyprint import CSS, HTML, Document

from ...output import atomic
from .. import LINES, Job, Writer
from ..markup import STYLES, TEMPLATES, one_file_book
from ..pagemap import PageMap, block_numbers, record
from . import engine
from .cover import render_cover
from .fetcher import LocalFetcher
from .labels import label
from .pages import page_starts

# The CMYK profile of the print edition's output intent (Debian's libgs-common).
ICC = Path("/usr/share/color/icc/ghostscript")


@dataclass
class Layout:
    """The typeset book: WeasyPrint's pages, and the parsed HTML the print edition renders again."""

    document: Document
    source: HTML
    identifier: str

    @cached_property
    def pdf(self) -> bytes:
        """The screen edition: tagged for assistive technology (PDF/UA-1)."""
        return self.document.write_pdf(pdf_variant="pdf/ua-1", finisher=label)

    def print_pdf(self) -> bytes:
        """The print edition: the same pages with bleed, crop marks and CMYK colours (PDF/X-4)."""
        profiles = {}  # filled by the style sheet's @color-profile: the output intent
        edition = CSS(filename=STYLES / "print-edition.css", url_fetcher=self.source.url_fetcher,
                      color_profiles=profiles)
        document = self.source.render(stylesheets=[edition], color_profiles=profiles)
        with engine.named(self.identifier + "#print"):
            return document.write_pdf(pdf_variant="pdf/x-4", finisher=label)


def book_html(job: Job) -> str:
    """The book as WeasyPrint reads it: the one-file book with the set lines, figures by file URL."""
    numbers = block_numbers(job.book)
    return one_file_book("pdf/book.html", job.book, job.design, lambda path: path.resolve().as_uri(), lines=job.lines,
                         block_number=lambda block: numbers[id(block)])


def layout(job: Job) -> Layout:
    """The job's layout, made once for every PDF writer and the page map."""
    if "pdf" not in job.shared:
        book_dir = job.book.folder or job.book.source.parent
        fetcher = LocalFetcher([book_dir, TEMPLATES, STYLES, ICC])
        source = HTML(string=book_html(job), base_url=str(book_dir), url_fetcher=fetcher)
        job.shared["pdf"] = Layout(source.render(), source, job.book.metadata.identifier)
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
            job.shared["pdf page map"] = PageMap(page_starts(document, job.book), cover)
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
