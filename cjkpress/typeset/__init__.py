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

from dataclasses import dataclass, replace

from ..design import Design, grid
from ..tree import Book, Box, CodeBlock, Definitions, ListBlock, Note, Paragraph, Quote, Table
from .code import CodeLine, set_code
from .setter import Segment, Setter
from .shaper import Shaper
from .table import SetTable, set_table

# A paragraph or a note → its parts (more than one after a forced line break) → their lines → the runs
# of each line; a code block → its lines; a table → its columns and cells.
SetLines = dict[Paragraph | Note | CodeBlock | Table, list[list[list[Segment]]] | list[CodeLine] | SetTable]
NOTE_MARK_SPACE = "\u2002"  # an en space between a footnote's mark and its text (print.css)
CODE_PADDING = 2  # columns: the half em of code face on either side of a code block
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
    layout = grid(design)
    lines: SetLines = {}
    small = layout.font_size / layout.note_size  # notes and tables are set in the note size
    notes = Setter(shaper, layout.chars * small, indent=0)

    def walk(blocks, place: Place) -> None:
        setter = Setter(shaper, place.measure, place.indent, place.style)
        # A listing's file name and caption: unindented, the caption in the heading face.
        roles = {"label": Setter(shaper, place.measure, 0, place.style),
                 "caption": Setter(shaper, place.measure, 0, "strong")}
        for block in blocks:
            if isinstance(block, Paragraph):
                lines[block] = roles.get(block.role, setter).pieces(block.content)
                for note in block.notes:
                    notes.indent = shaper.width(note.mark + NOTE_MARK_SPACE, "plain", False)
                    lines[note] = notes.pieces(note.content)
            elif isinstance(block, CodeBlock):
                width = int(place.measure * layout.font_size / (layout.code_size / 2)) - CODE_PADDING
                lines[block] = set_code(block, width)
            elif isinstance(block, Table):
                cells = Setter(shaper, 0, indent=0, style=place.style), Setter(shaper, 0, indent=0, style="strong")
                lines[block] = set_table(block, *cells, place.measure * small)
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

    body = Place(layout.chars)
    for chapter in book.chapters:
        walk(chapter.blocks + [b for section in chapter.sections for b in section.blocks], body)
    return lines


__all__ = ["LIST_INDENT", "CodeLine", "SetLines", "SetTable", "Segment", "Setter", "Shaper", "set_paragraphs"]
