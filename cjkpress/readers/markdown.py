"""Reader: Markdown manuscripts → the document tree.

A book is one `.md` file (its YAML front matter holds what book.yaml would),
or a folder with `book.yaml` and Markdown chapters: `chapters:` lists the
files in order, else every `*.md` in name order. In a chapter file `#` is the
chapter's title, `##` a section, `###` and deeper subheadings; a one-file
book's `#` headings are its chapters (or, when it has a single `#` and no
title in its front matter, its title, and `##` its chapters).

Parsed by markdown-it-py (CommonMark, GFM tables, strikethrough and
autolinks, and mdit-py-plugins' footnotes, front matter, definition lists and
task lists), smart punctuation off: the text is printed as written. Raw HTML
is never passed through: `br`, `sup`, `sub`, `u`, `kbd` and `mark` become
nodes, comments vanish, anything else is dropped with a warning.
"""

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .. import config as config_module
from ..config import Config
from ..errors import InputError
from ..tree import (
    STYLED_TAGS, Block, Chapter, CodeBlock, Code, Definitions, Emphasis, Figure, Image, Inline, LineBreak, Link,
    ListBlock, ListItem, Listing, NOTE_MARKS, Note, NoteRef, Paragraph, Quote, Rule, Section, Strikethrough, Strong, Styled, Subheading,
    Table, Text, plain,
)
from .manuscript import Located, Manuscript, missing_image
from .text import decode

log = logging.getLogger(__name__)
MISSING_LETTERS = "warning"  # see readers/__init__.py

