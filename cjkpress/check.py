"""Preflight: the clreq rules for horizontal Simplified Chinese, checked on a finished PDF.

`check(pdf)` reads nothing but the PDF's glyphs (pdfplumber: text, font, size,
position) and its outline and fonts (pypdf); it knows nothing of the source
text, so it judges any PDF the way a reader would see it. `run(paths)` is
the command: it prints one report per PDF and returns the exit status.

How the body text is found
--------------------------
* Lines: a page's glyphs grouped by baseline (the origin's y, within 1 pt),
  left to right. Space glyphs are kept for the text layer but ignored for
  layout ("ink" glyphs are the others).
* em: the body size, the most common glyph size in the document.
* Kinds of line: *body* if every ink glyph has the body size (run-in heads,
  bold at body size, included); *heading* if some glyph is larger;
  otherwise *minor* (running heads, folios, notes), which is ignored.
* Body pages: from the first page that an outline entry points to; the front
  matter before it (cover, title page, colophon, contents) is skipped. A PDF
  without an outline is checked from page 1.
* Left edge of the type area: book pages mirror their margins, so there is
  one left edge for odd and one for even pages: the smallest x of a body
  line's first glyph on those pages. Lines that open with an opening mark
  are left out, since a half-width (`halt`) mark is drawn ½ em left of the
  pen. One edge per side rather than per page: a page holding nothing but
  a paragraph's first line would otherwise take the indent for the margin.
  So each side needs one line somewhere that is not a paragraph's first,
  as any book has.
* Measure: page width − recto left edge − verso left edge (a recto's right
  margin is a verso's left one); with body text on one side only, the type
  area is taken as centred. Not the longest line: ragged setting can leave
  every line an em short. Right edge of a page = its left edge + measure.
* Paragraphs: a body line starts one if its first glyph sits 2 em (± 0.3 em)
  right of the left edge (for an opening mark, at 2 em or 1½ em: it may be
  set half-width), or if it directly follows a heading, or if it is the
  first body line. A line ends its paragraph if the next body text starts a
  paragraph or is a heading, or if it is the last body line.

The rules (body lines only unless said otherwise; clreq is the W3C's
"Requirements for Chinese Text Layout"):
justification, adjacent-punctuation, line-start, line-end, split-dash,
han-latin-spacing, lone-character, heading-at-foot, widow, orphan,
text-layer, fonts (every font of every page), fallback-font (every glyph of
every page). Each check below says what it counts.
"""

import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException
from pypdf import PdfReader
from pypdf.errors import PyPdfError

RULES = (
    "justification",
    "adjacent-punctuation",
    "line-start",
    "line-end",
    "split-dash",
    "han-latin-spacing",
    "lone-character",
    "heading-at-foot",
    "widow",
    "orphan",
    "text-layer",
    "fonts",
    "fallback-font",
)

CLOSING = "，。、；：？！”’）》」』】〕〉"  # closing marks and stops
OPENING = "“‘（《〈【「『〔"
NO_LINE_START = "，。、；：？！）》」』】〕〉”’·"
INVISIBLE = {"\u200b": "zero-width space", "\u2060": "word joiner", "\u00ad": "soft hyphen", "\ufeff": "BOM"}
STYLE_SUFFIX = re.compile(
    r"[-,]?(Regular|Bold|Italic|Oblique|BoldItalic|BoldOblique|Medium|Light|ExtraLight|DemiLight|Thin|"
    r"SemiBold|Semibold|Black|Heavy)$"
)

# Tolerances, in em unless said otherwise.
BASELINE_PT = 1.0  # glyphs whose baselines differ less share a line
SIZE_PT = 0.05  # sizes closer than this are equal
FLUSH = 0.05  # a justified line ends this close to the right edge
INDENT = 2.0  # paragraph indent
INDENT_SLACK = 0.3
COMPRESSED = 0.6  # ½ em mark + slack: the most two compressed marks may be apart
HAN_LATIN_MIN = 0.15  # about ¼ em, less some give
TEXT_GAP = 0.1  # poppler's pdftotext starts a new word at a gap of 0.1 × size


class CheckError(ValueError):
    """The PDF cannot be checked (not a PDF, or no body text in it)."""


@dataclass(slots=True)
class Glyph:
    text: str
    font: str
    size: float
    x0: float
    x1: float
    baseline: float  # from the top of the page

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
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass(frozen=True)
class Place:
    page: int  # 1-based
    line: str  # the line's text, or "" for a font
    detail: str


