"""The rules, each counting what breaks it on the body text that `glyphs` found.

The rules (body lines only unless said otherwise; clreq is the W3C's
"Requirements for Chinese Text Layout"):
justification, spacing, adjacent-punctuation, line-start, line-end,
split-dash, han-latin-spacing (all text), lone-character, line-pitch, heading-at-foot, widow, orphan,
short-page (齐脚), accepted-lone-line (a widow or orphan on a page where cjkpress's build says it left one), running-head, text-layer, fonts (every font of every page), fallback-font (every glyph of
every page). Each check below says what it counts.

Each check yields (rule, Place) for every violation it finds.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from pypdf import PdfReader

from .glyphs import CLOSING, CODE, OPENING, SET_APART, Glyph, Line, Pages
from .report import Place

RULES = (
    "justification",
    "spacing",
    "adjacent-punctuation",
    "line-start",
    "line-end",
    "split-dash",
    "han-latin-spacing",
    "lone-character",
    "line-pitch",
    "heading-at-foot",
    "widow",
    "orphan",
    "short-page",
    "accepted-lone-line",
    "running-head",
    "text-layer",
    "fonts",
    "fallback-font",
)

NO_LINE_START = "，。、；：？！）》」』】〕〉”’·"
INVISIBLE = {"\u200b": "zero-width space", "\u2060": "word joiner", "\u00ad": "soft hyphen", "\ufeff": "BOM"}
STYLE_SUFFIX = re.compile(
    r"[-,]?(Regular|Bold|Italic|Oblique|BoldItalic|BoldOblique|Medium|Light|ExtraLight|DemiLight|Thin|"
    r"SemiBold|Semibold|Black|Heavy)$"
)

# Tolerances, in em.
FLUSH = 0.05  # a justified line ends this close to the right edge
COMPRESSED = 0.6  # ½ em mark + slack: the most two compressed marks may be apart
HAN_LATIN_MIN = 0.15  # about ¼ em, less some give
TEXT_GAP = 0.1  # poppler's pdftotext starts a new word at a gap of 0.1 × size
PITCH = 0.03  # a paragraph's lines are the line pitch apart, to this
MAX_SPREAD = 0.08  # the widest a justified line's Han characters may be set apart (design.max_spread)
HEAD_CLEAR = 1.5  # line pitches at least from a running head's baseline down to its page's first line
FOLIO_CLEAR = (1.0, 2.0)  # line pitches from the type area's last baseline down to a folio's
CLEAR_SLACK = 0.05  # pitches
SPREAD_PRECISION = 0.005  # positions in a PDF are rounded: a spread this far over the limit is within it

Found = Iterator[tuple[str, Place]]


# Characters -----------------------------------------------------------------


def is_han(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def is_latin(ch: str) -> bool:
    """A Latin letter (with or without accents) or an ASCII digit."""
    return len(ch) == 1 and ((ch.isascii() and ch.isalnum()) or unicodedata.name(ch, "").startswith("LATIN "))


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


# The checks of the body text --------------------------------------------------


def place(line: Line, detail: str) -> Place:
    return Place(line.page, line.text, detail)


def ems(pt: float, em: float) -> str:
    """A length in em for a message, without "-0.00"."""
    return f"{round(pt / em, 2) + 0.0:.2f}"


def pairs(line: Line) -> Iterator[tuple[Glyph, Glyph]]:
    return zip(line.ink, line.ink[1:])


def justification(pages: Pages) -> Found:
    """Every line but a paragraph's last ends at the right edge; a closing mark may end it at ½ em."""
    for line in pages.body:
        if line.last:
            continue
        end = line.ink[-1]
        ends = [end.x0 + 0.5 * pages.em, end.x0 + pages.em] if end.text[-1:] in CLOSING else [end.x1]
        off = min((x - pages.right_edge(line) for x in ends), key=abs)
        if abs(off) > FLUSH * pages.em:
            where = "short of" if off < 0 else "past"
            yield "justification", place(line, f"ends {ems(abs(off), pages.em)} em {where} the right edge")


