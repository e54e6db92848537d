"""The line setter: every paragraph set into lines after clreq, before any template sees it.

`shaper.py` measures text in the faces the PDF embeds; `setter.py` holds the
rules (units, compression, line-start and line-end marks, Han–Latin spacing,
justification). The PDF's templates receive the lines as they are set here.
Where a paragraph stands decides its measure and first-line indent: the
body's (the grid's width, 2 em), a list item's (2 em narrower a level, no
indent), a block quote's (2 em narrower, in the 楷体 face), a footnote's (the
grid's width in the note size, its first line after its mark), a table
cell's (its column's, table.py). Code blocks are highlighted and cut to
their measure too (code.py).
"""

import math
from dataclasses import dataclass, replace

from ..design import BACK_COVER_INDENT, TITLES, Design, grid
from ..tree import Book, Box, CodeBlock, Definitions, ListBlock, Listing, Paragraph, Quote, Table, Text
from .code import CodeLine, SetCode, set_code
from .setter import EPSILON, Segment, Setter, balanced, is_han
from .shaper import Shaper
from .table import SetTable, set_table
from .vertical import VerticalRun, vertical


class SetLines(dict):
    """What the pages print, set: a paragraph or a note → its parts (more than one after a forced line
    break) → their lines → the runs of each line; a code block → its lines; a table → its columns and
    cells; a listing → whether it is kept on one page.

    Looked up when first asked for (some, the 印张, come from the finished layout): a (place, title) of
    TITLES (the book's title on the cover, a chapter's heading) → its lines, balanced on the measure;
    any other text the pages print (a line of a title, a 目录 line, a caption, a date, the 版权页's
    fields) → the runs of one line set by the same rules, unbroken and not justified (marks compressed,
    a quarter em between Han and Latin); ("spine", text) → its runs down the cover's spine (vertical.py);
    a (place, text) of `paragraphs` (the back cover's description) → a paragraph's lines at its measure."""

    def __init__(self, runs: Setter, titles: dict[str, tuple[float, float]], note_hang: float,
                 paragraphs: dict[str, Setter] | None = None):
        super().__init__()
        self.paragraphs = paragraphs or {}  # place → what sets a paragraph there
        self.setters: dict[Paragraph, Setter] = {}  # what set each paragraph: to set it again, longer
        # paragraph → (its lines, what `longer` made of them): each layout of a fill asks again
        self.lengthened: dict[Paragraph, tuple] = {}
        self.runs = runs
        self.titles = titles  # place → (measure, tracking) in em of its size
        self.note_hang = note_hang  # em of the note size: what a footnote's mark hangs in

    @staticmethod
    def spread(lines: list[list[Segment]]) -> float:
        """The most that justification sets the Han characters of `lines` apart (em)."""
        return max((s.spacing for line in lines for s in line if any(map(is_han, s.text))), default=0.0)

    def longer(self, paragraph: Paragraph) -> list[list[list[Segment]]] | None:
        """伸行: `paragraph` set one line longer than it is here, its Han characters spread LONGER em
        apart at most (the least loosening that gains the line), or None if it cannot be. Not a
        paragraph of several parts, nor one that calls notes (a call moved overleaf takes its note)."""
        pieces = self.get(paragraph)
        made = self.lengthened.get(paragraph)
        if made is None or made[0] is not pieces:
            made = self.lengthened[paragraph] = pieces, self.lengthen(paragraph, pieces)
        return made[1]

    def lengthen(self, paragraph: Paragraph, pieces) -> list[list[list[Segment]]] | None:
        """`longer`, made: `pieces` (the paragraph's lines now) set again on shorter measures till one
        gains a line."""
        setter = self.setters.get(paragraph)
        if setter is None or pieces is None or len(pieces) != 1 or paragraph.notes:
            return None
        for step in range(1, math.ceil(LONGER * setter.measure / LOOSEN_STEP) + 1):
            found = replace(setter, loosen=step * LOOSEN_STEP).pieces(paragraph.content)
            if len(found[0]) > len(pieces[0]):
                good = len(found[0]) == len(pieces[0]) + 1 and self.spread(found[0]) <= LONGER + EPSILON
                return found if good else None
        return None

    def __missing__(self, key):
        if isinstance(key, tuple) and key[0] in self.titles:
            place, title = key
            value = balanced(replace(self.runs, style="strong"), title, *self.titles[place])
        elif isinstance(key, tuple) and key[0] == "spine":
            shaper = self.runs.shaper
            value = vertical(key[1], lambda run: shaper.width(run, "strong", False), shaper.em_box_drop("strong"))
        elif isinstance(key, tuple) and key[0] in self.paragraphs:
            value = self.paragraphs[key[0]].pieces((Text(key[1]),))
        elif isinstance(key, str):
            value = [s for piece in self.runs.pieces((Text(key),)) for line in piece for s in line]
        else:
            raise KeyError(key)
        self[key] = value
        return value

