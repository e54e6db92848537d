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
    """Set in the heading face (黑体 style); at a paragraph's start, its run-in head."""

    content: tuple["Inline", ...]


@dataclass(frozen=True)
class Emphasis:
    """Set in a 楷体 face: Han text is never slanted."""

    content: tuple["Inline", ...]


@dataclass(frozen=True)
class Strikethrough:
    content: tuple["Inline", ...]


@dataclass(frozen=True)
class Styled:
    """Inline HTML a reader lets through: `tag` is one of STYLED_TAGS."""

    tag: str
    content: tuple["Inline", ...]


STYLED_TAGS = ("sup", "sub", "u", "kbd", "mark")


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    content: tuple["Inline", ...]
    target: str  # "#id" of a heading or figure in the book, or an absolute http(s)/mailto URL

    @property
    def internal(self) -> bool:
        return self.target.startswith("#")


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class Image:
    """An image inside a line of text; a local file of the book."""

    path: Path
    alt: str


# ①…⑳ then ㉑…㊿: note marks, as Chinese books number them (through a chapter, or a page).
NOTE_MARKS = [chr(c) for c in range(0x2460, 0x2474)] + [chr(c) for c in range(0x3251, 0x3260)] + \
    [chr(c) for c in range(0x32B1, 0x32C0)]


@dataclass(frozen=True)
class Note:
    id: str  # "note-1", … in reading order
    mark: str  # as published: "①"
    content: tuple["Inline", ...]
    line: int

    @property
    def text(self) -> str:
        return plain(self.content)


@dataclass(frozen=True)
class NoteRef:
    """A note's call: its mark, printed where the text refers to the note."""

    note: Note


Inline = Text | Strong | Emphasis | Strikethrough | Styled | Code | Link | LineBreak | Image | NoteRef
CONTAINERS = (Strong, Emphasis, Strikethrough, Styled, Link)  # inlines that hold inlines


def plain(content: tuple[Inline, ...]) -> str:
    """The text of inline nodes as published: a note call is its mark; a line break adds no character."""
    parts = []
    for node in content:
        if isinstance(node, (Text, Code)):
            parts.append(node.text)
        elif isinstance(node, NoteRef):
            parts.append(node.note.mark)
        elif isinstance(node, CONTAINERS):
            parts.append(plain(node.content))
    return "".join(parts)


def note_refs(content: tuple[Inline, ...]) -> list[Note]:
    """The notes `content` calls, in order."""
    notes = []
    for node in content:
        if isinstance(node, NoteRef):
            notes.append(node.note)
        elif isinstance(node, CONTAINERS):
            notes.extend(note_refs(node.content))
    return notes


STYLES = ("plain", "strong", "emphasis", "code")  # the faces inline text is set in


def inline_images(content: tuple[Inline, ...]) -> list[Image]:
    """The images inside `content`, in order."""
    found = []
    for node in content:
        if isinstance(node, Image):
            found.append(node)
        elif isinstance(node, CONTAINERS):
            found.extend(inline_images(node.content))
    return found


def runs(content: tuple[Inline, ...], style: str = "plain"):
    """(text, style) of every run of text in `content`, a note call's mark included; code wins over
    strong, strong over emphasis."""
    for node in content:
        if isinstance(node, Text):
            yield node.text, style
        elif isinstance(node, Code):
            yield node.text, "code"
        elif isinstance(node, NoteRef):
            yield node.note.mark, style
        elif isinstance(node, Strong):
            yield from runs(node.content, "code" if style == "code" else "strong")
        elif isinstance(node, Emphasis):
            yield from runs(node.content, "emphasis" if style == "plain" else style)
        elif isinstance(node, Styled) and node.tag == "kbd":  # a key on the keyboard: code
            yield from runs(node.content, "code")
        elif isinstance(node, CONTAINERS):
            yield from runs(node.content, style)


