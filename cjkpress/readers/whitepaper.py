"""Reader: a white paper as published in plain text → the document tree.

The published layout is, in order: an optional news lead-in ending in
`全文如下：`, the title block (title, `（2023年3月）`, issuer), the `目录` block,
then the body: `前言`, chapters `一、…` with sections `（一）…`, `结束语`.
The 目录 is not copied into the outputs (they make their own from the
headings) but checked against the headings, so that a text that lost or
mangled a heading stops the build instead of printing a wrong book.
"""

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from .. import config as config_module
from ..config import Config
from ..errors import InputError
from ..tree import Block, Box, Chapter, Figure, Inline, Note, NoteRef, Paragraph, Section, Strong, Subheading, Text, contents
from .manuscript import Located, Manuscript, missing_image
from .text import decode

log = logging.getLogger(__name__)
MISSING_LETTERS = "error"  # see readers/__init__.py

NUMERALS = "一二三四五六七八九十"
LEAD_IN = re.compile(r"全文如下[：:]$")
DATE_LINE = re.compile(r"^（(\d{4})年(\d{1,2})月）$")
CHAPTER = re.compile(rf"^([{NUMERALS}]+、)(.+)$")
SECTION = re.compile(rf"^(（[{NUMERALS}]+）)(.+)$")
IMAGE = re.compile(r"^\[image:\s*(\S+?)\s*\]$")
DIGITS = "0-9０-９"
SUBHEADING = re.compile(rf"^([{DIGITS}]+[.．、])\s*(.+)$")
APPENDIX = re.compile(rf"^((?:附录|附件)[{DIGITS}{NUMERALS}]*[：:、]?)\s*(.*)$")
FIGURE = re.compile(rf"^(图\s*[{DIGITS}]+)\s*(.+)$")
BOX = re.compile(rf"^(专栏\s*[{DIGITS}{NUMERALS}]+)\s*(.*)$")
NOTE_MARKS = "".join(chr(c) for c in range(0x2460, 0x2474))  # ①…⑳
NOTE = re.compile(rf"^注?\s*([{NOTE_MARKS}])\s*[：:．.]?\s*(.+)$")
NOTES_HEADER = re.compile(r"^注(释)?[：:]?$")
CREDIT = re.compile(r"^（[^（）]{2,40}电）$")
# Markers of the word processor the text went through, not of the text.
ARTEFACT = re.compile(r"\[bookmark: [^\]]*\]")
UNNUMBERED = {"前言": "preface", "结束语": "conclusion"}
SENTENCE_END = "。！？"
CLAUSE_MARKS = "，；：,;:"
# A heading is a short line that does not end like a sentence.
HEADING_MAX = 40


@dataclass(frozen=True)
class RunInRule:
    """Which paragraphs open with a run-in head (a lead sentence set bold).

    A paragraph opening with `——` leads with its first sentence, or is all
    lead when it is a one-line item (`——坚持以人民为中心`). Any other
    paragraph leads with its first sentence when that sentence is short
    (`max_length` characters at most, with no comma inside) and the paragraph
    is not the first of its chapter or section (those open with a thesis
    sentence that is set plain). `include` and `exclude` list lead sentences
    that override the rule either way.
    """

    max_length: int = 24
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def lead(self, text: str, first_in_division: bool) -> str:
        for lead in self.include:
            if text.startswith(lead):
                return lead
        sentence = first_sentence(text) or text
        if sentence in self.exclude:
            return ""
        if sentence.startswith("——"):
            return sentence
        if sentence == text:
            return ""
        body = sentence[:-1]
        if first_in_division or len(sentence) > self.max_length:
            return ""
        if any(mark in body for mark in CLAUSE_MARKS):
            return ""
        return sentence


