"""齐脚: every page whose chapter goes on overleaf ends on the grid's last line.

WeasyPrint leaves a page a line or two short where a paragraph would leave
one line alone at its foot or atop the next page (orphans, widows), or where
a heading would stand last. A typesetter fills those lines from the page
itself (伸行): a paragraph that ends on the page is set one line longer
(SetLines.longer), which adds a line to the page and moves nothing overleaf.
The paragraphs that can give a line most evenly spread are taken first.

Where no paragraph ending on a short page can be set longer, the page is
filled the other way: the paragraph that opens the next page may leave one
line alone at a page's foot or top (孤行: orphans and widows of 1), and the
build names the pages where it did (`accepted_pages`), so that the
preflight reports that line as accepted rather than the page as short.
"""

import math
from dataclasses import dataclass

from weasyprint import Document
from weasyprint.formatting_structure import boxes

from ...tree import Book, Paragraph
from ..pagemap import page_tops
from .labels import folios
from .pages import Page, heading_numbers, page_chapter, traced


@dataclass(frozen=True)
class Short:
    """A page (0-based, in the layout) that ends `lines` grid lines above its foot."""

    page: int
    lines: int


def lowest(box) -> float:
    """The bottom of the lowest line or image of the page's flow."""
    found = box.position_y + box.margin_height() if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)) else 0.0
    return max([found] + [lowest(child) for child in getattr(box, "children", ())])


def short_pages(document: Document, pitch: float) -> list[Short]:
    """The pages that end short although their chapter goes on overleaf (not its last page, nor one
    before a blank page or the book's end)."""
    pages = document.pages
    found = []
    for number, (page, following) in enumerate(zip(pages, pages[1:])):
        box, after = page._page_box, following._page_box
        chapter = page_chapter(box)
        if chapter is None or after.page_type.blank or page_chapter(after) != chapter:
            continue
        notes = [child for child in box.children if isinstance(child, boxes.FootnoteAreaBox) and child.children]
        foot = notes[0].position_y if notes else box.content_box_y() + box.height
        empty = math.floor((foot - lowest(box.children[0])) / pitch + 0.01)
        if empty >= 1:
            found.append(Short(number, empty))
    return found


def ending_on(document: Document, number: int, book: Book) -> list[tuple[str, int]]:
    """(chapter id, block number) of the set paragraphs whose last line is on page `number`."""
    headings = heading_numbers(book)
    here = [(chapter, block) for box, chapter, block in traced(document.pages[number]._page_box, headings)
            if isinstance(box, boxes.LineBox)]
    overleaf = {(chapter, block) for box, chapter, block in traced(document.pages[number + 1]._page_box, headings)}
    return [key for key in dict.fromkeys(here) if key not in overleaf]


def paragraphs_by_key(book: Book) -> dict[tuple[str, int], object]:
    """(chapter id, block number) → the block, as `traced` names them."""
    return {(chapter.id, number): block for chapter in book.chapters for number, block in enumerate(page_tops(chapter))}


def opening(document: Document, number: int, book: Book, blocks: dict) -> Paragraph | None:
    """The first set paragraph on page `number` (under a heading that opens it, if one does)."""
    keys = (key for _, *key in traced(document.pages[number]._page_box, heading_numbers(book)))
    return next((blocks[key] for key in map(tuple, keys) if isinstance(blocks.get(key), Paragraph)), None)


def accepted_pages(pages: list[Page], book: Book, loose: set[Paragraph]) -> list[int]:
    """The body folios of the pages (`pages.summary`) holding a line of a paragraph allowed to leave a
    line alone."""
    blocks = paragraphs_by_key(book)
    loosened = {id(paragraph) for paragraph in loose}
    return [number for page, (style, number) in zip(pages, folios([page.name for page in pages]))
            if style == "D" and any(id(blocks.get((chapter, block))) in loosened for chapter, block, _ in page.blocks)]


def fill_short_pages(document: Document, book: Book, lines, pitch: float, done: set[Paragraph],
                     loose: set[Paragraph]) -> list[Short]:
    """Set paragraphs of each short page longer in `lines` (typeset.SetLines), as many as the page has
    lines to fill, each by one line and once (`done`, which this adds them to); where none can be, let
    the next page's first paragraph leave a line alone (`loose`, which this adds it to). The short pages."""
    blocks = paragraphs_by_key(book)
    found = short_pages(document, pitch)
    for short in found:
        options = []
        for key in ending_on(document, short.page, book):
            paragraph = blocks.get(key)
            if isinstance(paragraph, Paragraph) and paragraph not in done and (set_ := lines.longer(paragraph)):
                options.append((lines.spread(set_[0]), key, paragraph, set_))
        for _, _, paragraph, set_ in sorted(options, key=lambda o: o[:2])[:short.lines]:
            lines[paragraph] = set_
            done.add(paragraph)
        if not options and (paragraph := opening(document, short.page + 1, book, blocks)) is not None:
            loose.add(paragraph)
    return found
