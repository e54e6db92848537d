"""The page map: what the EPUB takes from the PDF's layout — where each printed page begins, the cover,
and how many pages the book block has (the 版权页's 印张 and 字数).

The EPUB's page list and cover image come from the PDF. The PDF writer makes
the page map from its layout and records it (in OUT/.cache/) beside the PDF;
when the PDF on disk was built from the current inputs, its record stands in
for a new layout, so that an EPUB-only rebuild (after an edit to the EPUB's
styles, say) takes a fraction of a second instead of a full typesetting.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import fonts
from ..design import Design, styles
from ..output import atomic
from ..tree import Book, Chapter, Paragraph, Section, Subheading
from .markup import ROOT, STYLES, TEMPLATES

# What the EPUB alone uses: changing it does not change the PDF.
EPUB_ONLY = (ROOT / "cjkpress" / "writers" / "epub", TEMPLATES / "epub", STYLES / "epub.css")


@dataclass(frozen=True)
class PageStart:
    """Where a printed page of the PDF begins, in terms of the tree (for the EPUB's page list).

    `block` numbers the block at the top of the page among the chapter's
    `page_tops` (a chapter or section heading, a subheading, a paragraph: not
    its source line, which a chapter made of several files, or of included
    text, repeats); `offset` counts the characters of that paragraph set on
    earlier pages (0 when the page begins with the block).
    """

    label: str  # the folio printed on the page
    chapter: str  # the id of the chapter the page belongs to
    block: int  # its index in page_tops(chapter)
    offset: int = 0


@dataclass
class PageMap:
    pages: list[PageStart]  # the body pages, in order
    cover: bytes  # the PDF's first page as a PNG
    block_pages: int  # the print edition's book block, in whole signatures


PageTop = Chapter | Section | Subheading | Paragraph  # what a printed page can begin with


def page_tops(chapter: Chapter) -> list[PageTop]:
    """The blocks a printed page can begin with, in a fixed order: a PageStart names one by its index."""
    return [chapter, *chapter.sections,
            *(b for b in chapter.blocks_in_order() if isinstance(b, (Subheading, Paragraph)))]


def block_numbers(book: Book) -> dict[int, int]:
    """id() of each page top of the book → its index among its chapter's page tops."""
    return {id(block): number for chapter in book.chapters for number, block in enumerate(page_tops(chapter))}


def record_path(book: Book, out: Path, suffix: str) -> Path:
    return out / ".cache" / f"{book.slug}.{suffix}"


def inputs_digest(book: Book, design: Design) -> str:
    """A digest of everything the PDF is made from: the book's files, cjkpress's print code, fonts."""
    digest = hashlib.sha256(tools_digest(book, design).encode())
    for path in book.files():
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def tools_digest(book: Book, design: Design) -> str:
    """A digest of what a book's PDF is made with: cjkpress's print code, templates, styles, and the
    installed faces it is set in (by file, size and time)."""
    digest = hashlib.sha256()
    for folder in (ROOT / "cjkpress", TEMPLATES, STYLES):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"
                           and not any(p.is_relative_to(epub) for epub in EPUB_ONLY)):
            digest.update(path.name.encode() + path.read_bytes())
    faces = [fonts.face(design, style) for style in sorted(styles(book))] + list(fonts.fallbacks(design))
    for face in filter(None, faces):
        stat = Path(face.path).stat()
        digest.update(f"{face.path}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def record(book: Book, design: Design, out: Path, pdf: bytes, page_map: PageMap) -> None:
    """Keep the page map of the PDF just written to `out`."""
    with atomic(record_path(book, out, "cover.png")) as tmp:
        tmp.write_bytes(page_map.cover)
    data = {
        "inputs": inputs_digest(book, design),
        "pdf": hashlib.sha256(pdf).hexdigest(),
        "cover": hashlib.sha256(page_map.cover).hexdigest(),
        "pages": [[p.label, p.chapter, p.block, p.offset] for p in page_map.pages],
        "block_pages": page_map.block_pages,
    }
    with atomic(record_path(book, out, "pages.json")) as tmp:
        tmp.write_text(json.dumps(data), encoding="utf-8")


def recorded(book: Book, design: Design, out: Path) -> PageMap | None:
    """The last build's page map, if its PDF is still there and was made from the current inputs."""
    try:
        data = json.loads(record_path(book, out, "pages.json").read_text(encoding="utf-8"))
        pdf = (out / f"{book.slug}.pdf").read_bytes()
        cover = record_path(book, out, "cover.png").read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(data.get("block_pages"), int):
        return None  # recorded by an older cjkpress
    if (data.get("inputs"), data.get("pdf"), data.get("cover")) != (
        inputs_digest(book, design), hashlib.sha256(pdf).hexdigest(), hashlib.sha256(cover).hexdigest()
    ):
        return None
    return PageMap([PageStart(*page) for page in data["pages"]], cover, data["block_pages"])