def first_sentence(text: str) -> str:
    """The text up to and including its first full stop, outside quotes."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "“《（":
            depth += 1
        elif ch in "”》）":
            depth = max(0, depth - 1)
        elif ch in SENTENCE_END and depth == 0:
            return text[: i + 1]
    return ""


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # cleaned: no indent, no artefacts


def clean_lines(text: str) -> list[Line]:
    lines = []
    for number, raw in enumerate(text.split("\n"), 1):
        cleaned = ARTEFACT.sub("", raw).strip(" \t\u3000\u00a0")
        if cleaned:
            lines.append(Line(number, cleaned))
    return lines


def compact(text: str) -> str:
    """A fixed heading with the spaces some papers put inside (`目  录`) taken out."""
    return re.sub(r"[\s\u3000]+", "", text)


def is_heading_shape(text: str) -> bool:
    return len(text) <= HEADING_MAX and text[-1] not in SENTENCE_END + "；，"


def classify(text: str, in_appendix: bool) -> tuple[str, str, str]:
    """(kind, number, title) of a body line.

    Kinds: chapter, appendix, section, subheading, figure (a caption), box,
    image, note, notes-header, credit, paragraph. Inside an appendix, numbered
    lines like `一、核领域` head lists of the appendix, not chapters.
    """
    key = compact(text)
    if key in UNNUMBERED:
        return "chapter", "", key
    if NOTES_HEADER.match(text):
        return "notes-header", "", ""
    if m := NOTE.match(text):
        return "note", m.group(1), m.group(2).strip()
    if CREDIT.match(text):
        return "credit", "", text
    if m := IMAGE.match(text):
        return "image", "", m.group(1)
    if is_heading_shape(text):
        if m := APPENDIX.match(text):
            return "appendix", m.group(1), m.group(2).strip()
        for pattern, kind in ((CHAPTER, "chapter"), (SECTION, "section"), (SUBHEADING, "subheading")):
            if m := pattern.match(text):
                return ("subheading" if in_appendix else kind), m.group(1), m.group(2).strip()
        if m := FIGURE.match(text):
            return "figure", m.group(1), m.group(2).strip()
        if m := BOX.match(text):
            return "box", m.group(1), m.group(2).strip()
    return "paragraph", "", text


SOURCE = "source.txt"
CONFIG = "book.yaml"


def locate(path: Path) -> Located | None:
    """A book folder holding source.txt (and book.yaml, images/), or a bare text file."""
    if path.is_dir() and (path / SOURCE).is_file():
        config = path / CONFIG
        return Located(path.resolve().name, path / SOURCE, config if config.is_file() else None, path / "images")
    if path.is_file():
        return Located(path.stem, path, None, path.parent / "images")
    return None


def configure(located: Located, encoding: str | None = None) -> Config:
    """The book's book.yaml, if it has one."""
    return config_module.load(located.config)


def read(located: Located, config: Config, encoding: str | None = None) -> Manuscript:
    """The white paper `located` names, with book.yaml's rules for run-in heads and boxes."""
    rule = RunInRule(
        max_length=config.run_in.get("max_length", RunInRule.max_length),
        include=tuple(config.run_in.get("include", ())),
        exclude=tuple(config.run_in.get("exclude", ())),
    )
    return parse(located.source.read_bytes(), located.source, located.images, rule, encoding, config.boxes, config)


