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
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from .errors import InputError
from .tree import Block, Chapter, Figure, Paragraph, Section

log = logging.getLogger(__name__)

NUMERALS = "一二三四五六七八九十"
LEAD_IN = re.compile(r"全文如下[：:]$")
DATE_LINE = re.compile(r"^（(\d{4})年(\d{1,2})月）$")
CHAPTER = re.compile(rf"^([{NUMERALS}]+、)(.+)$")
SECTION = re.compile(rf"^(（[{NUMERALS}]+）)(.+)$")
IMAGE = re.compile(r"^\[image:\s*(\S+?)\s*\]$")
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

    A paragraph opening with `——` leads with its first sentence. Any other
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
        sentence = first_sentence(text)
        if not sentence or sentence in self.exclude or sentence == text:
            return ""
        if sentence.startswith("——"):
            return sentence
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


@dataclass
class Document:
    """What the reader found: the front matter and the chapters."""

    title: str
    subtitle: str
    date: str  # W3C date
    date_label: str
    issuer: str
    source_note: str  # the lead-in without its closing "全文如下："
    chapters: list[Chapter] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # cleaned: no indent, no artefacts


def decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError("the text is not UTF-8; save it as UTF-8 and build again", path, line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


def classify(text: str) -> tuple[str, str, str]:
    """(kind, number, title) of a body line: kind is chapter, section, image or paragraph."""
    key = compact(text)
    if key in UNNUMBERED:
        return "chapter", "", key
    if is_heading_shape(text):
        if m := CHAPTER.match(text):
            return "chapter", m.group(1), m.group(2).strip()
        if m := SECTION.match(text):
            return "section", m.group(1), m.group(2).strip()
    if m := IMAGE.match(text):
        return "image", "", m.group(1)
    return "paragraph", "", text


def read(
    data: bytes,
    path: Path,
    images: Path,
    run_in: RunInRule = RunInRule(),
) -> Document:
    """Parse the published text in `data` (read from `path`); figures are looked up in `images`."""
    lines = clean_lines(decode(data, path))
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

    chapters = read_body(lines[end:], path, images, run_in)
    check_toc(toc, chapters, path)
    return Document(
        title=title,
        subtitle=subtitle,
        date=f"{year}-{int(month):02d}",
        date_label=f"{year}年{int(month)}月",
        issuer=issuer,
        source_note=source_note,
        chapters=chapters,
    )


def read_body(lines: list[Line], path: Path, images: Path, run_in: RunInRule) -> list[Chapter]:
    chapters: list[Chapter] = []
    numbered = 0
    blocks: list[Block] | None = None
    for line in lines:
        kind, number, value = classify(line.text)
        if kind == "chapter":
            if number:
                numbered += 1
                ident = f"ch-{numbered}"
            else:
                ident = UNNUMBERED[value]
            chapters.append(Chapter(ident, number, value, line.number))
            blocks = chapters[-1].blocks
        elif kind == "section":
            if not chapters:
                raise InputError(f"section “{line.text}” comes before any chapter", path, line.number)
            chapter = chapters[-1]
            chapter.sections.append(
                Section(f"{chapter.id}-{len(chapter.sections) + 1}", number, value, line.number)
            )
            blocks = chapter.sections[-1].blocks
        elif blocks is None:
            raise InputError(f"text before the first heading: “{line.text[:20]}…”", path, line.number)
        elif kind == "image":
            figure = local_figure(value, images, path, line.number)
            if figure:
                blocks.append(figure)
        else:
            first = not any(isinstance(b, Paragraph) for b in blocks)
            blocks.append(Paragraph(value, line.number, run_in.lead(value, first)))
    return chapters


def local_figure(url: str, images: Path, path: Path, line: int) -> Figure | None:
    """The local copy of a published image; nothing is ever fetched."""
    name = PurePosixPath(urlparse(url).path).name
    candidate = images / name if re.fullmatch(r"[\w.-]+", name) and not name.startswith(".") else None
    if candidate is None or not candidate.is_file():
        log.warning(
            "%s:%d: image %s is not in %s/; the figure is left out (put the file there to include it)",
            path, line, name or url, images,
        )
        return None
    return Figure(candidate, "", line)


def check_toc(toc: list[Line], chapters: list[Chapter], path: Path) -> None:
    headings = []
    for c in chapters:
        headings.append((c.heading, c.line))
        headings.extend((s.heading, s.line) for s in c.sections)
    for entry, (heading, line) in zip(toc, headings):
        if compact(entry.text) != compact(heading):
            raise InputError(
                f"目录 entry “{entry.text}” does not match the heading at line {line}, “{heading}”; "
                "correct one of them",
                path,
                entry.number,
            )
    if len(toc) > len(headings):
        extra = toc[len(headings)]
        raise InputError(f"目录 entry “{extra.text}” has no heading in the body", path, extra.number)
    if len(headings) > len(toc):
        heading, line = headings[len(toc)]
        raise InputError(f"heading “{heading}” is missing from the 目录", path, line)