@dataclass(frozen=True)
class Paragraph:
    content: tuple[Inline, ...]
    line: int  # source line, for messages
    role: str = ""  # "" for text; "caption" (a listing's), "label" (a listing's file name): set unindented

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
    id: str = ""  # for links to it; "" when nothing links


@dataclass(frozen=True)
class Subheading:
    """A heading below the section: `1.核政策`, a list heading inside an appendix, Markdown's `###`."""

    id: str
    number: str
    title: str
    line: int
    in_toc: bool  # listed in the 目录 (then in the bookmarks and the nav too)
    depth: int = 0  # levels below the first subheading level (Markdown's `####` under `###`: 1)
    toc_title: str = ""  # see Chapter

    @property
    def heading(self) -> str:
        return self.number + self.title


@dataclass
class Box:
    """A boxed aside (专栏): its title line and the paragraphs that follow it."""

    id: str
    title: str
    line: int
    blocks: list["Block"] = field(default_factory=list)


@dataclass
class ListItem:
    blocks: list["Block"] = field(default_factory=list)
    checked: bool | None = None  # a task list's item: done or not; None for an ordinary item


@dataclass
class ListBlock:
    items: list[ListItem]
    line: int
    ordered: bool = False
    start: int = 1  # the first number of an ordered list


@dataclass
class Quote:
    blocks: list["Block"]
    line: int


@dataclass(eq=False)  # hashed by identity: the set lines name it
class Listing:
    """A figure of the source (HTML's <figure>): a code listing or an image with its file name and
    caption, kept together on one page."""

    blocks: list["Block"]
    line: int


@dataclass(frozen=True)
class CodeBlock:
    text: str  # the code as written, lines joined by "\n", without a final newline
    language: str  # as the fence names it ("python"), or ""
    line: int


Cell = tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    aligns: tuple[str, ...]  # per column: "left", "center", "right" or "" (the reader's default)
    line: int


@dataclass(frozen=True)
class Rule:
    """A thematic break."""

    line: int


@dataclass
class Definitions:
    """A definition list: each term with the blocks that define it."""

    items: list[tuple[Cell, list["Block"]]]
    line: int


Block = Paragraph | Figure | Subheading | Box | ListBlock | Quote | Listing | CodeBlock | Table | Rule | Definitions


def children(block: Block) -> list[Block]:
    """The blocks directly inside `block`: a box's, a quote's, a listing's, a list's items', a definition
    list's."""
    if isinstance(block, (Box, Quote, Listing)):
        return block.blocks
    if isinstance(block, ListBlock):
        return [b for item in block.items for b in item.blocks]
    if isinstance(block, Definitions):
        return [b for _, blocks in block.items for b in blocks]
    return []


def walk(blocks: list[Block]) -> list[Block]:
    """Every block of `blocks` and of the blocks inside them, in reading order."""
    flat = []
    for block in blocks:
        flat.append(block)
        flat.extend(walk(children(block)))
    return flat


@dataclass
class Section:
    id: str
    number: str  # as published: "（一）"
    title: str
    line: int
    blocks: list[Block] = field(default_factory=list)
    toc_title: str = ""  # see Chapter

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
    source: Path | None = None  # the file it was read from, for messages
    part: str = ""  # the title of the part it belongs to (an mdBook SUMMARY's part title), or ""
    # What the 目录, the bookmarks, the nav and the running heads call it when that is not its title
    # (an mdBook SUMMARY's entry), or "".
    toc_title: str = ""

    @property
    def heading(self) -> str:
        return self.number + self.title

    def blocks_in_order(self) -> list[Block]:
        """Every block, boxes, lists and quotes opened: the reading order of the chapter's content."""
        return walk(self.blocks + [b for s in self.sections for b in s.blocks])

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks_in_order() if isinstance(b, Paragraph)]

    def notes(self) -> list[Note]:
        """The notes its text calls, in reading order (table cells and terms too)."""
        return [note for content in inline_contents(self.blocks_in_order()) for note in note_refs(content)]