def parse(
    data: bytes,
    path: Path,
    images: Path,
    run_in: RunInRule = RunInRule(),
    encoding: str | None = None,
    box_paragraphs: dict[str, int] | None = None,
    config: Config | None = None,
) -> Manuscript:
    """Parse the published text in `data` (read from `path`); figures are looked up in `images`.

    A box (专栏) takes the paragraphs up to the next heading, unless
    `box_paragraphs` gives its number of paragraphs (by its label, "专栏一").
    """
    lines = clean_lines(decode(data, path, encoding))
    if not lines:
        raise InputError("the text is empty; give the white paper's full text", path)
    pos = 0
    source_note = ""
    if LEAD_IN.search(lines[0].text):
        # "…发布《…》白皮书。全文如下：" — the sentence is the source; the colon introduced the text.
        source_note = LEAD_IN.sub("", lines[0].text)
        pos = 1

    # Title block: title lines, the date line, the issuer.
    date_at = next((i for i in range(pos, min(pos + 6, len(lines))) if DATE_LINE.match(lines[i].text)), None)
    if date_at is None or date_at == pos:
        where = lines[pos].number if pos < len(lines) else None
        raise InputError(
            "no title block: expected the title, then a date line like （2023年3月）, then the issuer",
            path,
            where,
        )
    title = lines[pos].text
    subtitle = "".join(line.text for line in lines[pos + 1 : date_at])
    year, month = DATE_LINE.match(lines[date_at].text).groups()
    pos = date_at + 1
    issuer = ""
    if pos < len(lines) and compact(lines[pos].text) != "目录":
        issuer = lines[pos].text
        pos += 1

    # 目录: entries up to the line where the first entry comes back as a heading.
    if pos >= len(lines) or compact(lines[pos].text) != "目录":
        raise InputError("no 目录 (table of contents) after the title block", path, lines[min(pos, len(lines) - 1)].number)
    toc_line = lines[pos]
    pos += 1
    if pos >= len(lines):
        raise InputError("the 目录 lists nothing", path, toc_line.number)
    first = compact(lines[pos].text)
    end = next((i for i in range(pos + 1, len(lines)) if compact(lines[i].text) == first), None)
    if end is None:
        raise InputError(
            f"the first 目录 entry “{lines[pos].text}” never comes back as a heading in the body",
            path,
            lines[pos].number,
        )
    toc = lines[pos:end]

    # Third-level headings belong to the 目录 (and so to bookmarks and nav) only if it lists them.
    deep_toc = any(classify(entry.text, False)[0] == "subheading" for entry in toc)
    body = Body(path, images, run_in, deep_toc, box_paragraphs or {}, config)
    for line in lines[end:]:
        body.add(line)
    chapters = body.finish()
    check_toc(toc, chapters, path)
    return Manuscript(
        title=title,
        subtitle=subtitle,
        date=f"{year}-{int(month):02d}",
        date_label=f"{year}年{int(month)}月",
        issuer=issuer,
        source_note=source_note,
        chapters=chapters,
        credit=body.credit,
    )