LONGER = 0.06  # em a paragraph set a line longer may spread its Han characters: two more a line of 38
LOOSEN_STEP = 0.25  # em: how much shorter, step by step, a paragraph set longer is broken for
NOTE_MARK_SPACE = 0.5  # em: an en space between a footnote's mark and its text
CODE_PADDING = 2  # columns: the half em of code face on either side of a code block
LIST_INDENT = 2  # em a list, a quote or a definition is set in from the text around it
SHORT_BLOCK = 1 / 4  # of a page's lines: a code block or a table no longer is not broken across pages


def fits_on_a_page(listing: Listing, lines: SetLines, page_lines: int) -> bool:
    """Whether a listing (its code with its file name and caption) fits on a page, so is kept on one; a
    longer one breaks where the page ends rather than leave a page empty. A code block takes its lines
    and a line of margins; anything but code and text counts as a page."""
    count = sum(len(lines[b].lines) + 1 if isinstance(b, CodeBlock) else
                sum(len(piece) for piece in lines[b]) if isinstance(b, Paragraph) else page_lines
                for b in listing.blocks)
    return count <= page_lines


@dataclass(frozen=True)
class Place:
    """Where a paragraph stands: its measure and first-line indent in em, and the style of its text."""

    measure: float
    indent: float = 2
    style: str = "plain"


def set_paragraphs(book: Book, design: Design) -> SetLines:
    """Each paragraph of `book` set for the place it stands in, on `design`'s grid."""
    shaper = Shaper(design, book.metadata.language)
    layout = grid(design)
    small = layout.font_size / layout.note_size  # notes and tables are set in the note size
    # A footnote's mark hangs: its lines, set to the measure less the widest mark, align after it.
    marks = {note.mark for chapter in book.chapters for note in chapter.notes()}
    hang = max((shaper.width(mark, "plain", False) for mark in marks), default=0.0) + NOTE_MARK_SPACE
    titles = {place: (layout.chars * layout.font_size / size - indent, tracking)
              for place, (size, tracking, indent) in TITLES.items()}
    back = Setter(shaper, layout.chars - 2 * BACK_COVER_INDENT)
    lines = SetLines(Setter(shaper, math.inf, indent=0), titles, round(hang, 3), {"back-cover": back})
    notes = Setter(shaper, layout.chars * small - lines.note_hang, indent=0)

    def walk(blocks, place: Place) -> None:
        setter = Setter(shaper, place.measure, place.indent, place.style)
        # A listing's file name and caption: unindented, the caption in the heading face.
        roles = {"label": Setter(shaper, place.measure, 0, place.style),
                 "caption": Setter(shaper, place.measure, 0, "strong")}
        for block in blocks:
            if isinstance(block, Paragraph):
                lines.setters[block] = roles.get(block.role, setter)
                lines[block] = lines.setters[block].pieces(block.content)
                for note in block.notes:
                    lines[note] = notes.pieces(note.content)
            elif isinstance(block, CodeBlock):
                width = int(place.measure * layout.font_size / (layout.code_size / 2)) - CODE_PADDING
                code = set_code(block, width)
                lines[block] = SetCode(code, whole=len(code) <= layout.lines * SHORT_BLOCK)
            elif isinstance(block, Table):
                cells = Setter(shaper, 0, indent=0, style=place.style), Setter(shaper, 0, indent=0, style="strong")
                table = set_table(block, *cells, place.measure * small)
                lines[block] = replace(table, whole=table.height <= layout.lines * SHORT_BLOCK)
            elif isinstance(block, Box):
                walk(block.blocks, place)
            elif isinstance(block, Listing):
                walk(block.blocks, place)
                lines[block] = fits_on_a_page(block, lines, layout.lines)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item.blocks, replace(place, measure=place.measure - LIST_INDENT, indent=0))
            elif isinstance(block, Quote):
                walk(block.blocks, replace(place, measure=place.measure - LIST_INDENT, style="emphasis"))
            elif isinstance(block, Definitions):
                for _, definition in block.items:
                    walk(definition, replace(place, measure=place.measure - LIST_INDENT, indent=0))

    body = Place(layout.chars)
    for chapter in book.chapters:
        walk(chapter.blocks + [b for section in chapter.sections for b in section.blocks], body)
    return lines


__all__ = ["LIST_INDENT", "VerticalRun", "CodeLine", "SetCode", "SetLines", "SetTable", "Segment", "Setter", "Shaper",
           "set_paragraphs"]