def spread(line: Line, em: float) -> float:
    """How far apart (em) a line sets its Han characters at most: 0 in a line set solid, the widest gap
    inter-character justification opened in a justified one."""
    return max((b.x0 - a.x1 for a, b in pairs(line) if is_han(a.text) and is_han(b.text)), default=0.0) / em


def spreads(pages: Pages) -> list[float]:
    """The spread of every justified body line (a paragraph's last line is not justified)."""
    return [spread(line, pages.em) for line in pages.body if not line.last]


def spacing(pages: Pages, max_spread: float) -> Found:
    """No justified line sets its Han characters more than `max_spread` em apart."""
    for line in pages.body:
        if not line.last and (widest := spread(line, pages.em)) > max_spread + SPREAD_PRECISION:
            yield "spacing", place(line, f"Han characters {widest:.3f} em apart (at most {max_spread:g})")


def adjacent_punctuation(pages: Pages) -> Found:
    """Two full-width marks side by side (closing + closing/opening, or opening + opening) take 1½ em, not 2."""
    for line in pages.body:
        for a, b in pairs(line):
            kinds = a.text in CLOSING and b.text in CLOSING + OPENING or a.text in OPENING and b.text in OPENING
            full = min(a.x1 - a.x0, b.x1 - b.x0) >= 0.9 * pages.em
            if kinds and full and b.x0 - a.x0 > COMPRESSED * pages.em:
                yield "adjacent-punctuation", place(line, f"{a.text}{b.text} {ems(b.x0 - a.x0, pages.em)} em apart")


def line_breaks(pages: Pages) -> Found:
    """Marks that may not start or end a line, and 2-em dashes and ellipses split over two lines."""
    for line in pages.body:
        if line.ink[0].text[:1] in NO_LINE_START:
            yield "line-start", place(line, f"starts with {line.ink[0].text}")
        if line.ink[-1].text[-1:] in OPENING:
            yield "line-end", place(line, f"ends with {line.ink[-1].text}")
    for line, after in zip(pages.body, pages.body[1:]):
        end, start = line.ink[-1].text[-1:], after.ink[0].text[:1]
        if not after.start and end == start and end in "—…":
            yield "split-dash", place(line, f"{end * 2} split from the next line")


def han_latin_gaps(line: Line, em: float) -> Found:
    """About ¼ em (of `em`) between Han and Latin letters or digits."""
    for a, b in pairs(line):
        prev, next_ = a.text[-1:], b.text[:1]
        mixed = is_han(prev) and is_latin(next_) or is_latin(prev) and is_han(next_)
        if mixed and b.x0 - a.x1 < HAN_LATIN_MIN * em:
            yield "han-latin-spacing", place(line, f"{prev}{next_} {ems(b.x0 - a.x1, em)} em apart")


def han_latin_spacing(pages: Pages) -> Found:
    """About ¼ em between Han and Latin letters or digits; no space at the start of a line."""
    for line in pages.body:
        yield from han_latin_gaps(line, pages.em)
        inset = line.ink[0].x0 - pages.left_edge(line)
        if not line.start and inset > FLUSH * pages.em:
            yield "han-latin-spacing", place(line, f"starts {ems(inset, pages.em)} em right of the left edge")


def all_text_spacing(pages: Pages) -> Found:
    """The same ¼ em in all other text, each line in its own size: the cover, the title page, the
    版权页, the 目录, headings, captions (notes and table cells are checked as paragraphs). Not code
    blocks, nor the running heads and folios, which a tagged PDF marks as artifacts."""
    for line in pages.lines:
        body_page = line.page >= pages.first_body
        if not line.ink[0].content or line.block and line.block.kind == CODE or body_page and (
                line.kind == "body" or line.kind == "minor" and line.block and line.block.kind in SET_APART):
            continue
        yield from han_latin_gaps(line, min(g.size for g in line.ink))


