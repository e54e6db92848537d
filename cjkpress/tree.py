"""The document tree every writer shares: plain data, no behaviour beyond naming.

Ids are ASCII and stable (`preface`, `ch-1`, `ch-1-2`, `conclusion`) so that
links, bookmarks and EPUB fragment ids survive any reader.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Note:
    id: str  # "note-1", … in reading order
    mark: str  # as published: "①"
    text: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    text: str  # the paragraph exactly as published, without its indent
    line: int  # source line, for messages
    lead: str = ""  # run-in head: a prefix of `text` set in the heading face
    notes: tuple[Note, ...] = ()  # the notes its marks (①…) refer to, in order

    @property
    def rest(self) -> str:
        return self.text[len(self.lead):]


@dataclass(frozen=True)
class Figure:
    path: Path | None  # a local file inside the book folder; None when only the caption is known
    alt: str
    line: int
    caption: str = ""  # as published: "图1 中国网民规模"


@dataclass(frozen=True)
class Subheading:
    """A heading below the section: `1.核政策`, or a list heading inside an appendix."""

    id: str
    number: str
    title: str
    line: int
    in_toc: bool  # listed in the 目录 (then in the bookmarks and the nav too)

    @property
    def heading(self) -> str:
        return self.number + self.title


@dataclass
class Box:
    """A boxed aside (专栏): its title line and the paragraphs that follow it."""

    id: str
    title: str
    line: int
    blocks: list["Paragraph | Figure"] = field(default_factory=list)


Block = Paragraph | Figure | Subheading | Box


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
    number: str  # "一、" or "附录1：", or "" for 前言 and 结束语
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)  # before the first section
    sections: list[Section] = field(default_factory=list)
    kind: str = "chapter"  # preface, chapter, conclusion or appendix

    @property
    def heading(self) -> str:
        return self.number + self.title

    def blocks_in_order(self) -> list[Block]:
        """Every block, boxes opened: the reading order of the chapter's content."""
        flat = []
        for block in self.blocks + [b for s in self.sections for b in s.blocks]:
            flat.append(block)
            if isinstance(block, Box):
                flat.extend(block.blocks)
        return flat

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks_in_order() if isinstance(b, Paragraph)]


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents: what the 目录, the bookmarks and the nav list."""

    id: str
    heading: str
    line: int
    children: tuple["TocEntry", ...] = ()

    def flat(self) -> list["TocEntry"]:
        return [self] + [entry for child in self.children for entry in child.flat()]


def contents(chapters: list[Chapter]) -> list[TocEntry]:
    """Chapters, their sections, and the third-level headings the 目录 lists."""

    def listed(blocks) -> tuple[TocEntry, ...]:
        return tuple(TocEntry(b.id, b.heading, b.line) for b in blocks if isinstance(b, Subheading) and b.in_toc)

    return [
        TocEntry(c.id, c.heading, c.line, listed(c.blocks) + tuple(TocEntry(s.id, s.heading, s.line, listed(s.blocks)) for s in c.sections))
        for c in chapters
    ]


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
    credit: str = ""  # a closing credit after the text, "（新华社北京3月16日电）"


@dataclass(frozen=True)
class Design:
    page_width: float  # mm
    page_height: float  # mm
    body_font: str  # fontconfig family names
    heading_font: str
    fallback_font: str = ""  # for characters the other two lack; "" for none
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

    def contents(self) -> list[TocEntry]:
        return contents(self.chapters)


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