CONFIG = "book.yaml"
SUFFIXES = (".md", ".markdown")
HEADING_ID = re.compile(r"\s*\{#([A-Za-z][\w.:-]*)\}\s*$")
HTML_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9]*)\b([^>]*?)(/?)>$", re.S)
HTML_ATTRIBUTE = re.compile(r"""([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# Raw HTML that only wraps what cjkpress reads anyway: left out without a word.
FIGURE_START = re.compile(r"<figure\b[^>]*>", re.I)  # alone in its HTML block: the figure's blocks follow
WRAPPERS = {"figure", "details", "div", "p", "center", "a"}
LABEL_CLASSES = {"file-name", "filename"}  # <span class="file-name">: a code listing's file name
# Raw HTML for what Markdown writes otherwise: read as the same nodes.
MARKUP_TAGS = {"em": Emphasis, "i": Emphasis, "strong": Strong, "b": Strong, "code": Code, "del": Strikethrough,
               "s": Strikethrough}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
# What an image file's first bytes are, by its suffix: a file named .png that holds something else
# (a web page saved in its place, a GIF) is no figure.
IMAGE_MAGIC = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8",), ".jpeg": (b"\xff\xd8",), ".svg": (b"<svg", b"<?xml", b"<!--", b"<!DOCTYPE svg")}
INDEX_FILES = ("README.md", "index.md")
MAX_DEPTH = 16  # lists and quotes nested deeper are a mistake, not a book


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": True, "maxNesting": 4 * MAX_DEPTH})
    md.enable(["table", "strikethrough", "linkify"])
    # Every link target reaches the reader, which keeps only safe ones and says which it dropped
    # (markdown-it would print a javascript: link's whole source as text).
    md.validateLink = lambda url: True
    return md.use(front_matter_plugin).use(footnote_plugin).use(deflist_plugin).use(tasklists_plugin)


def locate(path: Path) -> Located | None:
    """A `.md` file, or a folder with book.yaml and Markdown chapters (and no source.txt)."""
    if path.is_file() and path.suffix.lower() in SUFFIXES:
        return Located(path.stem, path, None, path.parent)
    config = path / CONFIG
    if path.is_dir() and config.is_file() and not (path / "source.txt").exists() and chapter_files(path):
        return Located(path.resolve().name, config, config, path)
    return None


def chapter_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())


def configure(located: Located, encoding: str | None = None) -> Config:
    """book.yaml, or a one-file book's front matter, which holds the same keys."""
    if located.config is not None:
        return config_module.load(located.config)
    front, start = front_matter(decode(located.source.read_bytes(), located.source, encoding))
    return config_module.parse(front, located.source, start) if front is not None else config_module.load(None)


def read(located: Located, config: Config, encoding: str | None = None) -> Manuscript:
    files = [located.source] if located.config is None else listed_chapters(located, config)
    book = BookReader(located, config, single=located.config is None)
    for path in files:
        book.read_file(path, encoding)
    return book.finish()


def front_matter(text: str) -> tuple[str | None, int]:
    """The YAML between a leading `---` and the next `---` line, and the line it starts on."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    return (None, 0) if end is None else ("\n".join(lines[1:end]), 2)


def listed_chapters(located: Located, config: Config) -> list[Path]:
    """The chapter files: those book.yaml lists (inside the book folder), else every .md in name order."""
    folder = located.images
    if "chapters" not in config.values:
        return chapter_files(folder)
    files = []
    for name in config.values["chapters"]:
        path = inside(folder, name)
        if path is None or not path.is_file():
            raise InputError(f"chapter file “{name}” is not in the book folder {folder}; correct the chapters list",
                             located.config, config.line("chapters"))
        files.append(path)
    return files


def inside(folder: Path, name: str) -> Path | None:
    """`folder / name` if it is a plain path that stays inside `folder` (no `..`, absolute path or link)."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or "\\" in name or not name:
        return None
    path = folder.joinpath(*relative.parts)
    current = folder
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return None
    return path


@dataclass
class BookReader:
    """Builds the chapters file by file, numbering ids and notes across the book.

    A link to another chapter file (`ch03.md`, `ch03.md#标题`) targets "#" and
    the file's path in the book folder, with its fragment: `aliases` maps
    such targets (and each heading's mdBook-style slug) to the ids they name.
    """

    located: Located
    config: Config
    single: bool  # one file: its `#` may be the book's title
    rustdoc: bool = False  # hide rustdoc's `# ` lines in Rust code (mdBook projects)
    chapter_files: set[Path] = field(default_factory=set)  # resolved: the files links may point into
    title: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    notes: int = 0  # notes so far, for unique ids
    ids: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)
    slugs: Counter = field(default_factory=Counter)  # per file and slug: how many headings have it
    links: list[tuple[Path, int, str]] = field(default_factory=list)  # internal links to check: file, line, target
    left_out_links: list[tuple[Path, int, str]] = field(default_factory=list)  # to Markdown files not in the book
    remote_images: list[tuple[Path, int]] = field(default_factory=list)
    dropped_html: dict[str, list[tuple[Path, int]]] = field(default_factory=dict)  # tag → where
    skipped_levels: list[tuple[Path, int, int, int]] = field(default_factory=list)  # file, line, level, after

    def read_file(self, path: Path, encoding: str | None) -> None:
        self.read_text(path, decode(path.read_bytes(), path, encoding))

    def read_text(self, path: Path, text: str, lines: list[int] | None = None, depth: int = 0,
                  title: str = "", part: str = "", number: str = "") -> None:
        """A chapter file's `text`: `lines` maps its lines to the file's (after includes); at `depth` 1,
        2… a sub-chapter, whose `#` is a section of the chapter before. `title` and `number` are the
        file's entry in a list of chapters: `title` names its heading in the 目录 (and titles it when it
        has none), `number` numbers it; its chapters belong to the `part` of that list."""
        root = SyntaxTreeNode(parser().parse(text))
        before = len(self.chapters)
        FileReader(self, path, root, lines, depth, title, number).read()
        for chapter in self.chapters[before:]:
            chapter.part = part
        if self.chapters:
            self.aliases.setdefault(self.file_key(path), self.chapters[-1].id)

    def file_key(self, path: Path) -> str:
        """How links name a file of the book: its path in the book folder."""
        return path.resolve().relative_to(self.located.images.resolve()).as_posix()

    def alias(self, path: Path, title: str, ident: str, wanted: str | None) -> None:
        """Let links reach `ident` through its file and its heading's slug (and its own `{#id}`)."""
        key = self.file_key(path)
        self.aliases.setdefault(key, ident)
        slug = heading_slug(title)
        count = self.slugs[key, slug]
        self.slugs[key, slug] += 1
        self.aliases.setdefault(f"{key}#{slug}-{count}" if count else f"{key}#{slug}", ident)
        if wanted:
            self.aliases.setdefault(f"{key}#{wanted}", ident)

    def drop_html(self, tag: str, path: Path, line: int) -> None:
        self.dropped_html.setdefault(tag, []).append((path, line))

    def new_id(self, wanted: str | None, made: str, path: Path, line: int) -> str:
        """`wanted` (a heading's own `{#id}`) if it is free, else the numbered id `made`."""
        if wanted and wanted in self.ids:
            log.warning("%s:%d: id “%s” is used twice; this one is numbered instead", path, line, wanted)
            wanted = None
        ident = wanted or made
        self.ids.add(ident)
        return ident

    def finish(self) -> Manuscript:
        if not self.chapters:
            raise InputError("the book has no text; write a chapter", self.located.source)
        for path, line, target in self.links:
            self.resolve(path, line, target)
        if self.left_out_links:
            (path, line, target), count = self.left_out_links[0], len(self.left_out_links)
            log.warning("%s:%d: %d link%s to Markdown files that are not chapters of the book (the first to “%s”) "
                        "printed as text", path, line, count, "s" * (count > 1), target[:60])
        for tag, places in sorted(self.dropped_html.items()):
            (path, line), count = places[0], len(places)
            log.warning("%s:%d: raw HTML <%s> left out%s (its text is kept); cjkpress prints no raw HTML", path,
                        line, tag, f", {count} times in the book" if count > 1 else "")
        if self.skipped_levels:
            (path, line, level, after), count = self.skipped_levels[0], len(self.skipped_levels)
            more = f" (and {count - 1} more heading{'s' * (count > 2)} in the book)" if count > 1 else ""
            log.warning("%s:%d: heading level %d follows level %d; a level is skipped%s: it is set a level "
                        "below the heading before", path, line, level, after, more)
        if self.remote_images:
            (path, line), count = self.remote_images[0], len(self.remote_images)
            log.warning("%s:%d: %d image%s on the web left out (the build never fetches); put local copies in the "
                        "book folder and refer to them by relative path", path, line, count, "s" * (count > 1))
        values = self.config.values
        return Manuscript(title=values.get("title") or self.title or self.located.slug, date=values.get("date", ""),
                          date_label=date_label(values.get("date", "")), issuer=values.get("creator", ""),
                          issuer_role="作者", chapters=self.chapters, aliases=self.aliases)

    def resolve(self, path: Path, line: int, target: str) -> None:
        """Check an internal link's target, making an alias where a heading's slug or a file names it."""
        if target in self.ids or target in self.aliases:
            return
        here = f"{self.file_key(path)}#{target}"
        if here in self.aliases:  # `#标题` within its own file
            self.aliases[target] = self.aliases[here]
            return
        file, _, fragment = target.partition("#")
        if fragment and file in self.aliases:
            log.warning("%s:%d: link to “%s”: %s has no heading “%s”; it links to the chapter instead", path, line,
                        target, file, fragment)
            self.aliases[target] = self.aliases[file]
            return
        log.warning("%s:%d: link to “#%s”, which no heading or figure of the book has; it is printed as text",
                    path, line, target)