def inline_contents(blocks: list[Block]):
    """Every inline content of `blocks` (each not opened): paragraphs, table cells, terms."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.content
        elif isinstance(block, Table):
            yield from block.header
            yield from (cell for row in block.rows for cell in row)
        elif isinstance(block, Definitions):
            yield from (term for term, _ in block.items)


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents: what the 目录, the bookmarks and the nav list."""

    id: str
    heading: str
    line: int
    children: tuple["TocEntry", ...] = ()
    part: str = ""  # a chapter's: the part it belongs to

    def flat(self) -> list["TocEntry"]:
        return [self] + [entry for child in self.children for entry in child.flat()]


def toc_heading(heading: "Chapter | Section | Subheading") -> str:
    """What the 目录, the bookmarks, the nav and the running heads call a heading: its number and its
    title there."""
    return heading.number + (heading.toc_title or heading.title)


def contents(chapters: list[Chapter]) -> list[TocEntry]:
    """Chapters, their sections, and the third-level headings the 目录 lists."""

    def listed(blocks) -> tuple[TocEntry, ...]:
        return tuple(TocEntry(b.id, toc_heading(b), b.line) for b in blocks if isinstance(b, Subheading) and b.in_toc)

    return [
        TocEntry(c.id, toc_heading(c), c.line,
                 listed(c.blocks) + tuple(TocEntry(s.id, toc_heading(s), s.line, listed(s.blocks))
                                          for s in c.sections),
                 c.part)
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
    creator_role: str = "发布"  # what the colophon calls the creator: a white paper's issuer, a book's 作者
    edition: str = ""  # 版次 as book.yaml gives it ("2024年5月第2版"); "" for the first, of the book's date
    printing: str = ""  # 印次, likewise
    isbn: str = ""
    price: str = ""  # as the back cover prints it: "定价：48.00元"
    cip: str = ""  # the 图书在版编目（CIP）数据 block as the CIP centre gave it, lines kept


@dataclass
class Book:
    slug: str  # names the outputs
    source: Path  # the file that names the book: source.txt, the .md file or book.yaml
    metadata: Metadata
    chapters: list[Chapter]
    config: Path | None = None  # its book.yaml, if any
    # Link targets as the sources write them ("src/ch03.md#变量") → the id they name.
    aliases: dict[str, str] = field(default_factory=dict)
    inputs: list[Path] = field(default_factory=list)  # other files the text was read from (book.toml, includes)
    folder: Path | None = None  # the book's folder: images come from inside it

    def anchors(self) -> dict[str, str]:
        """Every id a link may point at (headings, figures, boxes), with the id of its chapter."""
        found = {}
        for chapter in self.chapters:
            found[chapter.id] = chapter.id
            found.update((s.id, chapter.id) for s in chapter.sections)
            found.update((b.id, chapter.id) for b in chapter.blocks_in_order()
                         if isinstance(b, (Subheading, Box, Figure)) and b.id)
        return found

    def files(self) -> list[Path]:
        """Every file the book was made from: what a change to rebuilds it."""
        found = [self.source, self.config, *self.inputs] + [c.source for c in self.chapters] + \
            [path for path, _ in self.images()]
        return sorted({path for path in found if path})

    def paragraphs(self) -> list[Paragraph]:
        return [p for c in self.chapters for p in c.paragraphs()]

    def images(self) -> list[tuple[Path, int]]:
        """(file, source line) of every local image the book shows: figures, and images inside text."""
        found = []
        for chapter in self.chapters:
            blocks = chapter.blocks_in_order()
            found += [(b.path, b.line) for b in blocks if isinstance(b, Figure) and b.path]
            contents = list(inline_contents(blocks)) + [note.content for note in chapter.notes()]
            found += [(image.path, chapter.line) for content in contents for image in inline_images(content) if image.path]
        return found

    def figures(self) -> list[Figure]:
        """The figures with an image (a caption alone is text), in reading order."""
        return [b for c in self.chapters for b in c.blocks_in_order() if isinstance(b, Figure) and b.path]

    def contents(self) -> list[TocEntry]:
        return contents(self.chapters)
