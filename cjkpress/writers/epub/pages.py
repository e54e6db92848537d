"""The print edition's pages in the EPUB: a page-break marker where each printed body page begins."""

from lxml import etree

from ...tree import Book, Chapter, Paragraph
from ..pagemap import PageStart, PageTop, page_tops

XHTML_NS = "http://www.w3.org/1999/xhtml"
HEADINGS = [f"{{{XHTML_NS}}}h{level}" for level in range(1, 7)]
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

Break = tuple[PageStart, PageTop]


def page_breaks(book: Book, starts: list[PageStart]) -> dict[str, list[Break]]:
    """The printed body pages by chapter id, each with the block it begins with."""
    tops = {chapter.id: page_tops(chapter) for chapter in book.chapters}
    breaks: dict[str, list[Break]] = {}
    for start in starts:
        if not 0 <= start.block < len(tops.get(start.chapter, ())):
            raise ValueError(f"printed page {start.label} begins at block {start.block} of {start.chapter}, "
                             "which has no such heading or paragraph")
        breaks.setdefault(start.chapter, []).append((start, tops[start.chapter][start.block]))
    return breaks


def page_id(start: PageStart) -> str:
    return f"page-{start.label}"


def mark_pages(data: bytes, chapter: Chapter, breaks: list[Break]) -> bytes:
    """The chapter document with a page-break marker where each of its printed pages begins.

    A heading's page begins before the heading (outside it, so that the
    marker's label does not join the heading's name); a paragraph's, `offset`
    characters into its text, a run-in head may be split. Paragraphs are found
    by their text: the k-th of equal texts for the k-th such paragraph.
    """
    root = etree.fromstring(data)
    paragraphs = root.findall(f".//{{{XHTML_NS}}}p")
    previous = None
    for start, block in breaks:
        marker = etree.Element(f"{{{XHTML_NS}}}span", {EPUB_TYPE: "pagebreak", "role": "doc-pagebreak",
                                                      "id": page_id(start), "aria-label": start.label})
        if previous and (previous[0].block, previous[0].offset) == (start.block, start.offset):
            # A blank page begins where the next does: its marker comes just before.
            marker.tail, previous[1].tail = previous[1].tail, None
            previous[1].addnext(marker)
        elif isinstance(block, Paragraph):
            twins = [p for p in chapter.paragraphs() if p.text == block.text]
            element = [e for e in paragraphs if "".join(e.itertext()) == block.text][twins.index(block)]
            if insert(element, start.offset, marker) >= 0:
                raise ValueError(f"printed page {start.label} begins past the end of its paragraph "
                                 f"(line {block.line} of {chapter.source or chapter.id})")
        else:
            (element,) = root.xpath("//*[@id=$id]", id=block.id)  # a heading, or the section it opens
            next(element.iter(*HEADINGS)).addprevious(marker)
        previous = (start, marker)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def insert(element: etree._Element, offset: int, marker: etree._Element) -> int:
    """Put `marker` `offset` characters into the text of `element`: -1 when done, else the characters left over."""
    text = element.text or ""
    if offset <= len(text):
        element.text, marker.tail = text[:offset], text[offset:]
        element.insert(0, marker)
        return -1
    offset -= len(text)
    for index, child in enumerate(element):
        if (offset := insert(child, offset, marker)) < 0:
            return -1
        tail = child.tail or ""
        if offset <= len(tail):
            child.tail, marker.tail = tail[:offset], tail[offset:]
            element.insert(index + 1, marker)
            return -1
        offset -= len(tail)
    return offset