def date_label(date: str) -> str:
    """2023-03 → 2023年3月, 2023-03-16 → 2023年3月16日."""
    parts = [int(p) for p in date.split("-")] if date else []
    return "".join(f"{value}{unit}" for value, unit in zip(parts, "年月日"))


class FileReader:
    """One Markdown file → chapters of the book (one, or several in a one-file book)."""

    def __init__(self, book: BookReader, path: Path, root: SyntaxTreeNode, lines: list[int] | None = None,
                 depth: int = 0, title: str = "", number: str = ""):
        self.book, self.path, self.root, self.lines = book, path, root, lines
        self.depth, self.title, self.number = depth, title, number  # the file's entry: see BookReader.read_text
        self.numbered = False  # whether the entry's own heading has come (it takes the number)
        self.folder = book.located.images
        self.container: list[Block] | None = None
        self.here = book.chapters[-1].id if book.chapters else ""  # the id of the heading the text is under
        self.level = 0  # of the last heading, to warn of a skipped level
        self.marks: dict[int, Note] = {}  # footnote (markdown-it's id: `[^label]` or inline `^[…]`) → its note
        self.definitions = {n.meta["id"]: n for n in root.walk() if n.type == "footnote"}
        headings = [n for n in root.children if n.type == "heading"]
        # A one-file book whose only `#` is its title: `##` are its chapters.
        tags = [h.tag for h in headings]
        self.shift = 1 if (book.single and not book.config.values.get("title") and tags[:1] == ["h1"]
                           and tags.count("h1") == 1 and "h2" in tags) else -depth

    def line(self, node: SyntaxTreeNode) -> int:
        """The source line of `node`, or of the nearest block holding it (inline nodes have none)."""
        while node is not None and not node.is_root and not node.map:
            node = node.parent
        line = node.map[0] + 1 if node is not None and not node.is_root else 1
        return self.lines[min(line, len(self.lines)) - 1] if self.lines else line

    def read(self) -> None:
        listing = None  # an open <figure>: the blocks up to its </figure> are kept together
        for node in self.root.children:
            html = node.content.strip() if node.type == "html_block" else ""
            if node.type in ("front_matter", "footnote_block"):
                continue
            if FIGURE_START.fullmatch(html) or html == "</figure>" or node.type == "heading":
                if listing is not None and listing.blocks:
                    self.current().append(listing)
                listing = Listing([], self.line(node)) if FIGURE_START.fullmatch(html) else None
                if node.type == "heading":
                    self.heading(node)
            else:
                (listing.blocks if listing is not None else self.current()).extend(self.blocks([node]))
        if listing is not None and listing.blocks:
            self.current().append(listing)
        if self.container is None:  # a file with no heading at all
            self.current()

    def current(self) -> list[Block]:
        """Where text goes: under the last heading, or under the file's entry's heading, made from its
        title when the file's text comes before any heading of its own."""
        if self.container is None:
            if not self.title:
                log.warning("%s:1: no # heading; the chapter is titled after its file", self.path)
            self.add_heading(self.depth + 1, self.title or self.path.stem, None, 1)
        return self.container

    def heading(self, node: SyntaxTreeNode) -> None:
        level = int(node.tag[1]) - self.shift
        line = self.line(node)
        content = self.inlines(node.children[0]) if node.children else ()
        title, wanted = heading_text(content)
        if level < 1 or (level == 1 and self.book.single and not self.book.title):
            self.book.title = title  # a one-file book's title: its first `#`
        if level < 1:
            return
        if level > self.level + 1 and self.level:
            self.book.skipped_levels.append((self.path, line, level + self.shift, self.level + self.shift))
        self.level = level
        if self.container is None and level != self.depth + 1:
            self.current()  # a deeper heading first: under the entry's
        self.add_heading(level, title, wanted, line)

    def add_heading(self, level: int, title: str, wanted: str | None, line: int) -> None:
        """A chapter (level 1), a section (2) or a subheading; the first at the file's entry's level is
        the entry's heading: it takes the entry's number, and its title in the 目录."""
        own = not self.numbered and level == self.depth + 1
        number, toc_title = (self.number, self.title if self.title != title else "") if own else ("", "")
        self.numbered = self.numbered or own
        book = self.book
        if level == 1 or not book.chapters:
            self.start_chapter(title, wanted, line, number, toc_title)
        elif level == 2:
            chapter = book.chapters[-1]
            made = f"{chapter.id}-{len(chapter.sections) + 1}"
            chapter.sections.append(Section(book.new_id(wanted, made, self.path, line), number, title, line,
                                            toc_title=toc_title))
            book.alias(self.path, title, chapter.sections[-1].id, wanted)
            self.here = chapter.sections[-1].id
            self.container = chapter.sections[-1].blocks
        else:
            chapter = book.chapters[-1]
            if self.container is None:  # a sub-chapter's heading: where its parent's text stopped
                self.container = chapter.sections[-1].blocks if chapter.sections else chapter.blocks
            parent = chapter.sections[-1].id if chapter.sections else chapter.id
            count = sum(isinstance(b, Subheading) for b in self.container) + 1
            ident = book.new_id(wanted, f"{parent}-h-{count}", self.path, line)
            book.alias(self.path, title, ident, wanted)
            # A skipped level (`###` under `#`, warned of) is lifted: headings go down one level at a time.
            above = next((b.depth for b in reversed(self.container) if isinstance(b, Subheading)), -1)
            self.container.append(Subheading(ident, number, title, line, in_toc=level <= book.config.design["toc_depth"],
                                             depth=min(min(level, 6) - 3, above + 1), toc_title=toc_title))

    def start_chapter(self, title: str, wanted: str | None, line: int, number: str = "", toc_title: str = "") -> None:
        book = self.book
        ident = book.new_id(wanted, f"ch-{len(book.chapters) + 1}", self.path, line)
        book.chapters.append(Chapter(ident, number, title, line, source=self.path, toc_title=toc_title))
        book.alias(self.path, title, ident, wanted)
        self.here = ident
        self.container = book.chapters[-1].blocks
        self.marks = {}

    # Blocks

    def blocks(self, nodes, depth: int = 0) -> list[Block]:
        if depth > MAX_DEPTH:
            raise InputError(f"lists or quotes are nested more than {MAX_DEPTH} deep; flatten them",
                             self.path, self.line(nodes[0]))
        result = []
        for node in nodes:
            result += self.block(node, depth)
        return result

    def block(self, node: SyntaxTreeNode, depth: int) -> list[Block]:
        line = self.line(node)
        kind = node.type
        if kind == "paragraph":
            return self.paragraph(node, line)
        if kind == "heading":  # inside a list or quote: a paragraph of strong text, linked to as its section
            content = self.inlines(node.children[0])
            if self.book.chapters:
                self.book.alias(self.path, heading_text(content)[0], self.here, None)
            return [Paragraph((Strong(content),), line)]
        if kind in ("bullet_list", "ordered_list"):
            items = [self.list_item(item, depth) for item in node.children]
            start = int(node.attrs.get("start", 1)) if kind == "ordered_list" else 1
            return [ListBlock(items, line, ordered=kind == "ordered_list", start=start)]
        if kind == "blockquote":
            return [Quote(self.blocks(node.children, depth + 1), line)]
        if kind in ("fence", "code_block"):
            # The info string's first word: "rust,ignore" and "rust {linenos}" are Rust.
            language = re.split(r"[\s,{]", node.info.strip())[0] if kind == "fence" else ""
            text = node.content.rstrip("\n")
            if self.book.rustdoc and language == "rust":
                text = rustdoc_visible(text)
            return [CodeBlock(text, language, line)]
        if kind == "table":
            return [self.table(node, line)]
        if kind == "hr":
            return [Rule(line)]
        if kind == "dl":
            return [self.definitions_list(node, depth, line)]
        if kind == "html_block":
            return self.html_block(node.content.strip(), line)
        log.warning("%s:%d: %s left out: cjkpress does not set it", self.path, line, kind)
        return []

    def paragraph(self, node: SyntaxTreeNode, line: int) -> list[Block]:
        children = [n for n in node.children[0].children if not (n.type == "text" and not n.content.strip())]
        if len(children) == 1 and children[0].type == "image":  # an image alone: a figure
            return [self.figure(children[0], line)]
        first = HTML_TAG.match(children[0].content.strip()) if children and children[0].type == "html_inline" else None
        if first and first.group(2).lower() == "span" and LABEL_CLASSES & set(attributes(first.group(3)).get("class", "").split()):
            inner, _ = self.inline_run(list(node.children[0].children), node.children[0].children.index(children[0]) + 1, "span")
            return [Paragraph(tuple(merged(inner)), line, role="label")]
        content = self.inlines(node.children[0])
        return [Paragraph(content, line)] if content else []

    def html_block(self, html: str, line: int) -> list[Block]:
        """Raw HTML that books really use, interpreted: a listing's <figcaption> (its Markdown read), an
        <img>, a <details>'s <summary> (printed open); wrappers silently; anything else left out."""
        if html.startswith("<!--"):
            return []
        if caption := re.fullmatch(r"<figcaption[^>]*>(.*?)</figcaption>", html, re.S):
            content = self.markdown_inline(caption.group(1))
            return [Paragraph(content, line, role="caption")] if content else []
        if summary := re.search(r"<summary[^>]*>(.*?)</summary>", html, re.S):
            return [Paragraph((Strong(self.markdown_inline(summary.group(1))),), line)]
        whole = re.fullmatch(r"<figure\b[^>]*>\s*<img\b([^>]*?)/?>\s*(?:<figcaption[^>]*>(.*?)</figcaption>)?\s*</figure>",
                             html, re.S)
        if image := whole or re.fullmatch(r"<img\b([^>]*?)/?>", html, re.S):
            values = attributes(image.group(1))
            caption = plain(self.markdown_inline(whole.group(2))) if whole and whole.group(2) else ""
            return [Figure(self.image_path(values.get("src", ""), line), values.get("alt", ""), line,
                           caption or values.get("alt", ""))]
        tags = [(m.group(1), m.group(2).lower()) for m in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9]*)", html)]
        if tags and all(name in WRAPPERS for _, name in tags) and not re.sub(r"<[^>]*>", "", html).strip():
            return []
        self.book.drop_html(tags[0][1] if tags else "?", self.path, line)
        if tags and tags[0][1] in ("script", "style"):
            return []  # code, not text
        text = re.sub(r"<[^>]*>", "", html).strip()
        return [Paragraph((Text(text),), line)] if text else []

    def markdown_inline(self, source: str) -> tuple[Inline, ...]:
        """Markdown inside raw HTML (a caption's backticks and emphasis), read as inline text."""
        root = SyntaxTreeNode(parser().parse(source.strip()))
        paragraph = next((n for n in root.walk() if n.type == "inline"), None)
        return self.inlines(paragraph) if paragraph is not None else ()

    def list_item(self, node: SyntaxTreeNode, depth: int) -> ListItem:
        checked = None
        if "task-list-item" in (node.attrs.get("class") or ""):
            box = next((n for n in node.walk() if n.type == "html_inline" and "checkbox" in n.content), None)
            checked = box is not None and "checked" in box.content
        return ListItem(self.blocks(node.children, depth + 1), checked)

    def table(self, node: SyntaxTreeNode, line: int) -> Table:
        rows = [tr for part in node.children for tr in part.children]
        head = node.children[0].type == "thead"
        cells = [[self.inlines(cell.children[0]) if cell.children else () for cell in tr.children] for tr in rows]
        aligns = tuple(re.sub(r"^text-align:", "", str(cell.attrs.get("style", ""))) for cell in rows[0].children)
        return Table(tuple(cells[0]) if head else (), tuple(map(tuple, cells[1:] if head else cells)), aligns, line)

    def definitions_list(self, node: SyntaxTreeNode, depth: int, line: int) -> Definitions:
        items: list[tuple[tuple[Inline, ...], list[Block]]] = []
        for child in node.children:
            if child.type == "dt":
                items.append((self.inlines(child.children[0]), []))
            elif items:
                items[-1][1].extend(self.blocks(child.children, depth + 1))
        return Definitions(items, line)

    # Inlines

    def inlines(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        """The inline content of an `inline` node (or any node's children)."""
        result, _ = self.inline_run(list(node.children), 0, None)
        return tuple(merged(result))

    def inline_run(self, nodes, i: int, closing: str | None) -> tuple[list[Inline], int]:
        """Inlines from nodes[i] up to the raw HTML tag `</closing>` (or the end); and where it stopped."""
        result: list[Inline] = []
        while i < len(nodes):
            node = nodes[i]
            i += 1
            if node.type == "html_inline":
                tag = HTML_TAG.match(node.content.strip())
                name = tag.group(2).lower() if tag else ""
                if tag and tag.group(1) and name == closing:
                    return result, i
                if tag and name == "br":
                    result.append(LineBreak())
                elif tag and name in (*STYLED_TAGS, *MARKUP_TAGS) and not tag.group(1) and not tag.group(4):
                    inner, i = self.inline_run(nodes, i, name)
                    content = tuple(merged(inner))
                    if name == "code":
                        result.append(Code(plain(content)))
                    else:
                        result.append(MARKUP_TAGS.get(name, lambda c: Styled(name, c))(content))
                elif tag and name == "img":
                    values = attributes(tag.group(3))
                    path = self.image_path(values.get("src", ""), self.line(node))
                    alt = values.get("alt", "")
                    result += [Image(path, alt)] if path else ([Text(alt)] if alt else [])
                elif tag and name in WRAPPERS | {"span"} and set(attributes(tag.group(3))) <= {"class", "id"}:
                    pass  # its text is read as the text around it
                elif tag and tag.group(1):
                    pass  # a closing tag: its opening one is counted
                elif not node.content.startswith("<!--") and "checkbox" not in node.content:
                    self.book.drop_html(name or node.content[:20], self.path, self.line(node))
                continue
            result += self.inline(node)
        return result, i

    def inline(self, node: SyntaxTreeNode) -> list[Inline]:
        kind = node.type
        if kind == "text":
            return [Text(node.content)] if node.content else []
        if kind in ("softbreak",):
            return [Text(soft_break(node))]
        if kind == "hardbreak":
            return [LineBreak()]
        if kind == "code_inline":
            return [Code(node.content)]
        if kind in ("strong", "em", "s"):
            wrap = {"strong": Strong, "em": Emphasis, "s": Strikethrough}[kind]
            return [wrap(self.inlines(node))]
        if kind == "link":
            return self.link(node)
        if kind == "image":
            return self.image(node)
        if kind == "footnote_ref":
            return [NoteRef(self.note(node))]
        return list(self.inlines(node))

    def link(self, node: SyntaxTreeNode) -> list[Inline]:
        content = self.inlines(node)
        target = str(node.attrs.get("href", ""))
        line = self.line(node)
        if target.startswith("#") and len(target) > 1:
            self.book.links.append((self.path, line, unquote(target[1:])))
            return [Link(content, "#" + unquote(target[1:]))]
        if target.lower().startswith(SAFE_SCHEMES):
            return [Link(content, target)]
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            log.warning("%s:%d: link to “%s” dropped: only http, https and mailto links are kept",
                        self.path, line, target[:40])
            return list(content)
        file, _, fragment = unquote(target).partition("#")
        # mdBook's pages are .html: a link to one is a link to its chapter file.
        file = re.sub(r"\.html?$", ".md", file, flags=re.I) if not file.lower().endswith(SUFFIXES) else file
        resolved = (self.path.parent / file).resolve()
        if file and resolved.is_dir():  # a folder's page: its README.md (mdBook, GitBook) or index.md
            resolved = next((resolved / name for name in INDEX_FILES if (resolved / name) in self.book.chapter_files),
                            resolved)
        if resolved in self.book.chapter_files:  # another chapter of the book
            key = self.book.file_key(resolved) + (f"#{fragment}" if fragment else "")
            self.book.links.append((self.path, line, key))
            return [Link(content, "#" + key)]
        if file.lower().endswith(SUFFIXES):
            self.book.left_out_links.append((self.path, line, target))
        else:
            log.warning("%s:%d: link to “%s”, a file outside the book's text; it is printed as text",
                        self.path, line, target[:60])
        return list(content)

    def image_path(self, src: str, line: int) -> Path | None:
        """The local file an image refers to; None (and a warning) when it is on the web or missing."""
        src = unquote(src)
        if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
            self.book.remote_images.append((self.path, line))
            return None
        # `../img/a.png` may climb out of a chapter's folder, never out of the book's (a link out is refused).
        path = None if PurePosixPath(src).is_absolute() or "\\" in src or not src else (self.path.parent / src).resolve()
        if path is None or not path.is_relative_to(self.folder.resolve()):
            raise InputError(f"image “{src}” is outside the book folder; copy it into {self.folder}",
                             self.path, line)
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise InputError(f"image “{src}” is not PNG, JPEG or SVG; convert it", self.path, line)
        if not path.is_file():
            missing_image(self.book.config, src, self.path, line,
                          f"image {src} is not there; the figure is left out (put the file there, or list it in "
                          "book.yaml's images_left_out)")
            return None
        with path.open("rb") as file:
            head = file.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(IMAGE_MAGIC[path.suffix.lower()]):
            log.warning("%s:%d: image %s is not a %s file, whatever its name says; the figure is left out", self.path,
                        line, src, path.suffix[1:].upper())
            return None
        return path

    def figure(self, node: SyntaxTreeNode, line: int) -> Figure:
        """An image alone in its paragraph, captioned by its title, else its alt text."""
        alt = plain(self.inlines(node))
        return Figure(self.image_path(str(node.attrs.get("src", "")), line), alt, line,
                      str(node.attrs.get("title") or "") or alt)

    def image(self, node: SyntaxTreeNode) -> list[Inline]:
        """An image inside text; one that cannot be shown leaves its alt text."""
        path = self.image_path(str(node.attrs.get("src", "")), self.line(node))
        alt = plain(self.inlines(node))
        return [Image(path, alt)] if path else ([Text(alt)] if alt else [])

    def note(self, node: SyntaxTreeNode) -> Note:
        label = node.meta["id"]
        if label in self.marks:
            return self.marks[label]
        definition = self.definitions[label]  # markdown-it makes a call only of a defined footnote
        paragraphs = [self.inlines(p.children[0]) for p in definition.children if p.type == "paragraph"]
        content = tuple(merged([n for k, p in enumerate(paragraphs) for n in ([LineBreak()] if k else []) + list(p)]))
        self.book.notes += 1
        mark = NOTE_MARKS[len(self.marks) % len(NOTE_MARKS)]
        self.marks[label] = Note(f"note-{self.book.notes}", mark, content, self.line(definition))
        return self.marks[label]


def heading_text(content: tuple[Inline, ...]) -> tuple[str, str | None]:
    """A heading's title as text, and the id its `{#id}` asks for."""
    title = plain(content)
    if m := HEADING_ID.search(title):
        return title[: m.start()].strip(), m.group(1)
    return title.strip(), None


def heading_slug(title: str) -> str:
    """The id mdBook (and GitHub, near enough) gives a heading: letters and digits lower-cased, `-`
    and `_` kept, white space a `-`, anything else left out."""
    return "".join(c.lower() if c.isalnum() or c in "-_" else "-" if c.isspace() else "" for c in title)


def attributes(source: str) -> dict[str, str]:
    """An HTML tag's attributes: name → value."""
    return {m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None) for m in HTML_ATTRIBUTE.finditer(source)}


