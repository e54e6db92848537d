"""The document tree every writer shares: plain data, no behaviour beyond naming.

Ids are ASCII and stable (`preface`, `ch-1`, `ch-1-2`, `conclusion`) so that
links, bookmarks and EPUB fragment ids survive any reader.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Paragraph:
    text: str  # the paragraph exactly as published, without its indent
    line: int  # source line, for messages
    lead: str = ""  # run-in head: a prefix of `text` set in the heading face

    @property
    def rest(self) -> str:
        return self.text[len(self.lead):]


@dataclass(frozen=True)
class Figure:
    path: Path  # a local file inside the book folder
    alt: str
    line: int


Block = Paragraph | Figure


@dataclass
class Section:
    id: str
    number: str  # as published: "（一）"
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.number + self.title


@dataclass
class Chapter:
    id: str
    number: str  # "一、", or "" for 前言 and 结束语
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)  # before the first section
    sections: list[Section] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.number + self.title

    def paragraphs(self) -> list[Paragraph]:
        blocks = self.blocks + [b for s in self.sections for b in s.blocks]
        return [b for b in blocks if isinstance(b, Paragraph)]


@dataclass(frozen=True)
class Metadata:
    title: str
    date: str  # W3C date, e.g. "2023-03"
    date_label: str  # as printed in the title block: "2023年3月"
    creator: str
    publisher: str
    language: str
    identifier: str
    subtitle: str = ""
    description: str = ""
    source_note: str = ""  # the news agency's lead-in, kept for the colophon


@dataclass(frozen=True)
class Design:
    page_width: float  # mm
    page_height: float  # mm
    body_font: str  # fontconfig family names
    heading_font: str
    font_size: float = 10.5  # pt: 五号
    line_height: float = 1.75  # times the font size


@dataclass
class Book:
    slug: str  # names the outputs
    source: Path
    metadata: Metadata
    design: Design
    chapters: list[Chapter]

    def paragraphs(self) -> list[Paragraph]:
        return [p for c in self.chapters for p in c.paragraphs()]


@dataclass(frozen=True)
class PageStart:
    """Where a printed page of the PDF begins, in terms of the tree (for the EPUB's page list).

    `line` is the source line of the block at the top of the page (a chapter
    or section heading, or a paragraph); `offset` counts the characters of that
    paragraph set on earlier pages (0 when the page begins with the block).
    """

    label: str  # the folio printed on the page
    line: int
    offset: int = 0
