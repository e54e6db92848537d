"""The line setter: every body paragraph set into lines after clreq, before any template sees it.

`shaper.py` measures text in the faces the PDF embeds; `setter.py` holds the
rules (units, compression, line-start and line-end marks, Han–Latin spacing,
justification). The PDF's templates receive the lines as they are set here.
"""

from ..design import Design, grid
from ..tree import Book, Paragraph
from .setter import Segment, Setter
from .shaper import Shaper

SetLines = dict[Paragraph, list[list[Segment]]]  # a paragraph → its lines → the runs of each line


def set_paragraphs(book: Book, design: Design) -> SetLines:
    """Each paragraph of `book` set on the measure of `design`'s grid."""
    setter = Setter(Shaper.for_design(design, book.metadata.language), grid(design).chars)
    return {paragraph: setter.lines(paragraph) for paragraph in book.paragraphs()}


__all__ = ["SetLines", "Segment", "Setter", "Shaper", "set_paragraphs"]
