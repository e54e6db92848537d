"""A finished PDF's glyphs as lines, and where its body text and type area are.

Nothing but the PDF's glyphs (pdfplumber: text, font, size, position) and
its outline (pypdf) is read.

How the body text is found
--------------------------
* Lines: a page's glyphs grouped by baseline (the origin's y, within 1 pt),
  left to right. Space glyphs are kept for the text layer but ignored for
  layout ("ink" glyphs are the others).
* em: the body size, the most common glyph size in the document (in a
  tagged PDF, of its paragraphs: not of notes or tables, however long).
* Kinds of line: *body* if every ink glyph has the body size (run-in heads,
  bold at body size, included); *heading* if some glyph is larger;
  otherwise *minor* (running heads, folios, notes), which is ignored.
* Footnotes and table cells in a smaller size: in a tagged PDF, the lines
  of Note, TD and TH elements that are not body lines are text of their own
  (`smaller`), one per size, which is their em; the type area is the body's,
  each note or cell a paragraph.
* Body pages: from the first page that an outline entry points to; the front
  matter before it (cover, title page, colophon, contents) is skipped. A PDF
  without an outline is checked from page 1.
* Superscripts: a smaller glyph less than half an em above the baseline of
  the line below it, within that line's width (a note's call ①), is a glyph
  of that line; its size does not make the line other than body text.
* Left edge of the type area: book pages mirror their margins, so there is
  one left edge for right-hand and one for left-hand pages (odd and even
  folios, from the page labels; a page without a numeric label by its
  place in the PDF, which leaves blank pages out): the smallest x of a body
  line's first glyph on those pages. Lines that open with an opening mark
  are left out, since a half-width (`halt`) mark is drawn ½ em left of the
  pen. One edge per side rather than per page: a page holding nothing but
  a paragraph's first line would otherwise take the indent for the margin.
  So each side needs one line somewhere that is not a paragraph's first,
  as any book has.
* Measure: page width − recto left edge − verso left edge (a recto's right
  margin is a verso's left one). Not the longest line: ragged setting can
  leave every line an em short. With body text on one side only (a book of
  one-page chapters, each on a recto), the lines' most common end: justified
  lines end flush. Right edge of a page = its left edge + measure.
* Paragraphs: in a tagged PDF, each structure element that holds text (P,
  a heading, a table cell…) is a paragraph: a line starts one if its text
  begins that element, ends one if the next line's text belongs to another;
  list labels (Lbl) are not text to check; lines inside lists, quotes,
  tables and notes (whose marks hang) measure their inset from their own
  block's left edge, not the type area's; a table cell's right edge is where its lines before the last end
  furthest right (they end together when the cell is justified). Untagged, a body line starts a paragraph if its first glyph sits
  2 em (± 0.3 em) right of the left edge (for an opening mark, at 2 em or
  1½ em: it may be set half-width), or if it directly follows a heading, or
  if it is the first body line; a line ends its paragraph if the next body
  text starts a paragraph or is a heading, or if it is the last body line.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pdfplumber
from pypdf import PdfReader

OPENING = "“‘（《〈【「『〔"
CLOSING = "，。、；：？！”’）》」』】〕〉"  # closing marks and stops

# Tolerances, in em unless said otherwise.
BASELINE_PT = 1.0  # glyphs whose baselines differ less share a line
SIZE_PT = 0.05  # sizes closer than this are equal
INDENT = 2.0  # paragraph indent
INDENT_SLACK = 0.3


class CheckError(ValueError):
    """The PDF cannot be checked (not a PDF, or no body text in it)."""


# Structure elements (PDF 1.7, 14.8.4) that hold a paragraph's text, and those
# that set their content apart from the running text.
CELLS = {"/TD", "/TH"}
SET_APART = CELLS | {"/Note"}  # blocks often set smaller than the body
CODE = "/Code"  # a code block: columns of a monospaced face, not text set by clreq
BLOCKS = {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Lbl", "/Caption", "/TOCI", CODE} | SET_APART
NESTED = {"/L", "/LI", "/LBody", "/BlockQuote", "/Table", "/TR", "/TH", "/TD", "/TOC", "/TOCI", "/Note", "/Caption"}


@dataclass(frozen=True)
class Block:
    """The structure element a glyph's text belongs to."""

    key: int  # which element: the same across pages
    kind: str  # its structure type: "/P", "/Lbl"…
    nested: bool  # inside a list, a quote, a table…