@dataclass
class Report:
    path: str
    em: float  # pt
    measure: float  # pt
    first_body_page: int  # 1-based
    places: dict[str, list[Place]] = field(default_factory=lambda: {rule: [] for rule in RULES})

    def count(self, rule: str) -> int:
        return len(self.places[rule])

    @property
    def ok(self) -> bool:
        return not any(self.places.values())

    def format(self, limit: int = 3) -> str:
        total = sum(map(len, self.places.values()))
        lines = [
            f"{self.path}: {total} problem{'s' if total != 1 else ''} "
            f"(body {self.em:g} pt from page {self.first_body_page}, type area {self.measure / self.em:.2f} em)"
        ]
        for rule, places in self.places.items():
            lines.append(f"  {rule}: {len(places)}")
            for p in places[:limit]:
                text = f"{p.line} — " if p.line else ""
                lines.append(f"    p. {p.page}: {text}{p.detail}")
            if len(places) > limit:
                lines.append(f"    … and {len(places) - limit} more")
        return "\n".join(lines)


@dataclass
class Document:
    em: float
    lines: list[Line]  # every line of every page, in reading order
    first_body: int  # 1-based page number
    left: dict[int, float]  # page parity → left edge of the type area
    measure: float

    @cached_property
    def flow(self) -> list[Line]:
        """Body lines and headings of the body pages, in reading order."""
        return [l for l in self.lines if l.page >= self.first_body and l.kind != "minor"]

    @cached_property
    def body(self) -> list[Line]:
        return [l for l in self.flow if l.kind == "body"]

    def left_edge(self, line: Line) -> float:
        return self.left[line.page % 2]

    def right_edge(self, line: Line) -> float:
        return self.left_edge(line) + self.measure


# Characters -----------------------------------------------------------------


def is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def is_latin(ch: str) -> bool:
    """A Latin letter (with or without accents) or an ASCII digit."""
    return (ch.isascii() and ch.isalnum()) or unicodedata.name(ch, "").startswith("LATIN ")


def is_cjk(ch: str) -> bool:
    """Han, or a mark set on the CJK grid (pdftotext treats them alike)."""
    blocks = "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"  # CJK punctuation, full-width forms
    return is_han(ch) or blocks or ch in CLOSING + OPENING + "—…·"


def unreadable(text: str) -> str | None:
    """What is wrong with a glyph's text, if the text layer cannot name it: no
    ToUnicode entry (pdfminer's "(cid:N)"), no text, U+FFFD or a control char."""
    if re.fullmatch(r"\(cid:\d+\)", text) or text == "":
        return text or "no text"
    if "\ufffd" in text or any(unicodedata.category(ch) == "Cc" for ch in text):
        return " ".join(f"U+{ord(ch):04X}" for ch in text)
    return None


def family(font: str) -> str:
    """`ABCDEF+Noto-Sans-CJK-SC-Bold` → `Noto-Sans-CJK-SC`: subset tag and style dropped."""
    return STYLE_SUFFIX.sub("", font.split("+", 1)[-1])


# Reading the PDF --------------------------------------------------------------


def page_lines(page, number: int) -> list[Line]:
    """The page's glyphs grouped into lines by baseline, top to bottom."""
    glyphs = sorted(
        (
            Glyph(c["text"], c["fontname"], c["size"], c["x0"], c["x1"], page.height - c["matrix"][5])
            for c in page.chars
        ),
        key=lambda g: (g.baseline, g.x0),
    )
    lines: list[Line] = []
    for g in glyphs:
        if lines and g.baseline - lines[-1].glyphs[0].baseline < BASELINE_PT:
            lines[-1].glyphs.append(g)
        else:
            lines.append(Line(number, [g]))
    for line in lines:
        line.glyphs.sort(key=lambda g: g.x0)
    return [line for line in lines if line.ink]


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
        sizes = [g.size for g in line.ink]
        if all(abs(s - em) < SIZE_PT for s in sizes):
            line.kind = "body"
        elif max(sizes) > em + SIZE_PT:
            line.kind = "heading"


def left_edges(body: list[Line]) -> dict[int, float]:
    """Page parity → the leftmost start of a body line on pages of that parity."""
    edges: dict[int, float] = {}
    for line in body:
        if line.ink[0].text[:1] not in OPENING:
            parity = line.page % 2
            edges[parity] = min(edges.get(parity, line.ink[0].x0), line.ink[0].x0)
    if not edges:
        raise CheckError("no body line to find the type area from")
    # Body text on one side only: both sides share its edge (a centred type area).
    return {0: edges.get(0, edges.get(1)), 1: edges.get(1, edges.get(0))}


def indented(line: Line, doc: Document) -> bool:
    first = line.ink[0]
    target = doc.left_edge(line) + INDENT * doc.em
    starts = [first.x0] + ([first.x0 + 0.5 * doc.em] if first.text[:1] in OPENING else [])
    return any(abs(x - target) <= INDENT_SLACK * doc.em for x in starts)