def lone_character(pages: Pages) -> Found:
    """A paragraph's last line must not hold a single Han character (with at most punctuation after it)."""
    for line in pages.body:
        rest = "".join(g.text for g in line.ink[1:])
        if (
            line.last
            and not line.start
            and is_han(line.ink[0].text[:1])
            and all(unicodedata.category(ch).startswith("P") for ch in rest)
        ):
            yield "lone-character", place(line, "a single character on the paragraph's last line")


def line_pitch(pages: Pages) -> Found:
    """The lines of a paragraph one line pitch apart (the book's most common step between them): a run
    in another face (楷体, code, a fallback) must not push its line off the grid."""
    steps = [(after, after.ink[0].baseline - line.ink[0].baseline) for line, after in zip(pages.body, pages.body[1:])
             if after.page == line.page and not after.start]
    if not steps:
        return
    pitch = Counter(round(step, 1) for _, step in steps).most_common(1)[0][0]
    for line, step in steps:
        if abs(step - pitch) > PITCH * pages.em:
            yield "line-pitch", place(line, f"{ems(step, pages.em)} em below the line before, not {ems(pitch, pages.em)}")


def page_breaks(pages: Pages) -> Found:
    """A heading last on a page of text (a part's title alone on its page is no fault); a paragraph's last
    line alone atop a page, or its first line alone at a foot."""
    by_page: dict[int, list[Line]] = {}
    # Text in another size (code, a table, a caption) is content after a heading too; in a tagged PDF,
    # running heads and folios are artifacts, not content.
    tagged = any(line.block for line in pages.flow)
    for line in (l for l in pages.lines if l.page >= pages.first_body and (l.kind != "minor" or tagged and l.ink[0].content)):
        by_page.setdefault(line.page, []).append(line)
    for lines in by_page.values():
        body = [l for l in lines if l.kind == "body"]
        if lines[-1].kind == "heading" and body:
            yield "heading-at-foot", place(lines[-1], "heading is the last line of the page")
        if body and body[0].last and not body[0].start:
            yield "widow", place(body[0], "a paragraph's last line alone at the top of the page")
        if body and body[-1].start and not body[-1].last:
            yield "orphan", place(body[-1], "a paragraph's first line alone at the foot of the page")


def grid_of(pages: Pages) -> tuple[float, float, float] | None:
    """(line pitch, first baseline, last baseline) of the type area: the most common step between two
    body lines of a page, the highest and the lowest a body line stands on any page."""
    body = pages.body
    steps = [b.ink[0].baseline - a.ink[0].baseline for a, b in zip(body, body[1:]) if a.page == b.page]
    if not steps:
        return None
    pitch = Counter(round(step, 1) for step in steps).most_common(1)[0][0]
    return pitch, min(line.ink[0].baseline for line in body), max(line.ink[0].baseline for line in body)


def short_pages(pages: Pages) -> Found:
    """齐脚: a page whose chapter goes on overleaf ends on the grid's last line (`grid_of`). The last page
    of a chapter, one before a blank page, a chapter opening or a part's title, and the book's last page
    may end short. Headings, notes, code and captions count as the page's text; running heads and
    folios (below the grid, or artifacts) do not."""
    if not (grid := grid_of(pages)):
        return
    pitch, _, foot = grid
    by_page: dict[int, list[Line]] = {}
    for line in pages.lines:
        if line.page >= pages.first_body and line.ink[0].content and line.ink[0].baseline < foot + pitch / 2:
            by_page.setdefault(line.page, []).append(line)
    last_page = max(line.page for line in pages.lines)
    for number, lines in sorted(by_page.items()):
        following = by_page.get(number + 1)
        if number == last_page or not following or opens_chapter(following[0], pages):
            continue
        lowest = max(lines, key=lambda line: line.ink[0].baseline)
        short = round((foot - lowest.ink[0].baseline) / pitch)
        if short >= 1:
            yield "short-page", place(lowest, f"the page ends {short} line{'s' if short > 1 else ''} above the foot")


