"""齐脚: every page whose chapter goes on overleaf ends on the grid's last line.

WeasyPrint leaves a page a line or two short where a paragraph would leave
one line alone at its foot or atop the next page (orphans, widows), or where
a heading would stand last. A typesetter fills those lines from the page
itself (伸行): a paragraph that ends on the page is set one line longer
(SetLines.longer), which adds a line to the page and moves nothing overleaf.
The paragraphs that can give a line most evenly spread are taken first.
"""

import math
from dataclasses import dataclass

from weasyprint import Document
from weasyprint.formatting_structure import boxes

from ...tree import Book, Paragraph
from ..pagemap import page_tops
from .pages import heading_numbers, page_chapter, traced


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


def fill_short_pages(document: Document, book: Book, lines, pitch: float, done: set[Paragraph]) -> list[Short]:
    """Set paragraphs of each short page longer in `lines` (typeset.SetLines), as many as the page has
    lines to fill, each by one line and once (`done`, which this adds them to); the short pages."""
    blocks = {(chapter.id, number): block for chapter in book.chapters
              for number, block in enumerate(page_tops(chapter))}
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
    return found
