"""PDF writer: the book's HTML typeset by WeasyPrint."""

from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import actualtext  # noqa: F401  (installs the ActualText extension)
from . import fonts, render
from .output import atomic
from .tree import Book
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


def write_pdf(book: Book, out: Path) -> int:
    """Typeset `book` into `out`; returns the number of pages."""
    book_dir = book.source.parent
    shaper = Shaper(fonts.find(book.design.body_font), fonts.find(book.design.heading_font, bold=True),
                    book.metadata.language)
    setter = Setter(shaper, render.grid(book.design).chars)
    html = render.book_html(book, asset_url=lambda path: path.resolve().as_uri(), setter=setter)
    fetcher = LocalFetcher([book_dir, render.TEMPLATES, render.STYLES])
    document = HTML(string=html, base_url=str(book_dir), url_fetcher=fetcher).render()
    with atomic(out) as tmp:
        document.write_pdf(tmp)
    return len(document.pages)