def mark_paragraphs(doc: Document) -> None:
    """Set each body line's `start` and `last` (see the module's docstring)."""
    before = [None] + doc.flow[:-1]
    for previous, line in zip(before, doc.flow):
        if line.kind == "body":
            line.start = previous is None or previous.kind == "heading" or indented(line, doc)
    after = doc.flow[1:] + [None]
    for line, following in zip(doc.flow, after):
        if line.kind == "body":
            line.last = following is None or following.kind == "heading" or following.start


def read(pdf_path: Path, reader: PdfReader) -> Document:
    first = first_body_page(reader)
    with pdfplumber.open(pdf_path) as pdf:
        lines = [line for page in pdf.pages for line in page_lines(page, page.page_number)]
        widths = {page.page_number: float(page.width) for page in pdf.pages}
    sizes = Counter(round(g.size, 2) for line in lines for g in line.ink)
    if not sizes:
        raise CheckError("no text in it")
    em = sizes.most_common(1)[0][0]
    classify(lines, em)
    body = [l for l in lines if l.kind == "body" and l.page >= first]
    left = left_edges(body)
    doc = Document(em, lines, first, left, measure=widths[first] - left[0] - left[1])
    mark_paragraphs(doc)
    return doc


# The rules --------------------------------------------------------------------
# Each check yields (rule, Place) for every violation it finds.

Found = Iterator[tuple[str, Place]]


def place(line: Line, detail: str) -> Place:
    return Place(line.page, line.text, detail)


def ems(pt: float, em: float) -> str:
    """A length in em for a message, without "-0.00"."""
    return f"{round(pt / em, 2) + 0.0:.2f}"


def pairs(line: Line) -> Iterator[tuple[Glyph, Glyph]]:
    return zip(line.ink, line.ink[1:])


def justification(doc: Document) -> Found:
    """Every line but a paragraph's last ends at the right edge; a closing mark may end it at ½ em."""
    for line in doc.body:
        if line.last:
            continue
        end = line.ink[-1]
        ends = [end.x0 + 0.5 * doc.em, end.x0 + doc.em] if end.text[-1:] in CLOSING else [end.x1]
        off = min((x - doc.right_edge(line) for x in ends), key=abs)
        if abs(off) > FLUSH * doc.em:
            where = "short of" if off < 0 else "past"
            yield "justification", place(line, f"ends {ems(abs(off), doc.em)} em {where} the right edge")


def adjacent_punctuation(doc: Document) -> Found:
    """Two full-width marks side by side (closing + closing/opening, or opening + opening) take 1½ em, not 2."""
    for line in doc.body:
        for a, b in pairs(line):
            kinds = a.text in CLOSING and b.text in CLOSING + OPENING or a.text in OPENING and b.text in OPENING
            full = min(a.x1 - a.x0, b.x1 - b.x0) >= 0.9 * doc.em
            if kinds and full and b.x0 - a.x0 > COMPRESSED * doc.em:
                yield "adjacent-punctuation", place(line, f"{a.text}{b.text} {ems(b.x0 - a.x0, doc.em)} em apart")


def line_breaks(doc: Document) -> Found:
    """Marks that may not start or end a line, and 2-em dashes and ellipses split over two lines."""
    for line in doc.body:
        if line.ink[0].text[:1] in NO_LINE_START:
            yield "line-start", place(line, f"starts with {line.ink[0].text}")
        if line.ink[-1].text[-1:] in OPENING:
            yield "line-end", place(line, f"ends with {line.ink[-1].text}")
    for line, after in zip(doc.body, doc.body[1:]):
        end, start = line.ink[-1].text[-1:], after.ink[0].text[:1]
        if not after.start and end == start and end in "—…":
            yield "split-dash", place(line, f"{end * 2} split from the next line")


def han_latin_spacing(doc: Document) -> Found:
    """About ¼ em between Han and Latin letters or digits; no space at the start of a line."""
    for line in doc.body:
        for a, b in pairs(line):
            prev, next_ = a.text[-1:], b.text[:1]
            mixed = is_han(prev) and is_latin(next_) or is_latin(prev) and is_han(next_)
            if mixed and b.x0 - a.x1 < HAN_LATIN_MIN * doc.em:
                yield "han-latin-spacing", place(line, f"{prev}{next_} {ems(b.x0 - a.x1, doc.em)} em apart")
        inset = line.ink[0].x0 - doc.left_edge(line)
        if not line.start and inset > FLUSH * doc.em:
            yield "han-latin-spacing", place(line, f"starts {ems(inset, doc.em)} em right of the left edge")


def lone_character(doc: Document) -> Found:
    """A paragraph's last line must not hold a single Han character (with at most punctuation after it)."""
    for line in doc.body:
        rest = "".join(g.text for g in line.ink[1:])
        if (
            line.last
            and not line.start
            and is_han(line.ink[0].text[:1])
            and all(unicodedata.category(ch).startswith("P") for ch in rest)
        ):
            yield "lone-character", place(line, "a single character on the paragraph's last line")