@dataclass(slots=True)
class Glyph:
    text: str
    font: str
    size: float
    x0: float
    x1: float
    baseline: float  # from the top of the page
    block: Block | None = None  # in a tagged PDF
    content: bool = True  # not an artifact (a running head, a folio): marked content of a tagged PDF
    raised: bool = False  # a smaller glyph raised above its line's baseline: a note's call, a superscript

    @property
    def space(self) -> bool:
        return self.text.isspace()


@dataclass
class Line:
    page: int  # 1-based
    glyphs: list[Glyph]  # left to right, spaces included
    kind: str = "minor"  # "body", "heading" or "minor"
    start: bool = False  # starts a paragraph (body lines)
    last: bool = False  # ends a paragraph (body lines)

    @cached_property
    def ink(self) -> list[Glyph]:
        return [g for g in self.glyphs if not g.space]

    @property
    def block(self) -> Block | None:
        return self.ink[0].block

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass
class Pages:
    """The lines of a PDF's pages, with the body size and type area found from them."""

    em: float
    lines: list[Line]  # every line of every page, in reading order
    first_body: int  # 1-based page number
    left: dict[int, float]  # side (1: right-hand, 0: left-hand) → left edge of the type area
    measure: float
    sides: dict[int, int]  # page number → its side

    @cached_property
    def flow(self) -> list[Line]:
        """Body lines and headings of the body pages, in reading order."""
        return [l for l in self.lines if l.page >= self.first_body and l.kind != "minor"]

    @cached_property
    def body(self) -> list[Line]:
        return [l for l in self.flow if l.kind == "body"]

    blocks_left: dict[int, float] = field(default_factory=dict)  # a nested block's key → its left edge
    cells_right: dict[int, float] = field(default_factory=dict)  # a table cell's key → its right edge

    def left_edge(self, line: Line) -> float:
        if line.block and line.block.nested:
            return self.blocks_left.get(line.block.key, line.ink[0].x0)
        return self.left[self.sides[line.page]]

    def right_edge(self, line: Line) -> float:
        """The type area's (lists and quotes are set in on the left only), or a table cell's."""
        if line.block and line.block.key in self.cells_right:
            return self.cells_right[line.block.key]
        return self.left[self.sides[line.page]] + self.measure


def structure(reader: PdfReader) -> dict[tuple[int, int], Block]:
    """(page number, marked-content id) → the block its text belongs to; empty for an untagged PDF."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        return {}
    numbers = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, 1)}
    found: dict[tuple[int, int], Block] = {}
    keys = iter(range(1 << 62))

    def walk(element, page: int | None, block: Block | None, nested: bool) -> None:
        kind = str(element.get("/S", ""))
        if "/Pg" in element:
            page = numbers.get(element.raw_get("/Pg").idnum, page)
        if kind in BLOCKS:
            # A note's mark hangs: its lines, like a list's, start at its own left edge.
            block = Block(next(keys), kind, nested or kind == "/Note")
        nested = nested or kind in NESTED
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, int) and block and page:
                found[page, kid] = block
            elif hasattr(kid, "get") and kid.get("/Type") == "/MCR" and block:
                mcr_page = numbers.get(kid.raw_get("/Pg").idnum, page) if "/Pg" in kid else page
                found[mcr_page, int(kid["/MCID"])] = block
            elif hasattr(kid, "get") and "/S" in kid:
                walk(kid, page, block, nested)

    walk(root, None, None, False)
    return found


def page_lines(page, number: int, blocks: dict[tuple[int, int], Block]) -> list[Line]:
    """The page's glyphs grouped into lines by baseline and block, top to bottom; list labels left out."""
    glyphs = sorted(
        (
            Glyph(c["text"], c["fontname"], c["size"], c["x0"], c["x1"], page.height - c["matrix"][5],
                  blocks.get((number, c["mcid"])), not blocks or c["mcid"] is not None)
            for c in page.chars
        ),
        key=lambda g: (g.baseline, g.x0),
    )
    glyphs = [g for g in glyphs if not (g.block and g.block.kind == "/Lbl")]
    lines: list[Line] = []
    for g in glyphs:
        if lines and g.baseline - lines[-1].glyphs[0].baseline < BASELINE_PT:
            lines[-1].glyphs.append(g)
        else:
            lines.append(Line(number, [g]))
    lines = with_raised(lines)
    split = []
    for line in lines:
        line.glyphs.sort(key=lambda g: g.x0)
        # Side by side on one baseline, the cells of a table row are lines of their own.
        runs = [[line.glyphs[0]]]
        for g in line.glyphs[1:]:
            if g.block == runs[-1][-1].block:
                runs[-1].append(g)
            else:
                runs.append([g])
        split += [Line(number, run) for run in runs]
    return [line for line in split if line.ink]


