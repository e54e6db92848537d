"""The document tree: what every reader produces and every writer reads.

Plain data that imports nothing of cjkpress: blocks (headings, paragraphs,
figures, boxes) hold inline nodes (text, strong, note calls). Ids are ASCII
and stable (`preface`, `ch-1`, `ch-1-2`, `conclusion`) so that links,
bookmarks and EPUB fragment ids survive any reader.
"""

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    """Set in the heading face; at a paragraph's start, its run-in head."""

    content: tuple["Inline", ...]


@dataclass(frozen=True)
class Note:
    id: str  # "note-1", … in reading order
    mark: str  # as published: "①"
    text: str
    line: int


@dataclass(frozen=True)
class NoteRef:
    """A note's call: its mark, printed where the text refers to the note."""

    note: Note


Inline = Text | Strong | NoteRef


def plain(content: tuple[Inline, ...]) -> str:
    """The text of inline nodes as published: a note call is its mark."""
    return "".join(
        node.text if isinstance(node, Text) else node.note.mark if isinstance(node, NoteRef) else plain(node.content)
        for node in content
    )


def note_refs(content: tuple[Inline, ...]) -> list[Note]:
    """The notes `content` calls, in order."""
    notes = []
    for node in content:
        if isinstance(node, NoteRef):
            notes.append(node.note)
        elif isinstance(node, Strong):
            notes.extend(note_refs(node.content))
    return notes


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    line: int  # source line, for messages

    @property
    def text(self) -> str:
        """The paragraph exactly as published, without its indent."""
        return plain(self.content)

    @property
    def lead(self) -> str:
        """Its run-in head: the text of a Strong it opens with, else ""."""
        first = self.content[0] if self.content else None
        return plain(first.content) if isinstance(first, Strong) else ""

    @property
    def notes(self) -> list[Note]:
        return note_refs(self.content)


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

    def notes(self) -> list[Note]:
        """The notes its paragraphs call, in reading order."""
        return [note for p in self.paragraphs() for note in p.notes]


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


@dataclass
class Book:
    slug: str  # names the outputs
    source: Path
    metadata: Metadata
    chapters: list[Chapter]

    def paragraphs(self) -> list[Paragraph]:
        return [p for c in self.chapters for p in c.paragraphs()]

    def figures(self) -> list[Figure]:
        """The figures with an image (a caption alone is text), in reading order."""
        return [b for c in self.chapters for b in c.blocks_in_order() if isinstance(b, Figure) and b.path]

    def contents(self) -> list[TocEntry]:
        return contents(self.chapters)