def running_heads(pages: Pages) -> Found:
    """Running heads and folios stand clear of the text, so that neither reads as one of its lines: a
    head at least 1½ line pitches above its page's first line (baseline to baseline), a folio at least
    one below its page's last, and 1–2 below the type area's last line (the lowest of any text: a
    note's, on a page that ends short). They are told apart as a tagged PDF's artifacts; an untagged
    PDF's are not checked (a heading over the text looks the same)."""
    lines = [line for line in pages.lines if line.page >= pages.first_body]
    if not (grid := grid_of(pages)) or all(line.ink[0].content for line in lines):
        return
    pitch = grid[0]
    foot = max(line.ink[0].baseline for line in lines if line.ink[0].content)
    by_page: dict[int, tuple[list[Line], list[Line]]] = {}
    for line in lines:
        by_page.setdefault(line.page, ([], []))[not line.ink[0].content].append(line)
    for text, furniture in by_page.values():
        if not text:
            continue
        first, last = min(l.ink[0].baseline for l in text), max(l.ink[0].baseline for l in text)
        for line in furniture:
            baseline = line.ink[0].baseline
            if baseline < first:
                if (away := (first - baseline) / pitch) < HEAD_CLEAR - CLEAR_SLACK:
                    yield "running-head", place(line, f"{away:.2f} line pitches above the page's first line, "
                                                      f"not {HEAD_CLEAR:g} at least")
            elif baseline > last:
                low, high = FOLIO_CLEAR
                away, below = (baseline - last) / pitch, (baseline - foot) / pitch
                if away < low - CLEAR_SLACK or not low - CLEAR_SLACK <= below <= high + CLEAR_SLACK:
                    yield "running-head", place(line, f"{below:.2f} line pitches below the type area's last line, "
                                                      f"not {low:g}–{high:g}")
            else:
                yield "running-head", place(line, "between lines of the text")


def opens_chapter(line: Line, pages: Pages) -> bool:
    """A chapter's (or a part's) title: tagged H1, or untagged, a heading in the book's largest size."""
    if line.block:
        return line.block.kind == "/H1"
    largest = max(g.size for l in pages.lines if l.kind == "heading" for g in l.ink)
    return line.kind == "heading" and max(g.size for g in line.ink) >= largest - 0.5


def text_layer(pages: Pages) -> Found:
    """Copied or searched text must read as it is printed: no invisible, missing or extra characters."""
    for line in pages.body:
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
            if is_cjk(a.text[-1:]) and is_cjk(b.text[:1]) and gap > TEXT_GAP * pages.em:
                yield "text-layer", place(line, f"{a.text}{b.text} {ems(gap, pages.em)} em apart: read as two words")


def between_cjk(glyphs: list[Glyph], i: int) -> bool:
    before = [g for g in glyphs[:i] if not g.space]
    after = [g for g in glyphs[i + 1 :] if not g.space]
    return bool(before and after) and is_cjk(before[-1].text[-1:]) and is_cjk(after[0].text[:1])


def fallback_font(pages: Pages) -> Found:
    """Every glyph in a family that sets Han, or a CJK face by name (the code face may set no Han):
    a quote mark from DejaVu is a fallback. Not emoji and other symbols (So): those come from a
    symbol face."""
    han_families = {family(g.font) for line in pages.lines for g in line.ink
                    if any(map(is_han, g.text)) or "CJK" in g.font}
    for line in pages.lines:
        for g in line.ink:
            if family(g.font) not in han_families and not all(unicodedata.category(c) == "So" for c in g.text):
                yield "fallback-font", place(line, f"{g.text} in {g.font}")


# What is checked of a paragraph's lines, on the body text and on the footnotes.
LINE_CHECKS = (justification, adjacent_punctuation, line_breaks, han_latin_spacing, lone_character, text_layer)
CHECKS = LINE_CHECKS + (all_text_spacing, line_pitch, page_breaks, short_pages, running_heads, fallback_font)


# The fonts rule, read from the PDF's resources rather than its glyphs ---------


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