class Body:
    """Builds the chapters line by line, keeping track of where the text goes."""

    def __init__(self, path: Path, images: Path, run_in: RunInRule, deep_toc: bool, box_paragraphs: dict[str, int],
                 config: Config | None):
        self.config = config  # book.yaml: the images the book knowingly lacks
        self.path, self.images, self.run_in, self.deep_toc = path, images, run_in, deep_toc
        self.box_paragraphs = {compact(label): count for label, count in box_paragraphs.items()}
        self.chapters: list[Chapter] = []
        self.container: list[Block] | None = None  # the chapter's or section's blocks
        self.box: Box | None = None  # an open 专栏, which takes the paragraphs until the next heading
        self.box_length: int | None = None  # or as many as book.yaml says
        self.notes: list[Note] = []
        self.in_notes = False
        self.credit = ""
        self.counts: dict[str, int] = {}

    def next_id(self, prefix: str) -> str:
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return f"{prefix}-{self.counts[prefix]}"

    def add(self, line: Line) -> None:
        in_appendix = bool(self.chapters) and self.chapters[-1].kind == "appendix"
        kind, number, value = classify(line.text, in_appendix)
        if kind == "notes-header":
            self.in_notes = True
        elif kind == "note":
            self.in_notes = True
            self.notes.append(Note(f"note-{len(self.notes) + 1}", number, (Text(value),), line.number))
        elif kind == "credit":
            self.credit = value
        elif self.in_notes and kind == "paragraph" and self.notes:
            # A note running over several lines.
            last = self.notes[-1]
            self.notes[-1] = replace(last, content=(Text(last.text + value),))
        elif kind in ("chapter", "appendix"):
            self.in_notes = False
            self.start_chapter(kind, number, value, line)
        elif self.container is None:
            what = f"section “{line.text}”" if kind == "section" else f"text “{line.text[:20]}…”"
            raise InputError(f"{what} comes before the first chapter heading", self.path, line.number)
        elif kind == "section":
            chapter = self.chapters[-1]
            if chapter.sections:
                self.check_order(chapter.sections[-1], number, line)
            else:
                self.check_order(None, number, line)
            chapter.sections.append(Section(f"{chapter.id}-{len(chapter.sections) + 1}", number, value, line.number))
            self.container, self.box = chapter.sections[-1].blocks, None
        elif kind == "subheading":
            parent = self.chapters[-1].sections[-1].id if self.chapters[-1].sections else self.chapters[-1].id
            in_toc = self.deep_toc and not in_appendix
            self.container.append(Subheading(self.next_id(f"{parent}-h"), number, value, line.number, in_toc))
            self.box = None
        elif kind == "box":
            self.box = Box(self.next_id("box"), f"{number} {value}".strip(), line.number)
            self.box_length = self.box_paragraphs.get(compact(number))
            self.container.append(self.box)
        elif kind in ("image", "figure"):
            self.figure(kind, number, value, line)
        else:
            blocks = self.box.blocks if self.box else self.container
            first = not any(isinstance(b, Paragraph) for b in blocks)
            lead = self.run_in.lead(value, first)
            rest = (Text(value[len(lead):]),) if value != lead else ()
            blocks.append(Paragraph(((Strong((Text(lead),)),) if lead else ()) + rest, line.number))
            if self.box and len(self.box.blocks) == self.box_length:
                self.box = None  # book.yaml says where this box ends

    def check_order(self, previous, number: str, line: Line) -> None:
        """Numbered headings go 一、二、三… (or （一）（二）…): a gap or a repeat is a mistake in the text."""
        expected = numeral_value(previous.number) + 1 if previous else 1
        if numeral_value(number) != expected:
            after = f" after “{previous.heading}” (line {previous.line})" if previous else ""
            raise InputError(
                f"heading “{line.text}” is out of order{after}: expected number {expected}; "
                "correct the numbering or the heading",
                self.path,
                line.number,
            )

    def start_chapter(self, kind: str, number: str, title: str, line: Line) -> None:
        if self.chapters:
            self.check_not_empty(self.chapters[-1])
        if kind == "appendix":
            ident, kind = self.next_id("appendix"), "appendix"
        elif number:
            numbered = [c for c in self.chapters if c.kind == "chapter"]
            self.check_order(numbered[-1] if numbered else None, number, line)
            ident, kind = self.next_id("ch"), "chapter"
        else:
            ident = kind = UNNUMBERED[title]
        self.chapters.append(Chapter(ident, number, title, line.number, kind=kind, source=self.path))
        self.container, self.box = self.chapters[-1].blocks, None

    def figure(self, kind: str, number: str, value: str, line: Line) -> None:
        """An image line and a caption line (`图1 …`), in either order, make one figure."""
        blocks = self.box.blocks if self.box else self.container
        previous = blocks[-1] if blocks and isinstance(blocks[-1], Figure) else None
        if kind == "figure":
            caption = f"{number} {value}"
            if previous and not previous.caption:
                blocks[-1] = replace(previous, caption=caption, alt=caption)
            else:
                blocks.append(Figure(None, caption, line.number, caption))
            return
        path = local_figure(value, self.images, self.path, line.number, self.config)
        if previous and previous.path is None and path:
            blocks[-1] = replace(previous, path=path)
        elif path:
            blocks.append(Figure(path, "", line.number))

    def check_not_empty(self, chapter: Chapter) -> None:
        for part in [chapter] + chapter.sections:
            if not any(isinstance(b, (Paragraph, Figure, Box)) for b in part.blocks) and not getattr(part, "sections", None):
                raise InputError(f"“{part.heading}” has no text; add it, or remove the heading", self.path, part.line)

    def finish(self) -> list[Chapter]:
        if not self.chapters:
            raise InputError("no chapters after the 目录 (前言, 一、…, 结束语)", self.path)
        self.check_not_empty(self.chapters[-1])
        link_notes(self.chapters, self.notes, self.path)
        return self.chapters


