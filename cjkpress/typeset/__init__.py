"""The line setter: every paragraph set into lines after clreq, before any template sees it.

`shaper.py` measures text in the faces the PDF embeds; `setter.py` holds the
rules (units, compression, line-start and line-end marks, Han–Latin spacing,
justification). The PDF's templates receive the lines as they are set here.
Where a paragraph stands decides its measure and first-line indent: the
body's (the grid's width, 2 em), a list item's (2 em narrower a level, no
indent), a block quote's (2 em narrower, in the 楷体 face).
"""

from dataclasses import dataclass, replace

from ..design import Design, grid
from ..tree import Book, Box, Definitions, ListBlock, Paragraph, Quote
from .setter import Segment, Setter
from .shaper import Shaper

# A paragraph → its parts (more than one after a forced line break) → their lines → the runs of each line.
SetLines = dict[Paragraph, list[list[list[Segment]]]]
LIST_INDENT = 2  # em a list, a quote or a definition is set in from the text around it


@dataclass(frozen=True)
class Place:
    """Where a paragraph stands: its measure and first-line indent in em, and the style of its text."""

    measure: float
    indent: float = 2
    style: str = "plain"


def set_paragraphs(book: Book, design: Design) -> SetLines:
    """Each paragraph of `book` set for the place it stands in, on `design`'s grid."""
    shaper = Shaper(design, book.metadata.language)
    lines: SetLines = {}

    def walk(blocks, place: Place) -> None:
        setter = Setter(shaper, place.measure, place.indent, place.style)
        for block in blocks:
            if isinstance(block, Paragraph):
                lines[block] = setter.pieces(block)
            elif isinstance(block, Box):
                walk(block.blocks, place)
            elif isinstance(block, ListBlock):
                for item in block.items:
                    walk(item.blocks, replace(place, measure=place.measure - LIST_INDENT, indent=0))
            elif isinstance(block, Quote):
                walk(block.blocks, replace(place, measure=place.measure - LIST_INDENT, style="emphasis"))
            elif isinstance(block, Definitions):
                for _, definition in block.items:
                    walk(definition, replace(place, measure=place.measure - LIST_INDENT, indent=0))

    body = Place(grid(design).chars)
    for chapter in book.chapters:
        walk(chapter.blocks + [b for section in chapter.sections for b in section.blocks], body)
    return lines


__all__ = ["LIST_INDENT", "SetLines", "Segment", "Setter", "Shaper", "set_paragraphs"]