def with_raised(lines: list[Line]) -> list[Line]:
    """Lines with their superscripts: smaller glyphs standing less than half an em of the line below
    above its baseline, within its width, are glyphs of that line (marked `raised`)."""
    merged: list[Line] = []
    for line, below in zip(lines, lines[1:] + [None]):
        size = max(g.size for g in line.glyphs)
        if below is not None and (body := max(g.size for g in below.glyphs)) > size + SIZE_PT \
                and below.glyphs[0].baseline - line.glyphs[0].baseline < 0.5 * body \
                and min(g.x0 for g in below.glyphs) <= line.glyphs[0].x0 <= max(g.x1 for g in below.glyphs):
            below.glyphs.extend(replace(g, raised=True, baseline=below.glyphs[0].baseline) for g in line.glyphs)
        else:
            merged.append(line)
    return merged


def first_body_page(reader: PdfReader) -> int:
    """The first page (1-based) an outline entry points to; 1 without an outline."""

    def pages(items) -> Iterator[int]:
        for item in items:
            if isinstance(item, list):
                yield from pages(item)
            elif (number := reader.get_destination_page_number(item)) is not None and number >= 0:
                yield number + 1

    return min(pages(reader.outline), default=1)


def classify(lines: list[Line], em: float) -> None:
    """Body size throughout → body; anything larger → heading; the rest stays minor."""
    for line in lines:
        sizes = [g.size for g in line.ink if not g.raised]
        if all(abs(s - em) < SIZE_PT for s in sizes):
            line.kind = "body"
        elif max(sizes) > em + SIZE_PT:
            line.kind = "heading"


def sides(reader: PdfReader) -> dict[int, int]:
    """Page number → 1 for a right-hand page (an odd folio), 0 for a left-hand one: by its page label's
    number (arabic or roman), else by its place."""
    try:
        labels = reader.page_labels
    except (KeyError, ValueError, TypeError):  # no label tree, or one pypdf cannot read
        labels = []
    found = {}
    for number in range(1, len(reader.pages) + 1):
        label = labels[number - 1] if number <= len(labels) else ""
        folio = int(label) if label.isdigit() else roman(label)
        found[number] = (folio if folio else number) % 2
    return found


def roman(label: str) -> int:
    """The value of a lower- or upper-case roman numeral; 0 if `label` is none."""
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    digits = [values.get(c) for c in label.lower()]
    if not digits or None in digits:
        return 0
    return sum(-d if d < after else d for d, after in zip(digits, digits[1:] + [0]))


def left_edges(body: list[Line], side: dict[int, int]) -> dict[int, float]:
    """Side → the leftmost start of a body line on pages of that side."""
    edges: dict[int, float] = {}
    for line in body:
        if line.ink[0].text[:1] not in OPENING:
            parity = side[line.page]
            edges[parity] = min(edges.get(parity, line.ink[0].x0), line.ink[0].x0)
    if not edges:
        raise CheckError("no body line to find the type area from")
    # Body text on one side only: both sides share its edge.
    return {0: edges.get(0, edges.get(1)), 1: edges.get(1, edges.get(0))}


