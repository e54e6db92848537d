"""The book's design: page size, faces and type size, and the page grid (版心) they make.

The design comes from book.yaml; every writer that lays out pages takes its
numbers from `grid`, the one function that computes the type area.
"""

import math
from dataclasses import dataclass
from functools import cache

from .tree import Book, Box, Chapter, CodeBlock, Definitions, Figure, Paragraph, Quote, Subheading, Table, children, runs

PT_PER_MM = 72 / 25.4
CODE_COLUMNS = 80  # what a code line is written for
CODE_MAX = 9.5  # pt: code is never larger than this, however wide the measure
# Titles in the heading face, the book's on the cover and the title page, and the headings: (size in pt,
# letter-spacing in em, first-line indent in em); print.css sets them from these (--cover-title-size…),
# the setter balances their lines on the measure.
TITLES = {"cover": (26, 0.08, 0), "title-page": (20, 0.0, 0), "chapter-title": (16, 0.0, 0),
          "section-title": (12, 0.0, 0), "subheading": (11, 0.0, 2)}
BACK_COVER_INDENT = 4  # em the back cover's description is set in from the type area on either side
NOTE_RATIO = 9 / 10.5  # notes a size below the text: 小五 under 五号
SLACK = 0.05  # pt the type area has beyond its lines, so that rounding never leaves the last one out


@dataclass(frozen=True)
class Design:
    page_width: float  # mm
    page_height: float  # mm
    body_font: str  # fontconfig family names
    heading_font: str
    fallback_font: str = ""  # for characters the other faces lack; "" for none
    emphasis_font: str = "LXGW WenKai"  # a 楷体 face for emphasis and block quotes
    code_font: str = "Noto Sans Mono CJK SC"
    font_size: float = 10.5  # pt: 五号
    line_height: float = 1.75  # times the font size
    toc_depth: int = 2  # heading levels in the 目录, the bookmarks and the nav (Markdown books)
    running_heads: str = "book"  # over left and right pages: "book" (title, chapter) or "chapter" (chapter, section)
    section_heads_after: int = 6  # pages: a longer chapter's right-hand heads are its sections' titles
    signature: int = 16  # pages a folded sheet makes: the print edition's book block is a multiple
    paper: float = 0.09  # mm: a leaf of the book block (two pages), for the cover's spine
    note_numbering: str = "chapter"  # the PDF's note marks run through a "chapter" or start again each "page"

    def family(self, style: str) -> tuple[str, bool]:
        """(fontconfig family, bold) of the face text of `style` (tree.STYLES) is set in."""
        return {"plain": (self.body_font, False), "strong": (self.heading_font, True),
                "emphasis": (self.emphasis_font, False), "code": (self.code_font, False)}[style]


# The book.yaml key that names each style's face, for messages.
STYLE_KEYS = {"plain": "body_font", "strong": "heading_font", "emphasis": "emphasis_font", "code": "code_font"}


@dataclass(frozen=True)
class Grid:
    """The type area (版心): a whole number of characters per line and lines per page."""

    chars: int
    lines: int
    font_size: float  # pt
    line_pitch: float  # pt
    margin_top: float  # pt
    margin_bottom: float
    margin_inside: float
    margin_outside: float
    code_size: float  # pt: code blocks fit CODE_COLUMNS half-width characters into the measure when they can
    note_size: float  # pt: footnotes
    # Page furniture, on lines of the grid's pitch: the running head's line stands 1.5 pitches above the
    # first line (centre to centre), the 眉线 halfway between the head's line and the text's; the folio's
    # line 1.5 pitches below the last line.
    head_rule: float  # pt: the 眉线 above the type area
    head_gap: float  # pt: between the head's line and the 眉线
    folio_gap: float  # pt: between the type area and the folio's line


@cache
def grid(design: Design, min_side: float = 22, min_top: float = 24, min_bottom: float = 22) -> Grid:
    """Fit the largest whole grid inside the minimum margins (mm), inner margin a little wider."""
    width = design.page_width * PT_PER_MM
    height = design.page_height * PT_PER_MM
    pitch = design.font_size * design.line_height
    chars = math.floor((width - 2 * min_side * PT_PER_MM) / design.font_size)
    # Every line, the last too, is a box a pitch high (the glyphs centred in it): the type area WeasyPrint
    # fills is the lines' boxes.
    lines = math.floor((height - (min_top + min_bottom) * PT_PER_MM) / pitch)
    spare_w = width - chars * design.font_size
    spare_h = height - lines * pitch
    top = min_top * PT_PER_MM + (spare_h - (min_top + min_bottom) * PT_PER_MM) / 2
    return Grid(
        chars=chars,
        lines=lines,
        font_size=design.font_size,
        line_pitch=pitch,
        margin_top=round(top, 3),
        margin_bottom=round(spare_h - top - SLACK, 3),
        margin_inside=round(spare_w * 0.52, 3),
        margin_outside=round(spare_w * 0.48, 3),
        code_size=round(min(CODE_MAX, chars * design.font_size / (CODE_COLUMNS / 2)), 2),
        note_size=round(design.font_size * NOTE_RATIO, 2),
        head_rule=round(pitch / 4, 3),
        head_gap=round(pitch / 4, 3),
        folio_gap=round(pitch / 2, 3),
    )


def texts(chapter: Chapter):
    """(text, source line, style) of everything a chapter prints: the style names its face."""
    yield chapter.heading, chapter.line, "strong"
    for section in chapter.sections:
        yield section.heading, section.line, "strong"
    yield from block_texts(chapter.blocks + [b for s in chapter.sections for b in s.blocks])


def block_texts(blocks: list, style: str = "plain"):
    for block in blocks:
        line = getattr(block, "line", 0)
        if isinstance(block, Paragraph):
            yield from ((text, line, s) for text, s in runs(block.content, style))
            for note in block.notes:
                yield from ((text, note.line, s) for text, s in runs(note.content))
        elif isinstance(block, Subheading):
            yield block.heading, line, "strong"
        elif isinstance(block, Figure):
            yield block.caption, line, "strong"
        elif isinstance(block, Box):
            yield block.title, line, "strong"
            yield from block_texts(block.blocks, style)
        elif isinstance(block, CodeBlock):
            yield block.text, line, "code"
        elif isinstance(block, Quote):
            yield from block_texts(block.blocks, "emphasis")  # quotes are set in the 楷体 face
        elif isinstance(block, Table):
            for cell in block.header:
                yield from ((text, line, s) for text, s in runs(cell, "strong"))
            for cell in (cell for row in block.rows for cell in row):
                yield from ((text, line, s) for text, s in runs(cell, style))
        elif isinstance(block, Definitions):
            for term, definition in block.items:
                yield from ((text, line, s) for text, s in runs(term, "strong"))
                yield from block_texts(definition, style)
        else:
            yield from block_texts(children(block), style)


def styles(book: Book) -> set[str]:
    """The styles (tree.STYLES) the book's text is set in: the faces it needs."""
    return {style for chapter in book.chapters for text, _, style in texts(chapter) if text}
