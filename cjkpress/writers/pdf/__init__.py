"""PDF writers: the book's HTML, its paragraphs already set, typeset by WeasyPrint in two editions.

Both editions come from one layout, kept in the Job: the screen edition
draws its pages; the print edition draws its book block's pages again, with
bleed, marks and the press's CMYK inks (press.py). The layout also gives the
page map the EPUB needs: where each printed page begins, and the cover.
"""

import json
import logging
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import pydyf
from weasyprint import HTML, Document

from ...design import grid
from ...imprint import imprint
from ...tree import NOTE_MARKS
from ...output import atomic
from ...progress import status
from .. import LINES, Job, Writer
from ..markup import STYLES, TEMPLATES, one_file_book
from ..pagemap import PageMap, block_numbers, record, record_path
from . import engine
from .cover import render_cover
from .fetcher import LocalFetcher
from .foot import accepted_pages, fill_short_pages
from .labels import folios, labelled
from .pages import chapter_pages, page_notes, page_starts
from .press import add_slug_and_marks, book_block, press_pdf

LAYOUTS = 6  # at most: the counts' second layout, pages filled, filled again where that left some short, 孤行
# The screen edition's document-information key naming the body pages where the build left a line alone:
# the preflight's to read (preflight.ACCEPTED_KEY).
ACCEPTED_KEY = "CjkpressAcceptedLoneLines"
logger = logging.getLogger(__name__)

# The CMYK profile of the print edition's output intent (Debian's libgs-common).
ICC = Path("/usr/share/color/icc/ghostscript")


@dataclass
class Layout:
    """The typeset book: WeasyPrint's pages, which both editions draw."""

    document: Document
    identifier: str
    signature: int  # pages: the print edition's book block is a multiple of it
    counts: "Counts"  # what its pages print of the layout itself
    accepted: tuple[int, ...] = ()  # body folios of the pages where a line was left alone (foot.py)
    longer: frozenset = frozenset()  # the paragraphs set a line longer to fill their pages (foot.py)
    loose: frozenset = frozenset()  # the paragraphs allowed to leave a line alone

    @cached_property
    def pdf(self) -> bytes:
        """The screen edition: tagged for assistive technology (PDF/UA-1), read page after page: the
        layout's pages less those left blank so that a chapter opens on a recto (另面起, not 另页起)."""
        pages = [(page, folio) for page, folio in zip(self.document.pages, folios(self.document)) if on_screen(page)]
        screen = self.document.copy([page for page, _ in pages])
        label = labelled([folio for _, folio in pages])

        def finish(document: Document, pdf) -> None:
            label(document, pdf)
            if self.accepted:  # for the preflight: 孤行 the build accepted rather than a short page
                pdf.info[ACCEPTED_KEY] = pydyf.String(" ".join(map(str, self.accepted)))

        return screen.write_pdf(pdf_variant="pdf/ua-1", finisher=finish)

    def print_pdf(self) -> bytes:
        """The print edition: the book block (title page on, in whole signatures: `press`), the same
        pages with bleed, crop marks in a slug and CMYK inks (PDF/X-4)."""
        pages, numbers = book_block(self.document, self.signature)
        label = labelled(numbers)

        def finish(document: Document, pdf) -> None:
            label(document, pdf)
            add_slug_and_marks(pdf)

        return press_pdf(self.document, pages, STYLES, self.identifier + "#print", finish)


def on_screen(page) -> bool:
    """Whether the screen edition prints a page of the layout: not one left blank for a recto."""
    return not page._page_box.page_type.blank


@dataclass(frozen=True)
class Counts:
    """What the pages print of the finished layout itself: how many pages the book block has (in the
    版权页's 印张 and 字数), which chapters are long enough to take their sections' running heads, and
    the note marks numbered by page (all of one width: a mark never moves a break)."""

    pages: int = 0
    long_chapters: tuple[str, ...] = ()
    marks: tuple[tuple[str, str], ...] = ()  # (note id, mark) with design.note_numbering: page


def counts(document: Document, job: Job) -> Counts:
    long = job.design.section_heads_after
    marks = tuple((note, NOTE_MARKS[i % len(NOTE_MARKS)]) for notes in page_notes(document)
                  for i, note in enumerate(notes)) if job.design.note_numbering == "page" else ()
    block, _ = book_block(document, job.design.signature)  # the print edition's
    return Counts(len(block),
                  tuple(chapter for chapter, pages in chapter_pages(document).items() if pages > long), marks)