def indented(line: Line, pages: Pages) -> bool:
    first = line.ink[0]
    target = pages.left_edge(line) + INDENT * pages.em
    starts = [first.x0] + ([first.x0 + 0.5 * pages.em] if first.text[:1] in OPENING else [])
    return any(abs(x - target) <= INDENT_SLACK * pages.em for x in starts)


def overleaf(previous: Line | None, line: Line, pages: Pages) -> bool:
    """Whether a page's first line goes on with the paragraph of the last page's last: a tagged PDF has
    a structure element for each page's part of a paragraph, so it is told as an untagged one is, by the
    line before filling the measure and this one not being indented."""
    if previous is None or previous.kind != "body" or previous.page == line.page or indented(line, pages):
        return False
    end = previous.ink[-1]  # a closing mark may be set half an em wide
    return (end.x0 + pages.em if end.text[-1:] in CLOSING else end.x1) >= pages.right_edge(previous) - 0.1 * pages.em


def mark_paragraphs(pages: Pages) -> None:
    """Set each body line's `start` and `last` (see the module's docstring)."""
    tagged = any(line.block for line in pages.flow)
    before = [None] + pages.flow[:-1]
    for previous, line in zip(before, pages.flow):
        if line.kind == "body":
            new_block = tagged and (previous is None or previous.block != line.block) and not overleaf(previous, line, pages)
            line.start = previous is None or previous.kind == "heading" or new_block or (not tagged and indented(line, pages))
    after = pages.flow[1:] + [None]
    for line, following in zip(pages.flow, after):
        if line.kind == "body":
            line.last = following is None or following.kind == "heading" or following.start or (
                tagged and following.block != line.block and not overleaf(line, following, pages))
    # A nested block's left edge: where its lines after the first begin.
    for line in pages.body:
        if line.block and line.block.nested and not line.start:
            edge = pages.blocks_left.get(line.block.key, line.ink[0].x0)
            pages.blocks_left[line.block.key] = min(edge, line.ink[0].x0)
    for line in pages.body:
        if line.block and line.block.kind in CELLS and not line.last:
            end = line.ink[-1]
            x = end.x0 + pages.em if end.text[-1:] in CLOSING else end.x1
            pages.cells_right[line.block.key] = max(pages.cells_right.get(line.block.key, x), x)


def smaller(pages: Pages) -> list[Pages]:
    """The tagged footnotes and table cells not in the body size: a text for each size they are set in."""
    sizes: dict[float, list[Line]] = {}
    for line in pages.lines:
        if line.kind == "minor" and line.page >= pages.first_body and line.block and line.block.kind in SET_APART:
            sizes.setdefault(round(line.ink[0].size, 2), []).append(Line(line.page, line.glyphs))
    texts = []
    for em, lines in sorted(sizes.items()):
        classify(lines, em)
        text = Pages(em, lines, pages.first_body, pages.left, pages.measure, pages.sides)
        mark_paragraphs(text)
        texts.append(text)
    return texts


def read(pdf_path: Path, reader: PdfReader) -> Pages:
    first = first_body_page(reader)
    blocks = structure(reader)
    with pdfplumber.open(pdf_path) as pdf:
        lines = [line for page in pdf.pages for line in page_lines(page, page.page_number, blocks)]
        widths = {page.page_number: float(page.width) for page in pdf.pages}
    paragraphs = [g for line in lines for g in line.ink if g.block and g.block.kind == "/P"]
    sizes = Counter(round(g.size, 2) for g in paragraphs or [g for line in lines for g in line.ink])
    if not sizes:
        raise CheckError("no text in it")
    em = sizes.most_common(1)[0][0]
    classify(lines, em)
    body = [l for l in lines if l.kind == "body" and l.page >= first]
    side = sides(reader)
    flowing = [l for l in body if not (l.block and l.block.nested)] or body
    left = left_edges(flowing, side)
    if len({side[l.page] for l in flowing}) == 2:
        measure = widths[first] - left[0] - left[1]
    else:  # a book so short that every chapter is a recto: its justified lines' most common end
        measure = Counter(round(l.ink[-1].x1 - left[side[l.page]], 1) for l in flowing).most_common(1)[0][0]
    pages = Pages(em, lines, first, left, measure, side)
    mark_paragraphs(pages)
    return pages