def numeral_value(number: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21: the value of a heading's Chinese number (up to 99)."""
    digits = [NUMERALS.index(c) + 1 for c in number if c in NUMERALS]
    if 10 not in digits:
        return digits[0] if len(digits) == 1 else 0
    ten = digits.index(10)
    tens, units = digits[:ten], digits[ten + 1 :]
    return (tens[0] if tens else 1) * 10 + (units[0] if units else 0)


def link_notes(chapters: list[Chapter], notes: list[Note], path: Path) -> None:
    """Make each note mark in the text a call of its note: the next unused note with the same mark."""
    unused = list(notes)

    def take(mark: str, line: int) -> Note | None:
        note = next((n for n in unused if n.mark == mark), None)
        if note is None:
            log.warning("%s:%d: note mark %s has no note 注%s at the end", path, line, mark, mark)
        else:
            unused.remove(note)
        return note

    for chapter in chapters:
        for container in [chapter.blocks] + [s.blocks for s in chapter.sections] + [
            b.blocks for b in chapter.blocks_in_order() if isinstance(b, Box)
        ]:
            for i, block in enumerate(container):
                if isinstance(block, Paragraph) and any(c in NOTE_MARKS for c in block.text):
                    container[i] = replace(block, content=calls(block.content, lambda mark: take(mark, block.line)))
    for note in unused:
        log.warning("%s:%d: note 注%s is not referred to in the text", path, note.line, note.mark)


def calls(content: tuple[Inline, ...], take) -> tuple[Inline, ...]:
    """`content` with each note mark for which `take(mark)` gives a note made a NoteRef to it."""
    result: list[Inline] = []
    for node in content:
        if isinstance(node, Strong):
            result.append(Strong(calls(node.content, take)))
            continue
        for part in re.split(f"([{NOTE_MARKS}])", node.text):
            note = take(part) if part and part in NOTE_MARKS else None
            if note:
                result.append(NoteRef(note))
            elif part and result and isinstance(result[-1], Text):
                result[-1] = Text(result[-1].text + part)  # a mark without its note stays text
            elif part:
                result.append(Text(part))
    return tuple(result)


def local_figure(url: str, images: Path, path: Path, line: int, config: Config | None = None) -> Path | None:
    """The local copy of a published image; nothing is ever fetched, nothing outside `images` read."""
    name = PurePosixPath(urlparse(url).path).name
    candidate = images / name if re.fullmatch(r"[\w.-]+", name) and not name.startswith(".") else None
    if candidate is not None and candidate.is_symlink():
        log.warning("%s:%d: image %s is a symbolic link; links are not followed, the figure is left out",
                    path, line, candidate)
        return None
    if candidate is None or not candidate.is_file():
        missing_image(config, name, path, line, f"image {name or url} is not in {images}/; the figure is left out "
                      "(put the file there to include it, or list it in book.yaml's images_left_out)")
        return None
    return candidate


def check_toc(toc: list[Line], chapters: list[Chapter], path: Path) -> None:
    headings = [(entry.heading, entry.line) for top in contents(chapters) for entry in top.flat()]
    body_keys = [compact(heading) for heading, _ in headings]
    at = 0
    for entry in toc:
        key = compact(entry.text)
        if at < len(headings) and key == body_keys[at]:
            at += 1
        elif APPENDIX.match(entry.text) and key not in body_keys[at:]:
            # Appendices are often published separately: listed, but not in this text.
            log.warning("%s:%d: appendix “%s” is listed in the 目录 but not in the text", path, entry.number, entry.text)
        elif at < len(headings):
            heading, line = headings[at]
            raise InputError(
                f"目录 entry “{entry.text}” does not match the heading at line {line}, “{heading}”; "
                "correct one of them",
                path,
                entry.number,
            )
        else:
            raise InputError(f"目录 entry “{entry.text}” has no heading in the body", path, entry.number)
    if at < len(headings):
        heading, line = headings[at]
        raise InputError(f"heading “{heading}” is missing from the 目录", path, line)