def rustdoc_visible(code: str) -> str:
    """Rust code as rustdoc shows it: a line `# …` (or `#` alone) hidden, `##…` printed as `#…`."""
    lines = []
    for line in code.split("\n"):
        stripped = line.lstrip()
        if stripped == "#" or stripped.startswith("# "):
            continue
        lines.append(line.replace("##", "#", 1) if stripped.startswith("##") else line)
    return "\n".join(lines)


def soft_break(node: SyntaxTreeNode) -> str:
    """A line break inside a paragraph: nothing between two Han characters (CSS Text's rule), else a space."""
    siblings = node.parent.children
    i = siblings.index(node)
    before = siblings[i - 1].content[-1:] if i > 0 and siblings[i - 1].type == "text" else ""
    after = siblings[i + 1].content[:1] if i + 1 < len(siblings) and siblings[i + 1].type == "text" else ""
    wide = lambda c: bool(c) and (ord(c) >= 0x2E80)  # noqa: E731 - CJK and full-width forms
    return "" if wide(before) or wide(after) else " "


def merged(nodes: list[Inline]) -> list[Inline]:
    """Adjacent text nodes joined."""
    result: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and result and isinstance(result[-1], Text):
            result[-1] = Text(result[-1].text + node.text)
        else:
            result.append(node)
    return result

