"""Where each printed page begins, traced from WeasyPrint's boxes back to the tree (the page map's pages).

A set paragraph carries its number among its chapter's page tops
(`data-block`, pagemap.page_tops); a heading is found by its id, or by the
id of the section it opens; both belong to the chapter whose section
element holds them.
"""

from dataclasses import dataclass

from weasyprint import Document
from weasyprint.formatting_structure import boxes

from ...tree import Book
from ..pagemap import PageStart, page_tops
from .engine import NOTE_CLASS, classes, line_text
from .labels import page_name

HEADINGS = {f"h{level}" for level in range(1, 7)}


CHAPTER_CLASS = "chapter"  # the class of the element that holds a chapter


def heading_numbers(book: Book) -> dict[str, int]:
    """The number among its chapter's page tops of every heading, by the id that names it in the HTML."""
    return {top.id: number for chapter in book.chapters for number, top in enumerate(page_tops(chapter))
            if getattr(top, "id", None)}


def traced(box, headings: dict[str, int], anchor: str | None = None, chapter: str | None = None,
           block: int | None = None):
    """(box, chapter id, block number) of every box on a page that came from a block of the tree, in
    order: headings, and the lines of set paragraphs (a paragraph broken by a forced line break is set
    as several elements with the same number)."""
    element = getattr(box, "element", None)
    if element is not None:
        anchor = element.get("id") or anchor
        if CHAPTER_CLASS in (element.get("class") or "").split():
            chapter = element.get("id")
        if element.get("data-block"):
            block = int(element.get("data-block"))
        if isinstance(box, boxes.LineBox) and block is not None:
            yield box, chapter, block
            return
        if element.tag in HEADINGS:
            if anchor in headings:  # not a part's title: its page has no counterpart in the EPUB
                yield box, chapter, headings[anchor]
            return
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.MarginBox):
            yield from traced(child, headings, anchor, chapter, block)


@dataclass(frozen=True)
class Page:
    """What the book reads of a laid-out page once its boxes are gone (units.py drops them): its @page
    name (labels.page_name), its height, anchors and bookmarks (WeasyPrint's names, which its bookmark
    tree reads), and the blocks of the tree on it, in order: (chapter id, block number, characters of
    the paragraph set on the page, or None for a heading), whether the first is a chapter's title."""

    name: str | None
    height: float
    anchors: tuple[str, ...]
    bookmarks: tuple
    blocks: tuple[tuple[str, int, int | None], ...]
    opens_chapter: bool


def summary(page, headings: dict[str, int]) -> Page:
    """A WeasyPrint page's `Page`; `headings` is `heading_numbers` of the book."""
    found = list(traced(page._page_box, headings))
    blocks = tuple((chapter, block, len(line_text(box)) if isinstance(box, boxes.LineBox) else None)
                   for box, chapter, block in found)
    return Page(page_name(page), page.height, tuple(page.anchors), tuple(map(tuple, page.bookmarks)), blocks,
                bool(found) and found[0][0].element.tag == "h1")


def page_starts(pages: list[Page]) -> list[PageStart]:
    """Where each body page begins; a blank page begins where the next page does.

    Front matter (before the first chapter) has no entry: its folios are roman
    and it has no counterpart in the EPUB's chapters.
    """
    first_body = next(i for i, page in enumerate(pages) if page.opens_chapter)
    consumed: dict[tuple[str, int], int] = {}  # (chapter, block) of a paragraph → characters set on earlier pages
    starts: list[tuple[str, int, int] | None] = []
    for page in pages[first_body:]:
        if not page.blocks:
            starts.append(None)
        else:
            chapter, block, characters = page.blocks[0]
            starts.append((chapter, block, 0 if characters is None else consumed.get((chapter, block), 0)))
        for chapter, block, characters in page.blocks:
            if characters is not None:
                consumed[chapter, block] = consumed.get((chapter, block), 0) + characters
    # Pages with nothing traced (blank, or all code or table) take the next start; the last ones the one before.
    for i in reversed(range(len(starts) - 1)):
        starts[i] = starts[i] or starts[i + 1]
    for i in range(1, len(starts)):
        starts[i] = starts[i] or starts[i - 1]
    return [PageStart(str(number), *start) for number, start in enumerate(starts, 1)]


def page_chapter(box) -> str | None:
    """The id of the chapter a page's content belongs to (None for a page of front matter, or blank)."""
    element = getattr(box, "element", None)
    if element is not None and CHAPTER_CLASS in (element.get("class") or "").split():
        return element.get("id")
    for child in getattr(box, "children", ()):
        if not isinstance(child, boxes.MarginBox) and (found := page_chapter(child)):
            return found
    return None


def chapter_pages(document: Document) -> dict[str, int]:
    """The number of pages each chapter fills, by its id (blank pages after it not counted)."""
    counts: dict[str, int] = {}
    for page in document.pages:
        if not page._page_box.page_type.blank and (chapter := page_chapter(page._page_box)):
            counts[chapter] = counts.get(chapter, 0) + 1
    return counts


def page_notes(document: Document) -> list[list[str]]:
    """The ids of the notes at the foot of each page, in order (a note broken over two pages counts on
    the first)."""
    seen: set[str] = set()

    def notes(box):
        if NOTE_CLASS in classes(box):
            yield box.element.get("id")
            return
        for child in getattr(box, "children", ()):
            yield from notes(child)

    found = []
    for page in document.pages:
        found.append([n for n in dict.fromkeys(notes(page._page_box)) if n not in seen])
        seen.update(found[-1])
    return found