def page_breaks(doc: Document) -> Found:
    """A heading last on its page; a paragraph's last line alone atop a page, or its first line alone at a foot."""
    pages: dict[int, list[Line]] = {}
    for line in doc.flow:
        pages.setdefault(line.page, []).append(line)
    for lines in pages.values():
        if lines[-1].kind == "heading":
            yield "heading-at-foot", place(lines[-1], "heading is the last line of the page")
        body = [l for l in lines if l.kind == "body"]
        if body and body[0].last and not body[0].start:
            yield "widow", place(body[0], "a paragraph's last line alone at the top of the page")
        if body and body[-1].start and not body[-1].last:
            yield "orphan", place(body[-1], "a paragraph's first line alone at the foot of the page")


def text_layer(doc: Document) -> Found:
    """Copied or searched text must read as it is printed: no invisible, missing or extra characters."""
    for line in doc.body:
        glyphs = line.glyphs
        for i, g in enumerate(glyphs):
            for ch in g.text:
                if ch in INVISIBLE:
                    yield "text-layer", place(line, f"U+{ord(ch):04X} ({INVISIBLE[ch]})")
            if problem := unreadable(g.text):
                yield "text-layer", place(line, f"glyph without text: {problem} in {g.font}")
            if g.space and between_cjk(glyphs, i):
                yield "text-layer", place(line, f"space U+{ord(g.text[0]):04X} between CJK characters")
        for a, b in zip(glyphs, glyphs[1:]):
            gap = b.x0 - a.x1
            if is_cjk(a.text[-1:]) and is_cjk(b.text[:1]) and gap > TEXT_GAP * doc.em:
                yield "text-layer", place(line, f"{a.text}{b.text} {ems(gap, doc.em)} em apart: read as two words")


def between_cjk(glyphs: list[Glyph], i: int) -> bool:
    before = [g for g in glyphs[:i] if not g.space]
    after = [g for g in glyphs[i + 1 :] if not g.space]
    return bool(before and after) and is_cjk(before[-1].text[-1:]) and is_cjk(after[0].text[:1])


def fallback_font(doc: Document) -> Found:
    """Every glyph in a family that sets Han: a quote mark from DejaVu is a fallback."""
    han_families = {family(g.font) for line in doc.lines for g in line.ink if any(map(is_han, g.text))}
    for line in doc.lines:
        for g in line.ink:
            if family(g.font) not in han_families:
                yield "fallback-font", place(line, f"{g.text} in {g.font}")


CHECKS = (
    justification,
    adjacent_punctuation,
    line_breaks,
    han_latin_spacing,
    lone_character,
    page_breaks,
    text_layer,
    fallback_font,
)


def unembedded_fonts(reader: PdfReader) -> Found:
    """Fonts without a font file, each once, on the first page that uses it."""
    seen = set()
    for number, page in enumerate(reader.pages, 1):
        for font in fonts(page.get("/Resources")):
            name = str(font.get("/BaseFont", "?"))
            if name not in seen and not embedded(font):
                seen.add(name)
                yield "fonts", Place(number, "", f"{name.lstrip('/')} is not embedded")


def fonts(resources) -> Iterator:
    """The fonts of a resource dictionary and of the form XObjects it holds."""
    for font in entry(resources, "/Font").values():
        yield font.get_object()
    for xobject in entry(resources, "/XObject").values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from fonts(xobject.get("/Resources"))


def entry(dictionary, key: str) -> dict:
    """dictionary[key] resolved, or {} if either is absent (PDF dictionaries are often indirect)."""
    value = dictionary.get_object().get(key) if dictionary is not None else None
    return value.get_object() if value is not None else {}


def embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":  # glyphs drawn by the PDF's own procedures
        return True
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = entry(font, "/FontDescriptor")
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check(pdf_path) -> Report:
    """Check one PDF against every rule; raises CheckError if it cannot be read."""
    pdf_path = Path(pdf_path)
    try:
        reader = PdfReader(pdf_path)
        doc = read(pdf_path, reader)
        font_places = list(unembedded_fonts(reader))
    except (PdfminerException, PyPdfError) as err:
        raise CheckError(f"not a readable PDF ({err})") from err
    report = Report(str(pdf_path), doc.em, doc.measure, doc.first_body)
    for rule, where in [p for c in CHECKS for p in c(doc)] + font_places:
        report.places[rule].append(where)
    return report


def run(paths, out=None) -> int:
    """The `cjkpress check PDF...` command: a report per PDF on `out` (stdout); 0 if all pass, else 1."""
    status = 0
    for path in paths:
        try:
            report = check(path)
        except (CheckError, OSError) as err:
            print(f"{path}: cannot check: {err}", file=sys.stderr)
            status = 1
            continue
        print(report.format(), file=out or sys.stdout)
        status = status or int(not report.ok)
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