def sketch(job: Job, last: Layout) -> Document:
    """The job's pages laid out once, as `last` (a layout of an earlier state of the book) ended: its
    counts, and its paragraphs still in the book set longer or left loose. What a live preview shows at
    once: the same pages as `layout(job)` unless the edit moved what fills a page, which the layout made
    after it then shows."""
    for paragraph in last.longer:
        if paragraph in job.lines and (set_ := job.lines.longer(paragraph)):
            job.lines[paragraph] = set_
    html = book_html(job, last.counts, last.loose)
    return HTML(string=html, base_url=str(book_folder(job)), url_fetcher=local_fetcher(job)).render()


def book_html(job: Job, found: Counts = Counts(), loose: set = frozenset()) -> str:
    """The book as WeasyPrint reads it: the one-file book with the set lines, figures by file URL."""
    numbers = block_numbers(job.book)
    return one_file_book("pdf/book.html", job.book, job.design, lambda path: path.resolve().as_uri(), lines=job.lines,
                         block_number=lambda block: numbers[id(block)],
                         imprint=imprint(job.book.metadata, job.design, found.pages),
                         long_chapters=set(found.long_chapters), marks=dict(found.marks), loose=loose)


def book_folder(job: Job) -> Path:
    return job.book.folder or job.book.source.parent


def local_fetcher(job: Job) -> LocalFetcher:
    """What WeasyPrint may read for the book: its own folder, cjkpress's templates and styles, the ICC profile."""
    return LocalFetcher([book_folder(job), TEMPLATES, STYLES, ICC])


def layout(job: Job) -> Layout:
    """The job's layout, made once for every PDF writer and the page map.

    What the pages print of the layout itself comes from a layout: laid out
    with the last build's counts (or none), then again with the counts found
    if they differ. The counts never move a page break (the 版权页 is a page
    of its own, a running head is in the margin), so the second layout keeps
    them, and the pages are the same whatever the first guess was.

    Pages that end short are filled by setting paragraphs on them a line
    longer (foot.py), or else by letting the next page's first paragraph
    leave a line alone, and laid out again; a page neither fills is logged,
    and the preflight reports it.
    """
    if "pdf" not in job.shared:
        book_dir, fetcher = book_folder(job), local_fetcher(job)
        guess_path = record_path(job.book, job.out, "counts.json")
        try:
            guess = json.loads(guess_path.read_text(encoding="utf-8"))
            found = Counts(int(guess["pages"]), tuple(guess["long_chapters"]),
                           tuple(tuple(pair) for pair in guess.get("marks", ())))
        except (OSError, ValueError, TypeError, KeyError):
            found = Counts()
        pitch, longer, loose = grid(job.design).line_pitch, set(), set()
        for attempt in range(1, LAYOUTS + 1):
            source = HTML(string=book_html(job, found, loose), base_url=str(book_dir), url_fetcher=fetcher)
            with engine.counting_pages(lambda page: status(f"typesetting {job.book.slug}: page {page}"
                                                           + f" (layout {attempt})" * (attempt > 1), count=True)):
                document = source.render()
            before = len(longer), len(loose)
            short = fill_short_pages(document, job.book, job.lines, pitch, longer, loose)
            if (now := counts(document, job)) == found and (len(longer), len(loose)) == before:
                break
            found = now
        for page in short:
            logger.warning("%s.pdf: page %d ends %d line%s short of the foot: no paragraph ending on it can be "
                           "set a line longer, nor can the next page's first leave a line at its foot",
                           job.book.slug, page.page + 1, page.lines, "s" * (page.lines > 1))
        accepted = accepted_pages(document, job.book, loose)
        if accepted:
            logger.info("%s.pdf: a line left alone (孤行) rather than a page short, on page%s %s: no paragraph "
                           "there could be set a line longer", job.book.slug, "s" * (len(accepted) > 1),
                           ", ".join(map(str, accepted)))
        with atomic(guess_path) as tmp:
            tmp.write_text(json.dumps(asdict(found)), encoding="utf-8")
        job.shared["pdf"] = Layout(document, job.book.metadata.identifier, job.design.signature, found,
                                    tuple(accepted), frozenset(longer), frozenset(loose))
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
