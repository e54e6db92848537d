"""PDF writer: the book's HTML typeset by WeasyPrint.

The layout is kept (`Layout`) because the EPUB needs two things from it: where
each printed page begins (its page list) and the cover page (its cover image).
"""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from weasyprint import CSS, HTML, Document
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher

from . import engine
from . import render
from .edition import render_cover
from .output import atomic
from .tree import Book, PageStart
from .typeset import Setter, Shaper


class LocalFetcher(URLFetcher):
    """Resolve only local files inside the allowed folders: the build never goes online."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refusing to read {path}: outside the book and cjkpress's own files")
        return super().fetch(url, headers)


# The CMYK profile of the print edition's output intent (Debian's libgs-common).
ICC = Path("/usr/share/color/icc/ghostscript")


@dataclass
class Layout:
    """The typeset book: WeasyPrint's pages, where each printed body page begins, its cover."""

    document: Document
    pages: list[PageStart]
    source: HTML  # the parsed book, which the print edition renders again
    identifier: str

    @cached_property
    def pdf(self) -> bytes:
        """The screen edition: tagged for assistive technology (PDF/UA-1)."""
        return self.document.write_pdf(pdf_variant="pdf/ua-1")

    def print_pdf(self) -> bytes:
        """The print edition: the same pages with bleed, crop marks and CMYK colours (PDF/X-4)."""
        profiles = {}  # filled by the style sheet's @color-profile: the output intent
        edition = CSS(filename=render.STYLES / "print-edition.css", url_fetcher=self.source.url_fetcher,
                      color_profiles=profiles)
        document = self.source.render(stylesheets=[edition], color_profiles=profiles)
        with engine.named(self.identifier + "#print"):
            return document.write_pdf(pdf_variant="pdf/x-4")

    @cached_property
    def cover(self) -> bytes:
        # Page 1 alone: the same pixels as in the whole PDF, without waiting for the whole PDF.
        return render_cover(self.document.copy(self.document.pages[:1]).write_pdf())

    def write(self, out: Path) -> None:
        with atomic(out) as tmp:
            tmp.write_bytes(self.pdf)


def layout(book: Book) -> Layout:
    book_dir = book.source.parent
    setter = Setter(Shaper.for_design(book.design, book.metadata.language), render.grid(book.design).chars)
    html = render.book_html(book, asset_url=lambda path: path.resolve().as_uri(), setter=setter)
    fetcher = LocalFetcher([book_dir, render.TEMPLATES, render.STYLES, ICC])
    source = HTML(string=html, base_url=str(book_dir), url_fetcher=fetcher)
    document = source.render()
    return Layout(document, page_starts(document), source, book.metadata.identifier)


def traced(box) -> boxes.Box | None:
    """The first box on a page that came from a block with a source line: a heading or a set line."""
    element = getattr(box, "element", None)
    if element is not None and element.get("data-line") and (
        isinstance(box, boxes.LineBox) or element.tag in ("h1", "h2", "h3")
    ):
        return box
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.MarginBox) and (found := traced(child)):
            return found
    return None


def set_lines(box):
    """Every line of a set paragraph on a page, in order."""
    if isinstance(box, boxes.LineBox):
        if box.element is not None and box.element.get("data-line"):
            yield box
        return
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.MarginBox):
            yield from set_lines(child)


def page_starts(document: Document) -> list[PageStart]:
    """Where each body page begins; a blank page begins where the next page does.

    Front matter (before the first chapter) has no entry: its folios are roman
    and it has no counterpart in the EPUB's chapters.
    """
    firsts = [traced(page._page_box) for page in document.pages]
    first_body = next(i for i, box in enumerate(firsts) if box is not None and box.element.tag == "h1")
    consumed: dict = {}  # paragraph element → characters set on earlier pages
    starts: list[tuple[int, int]] = []
    for page, box in zip(document.pages[first_body:], firsts[first_body:]):
        if box is None:
            starts.append(None)
        else:
            line = int(box.element.get("data-line"))
            starts.append((line, consumed.get(box.element, 0) if isinstance(box, boxes.LineBox) else 0))
        for set_line in set_lines(page._page_box):
            consumed[set_line.element] = consumed.get(set_line.element, 0) + len(engine.line_text(set_line))
    # Blank pages take the next start; a blank last page the previous one.
    for i in reversed(range(len(starts))):
        if starts[i] is None:
            starts[i] = starts[i + 1] if i + 1 < len(starts) else starts[i - 1]
    return [PageStart(str(number), line, offset) for number, (line, offset) in enumerate(starts, 1)]
