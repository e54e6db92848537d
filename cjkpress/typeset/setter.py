"""Setting Chinese paragraphs for the PDF, after the W3C's clreq (horizontal Simplified Chinese).

WeasyPrint 70 justifies only at spaces, breaks lines by UAX #14 and knows no
Chinese punctuation rules, so the body paragraphs are set here and handed to
it line by line, each line with its spacing made explicit:

1. The text is cut into units that never break inside: a Han character or
   mark, `——` and `……`, a run of Latin letters and digits, a word of code.
   Each unit keeps its style (the face it is set in: plain, strong,
   emphasis, code) and what wraps it (a link, strikethrough, sup…).
2. Adjacent marks are compressed to 1.5 em a pair: a closing mark or stop
   before another mark, or the second of two opening marks, is set half-width
   with the font's `halt` feature.
3. A quarter em goes between Han and Latin letters or digits, except where the
   line breaks between them.
4. Lines are filled greedily, never starting with a closing mark or stop or
   `·`, never ending with an opening mark, and a closing mark at the end of a
   line may be set half-width if that lets it stay ("push in" before "push out").
5. 挤进 before spreading: a line that would be spread by more than TIGHT a
   gap pulls the next unit in instead, when setting its line-end mark and the
   full-width marks of its compressed pairs half-width makes room for it (a
   pair then takes 1 em; a lone comma is never squeezed).
6. A paragraph whose last line would hold one Han character pulls it up by
   挤进 if it can, else pulls one more down.
7. Every line but the last (of the paragraph, or before a forced line break)
   is justified: word spaces of Latin text grow first (up to SPACE_STRETCH),
   then the slack is spread evenly over the other boundaries between units,
   never inside code or a word (inter-character justification).
8. A Latin run too long for what is left of a line may break inside: a URL or
   path after `/` or before `.?#&=-_`, a word at its hyphenation points
   (Pyphen; the hyphen is drawn, not written into the text), and as a last
   resort anywhere: no line leaves the measure. A space that ends a line
   takes no room.
9. 伸行: a paragraph may be set one line longer, to fill a page that would
   end short (writers/pdf/foot.py): its lines are broken for a measure
   `loosen` em shorter and justified to the whole one, so every line gives
   up a little text and spreads evenly.

Widths come from the Shaper (shaper.py). Only positions change: the
characters are the source's, so the PDF's text layer is the text as published.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

import pyphen

from ..tree import (CONTAINERS, Code, Emphasis, Inline, LineBreak, Link, Note, NoteRef, Paragraph, Strikethrough,
                    Strong, Styled, Text, plain)
from ..clreq import CLOSING, DASH, MIDDLE_DOT, OPENING, PAIRED
from .shaper import Shaper

AUTOSPACE = 0.25  # em between Han and Latin or digits
EPSILON = 1e-6
SMALL = {"sup": 0.7, "sub": 0.7}  # the size of raised and lowered text, in em
CALL = ("sup",)  # what wraps a note's call: a superscript
SPACE_STRETCH = 0.15  # em a word space may grow before the other gaps of its line do
LOOSE = 0.08  # em a gap may grow before a break inside a word is worth it (0.1 reads as a word space)
TIGHT = 0.05  # em a gap may grow before the next unit is pulled in by 挤进, if it can be
# Breaks inside a Latin run, from the most to the least welcome; JOIN joins two
# letters of a word that may not break there (it may be letter-spaced).
GLUES = ("url", "hyphen", "any")
JOIN = "join"
URL = re.compile(r"://|^[~.]?/\w|^www\.|\w\.[a-z]{2,}/|/.*/")  # a URL or a path, not "PDF/UA-1"
CODE_BREAK = re.compile(r"(?:(?<=[/(,])|(?<=::))(?=[^/:)])|(?<=[^._-])(?=[._-][^._-])")  # in a word of code
URL_BREAK = re.compile(r"(?<=/)(?=[^/])|(?<=[^/.?#&=_-])(?=[.?#&=_-])")
HYPHENATE_FROM = 6  # letters: shorter words are not hyphenated
ANYWHERE_FROM = 12  # characters: a run as long as this may, at worst, break anywhere


@dataclass(frozen=True)
class Unit:
    text: str
    style: str  # the face: plain, strong, emphasis, code (tree.STYLES)
    kind: str  # han, open, close, latin, space, void (a space that takes no room), code, break, other
    wraps: tuple[tuple[str, ...], ...] = ()  # ("a", target), ("s",), ("sup",)…, outermost first
    note: Note | None = None  # the note this mark calls
    glue: str = ""  # inside a Latin run: the kind of break before it (GLUES) or JOIN, never a free one
    split: bool = False  # a piece of a Latin run cut for breaking: measured and drawn unkerned

    @property
    def size(self) -> float:
        return min((SMALL.get(wrap[0], 1.0) for wrap in self.wraps), default=1.0) if self.wraps else 1.0

    @property
    def full_width(self) -> bool:
        """A dash of Chinese text (一字线 —, 破折号 ——): set in its full-width form, one or two ems. Shaped
        alone, in no script of its own, a CJK font gives the proportional em dash (0.89 em in Noto CJK),
        inside a Han run the full-width one: the `fwid` feature gives the full-width form wherever the
        unit is drawn, so that its width never depends on the run it shares a span with."""
        return bool(self.text) and set(self.text) == {DASH}


@dataclass(frozen=True)
class Segment:
    """A run of a line set alike: what the template turns into one span."""

    content: tuple[Text | NoteRef, ...]  # its text, and the calls of notes placed at their marks
    style: str
    halt: bool  # set half-width with the font's halt feature
    spacing: float  # em after each character (letter-spacing)
    margin: float  # em after the whole run (for units that must not be spaced inside)
    wraps: tuple[tuple[str, ...], ...] = ()
    hyphen: bool = False  # the line breaks inside a word after it: a hyphen is drawn
    split: bool = False  # pieces of a Latin run, drawn unkerned as they were measured

    @property
    def text(self) -> str:
        return plain(self.content)

    @property
    def full_width(self) -> bool:
        """Dashes, drawn with the `fwid` feature (Unit.full_width): a segment never joins them to other text."""
        return bool(self.text) and set(self.text) == {DASH}


def is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def kind(char: str) -> str:
    if char in OPENING:
        return "open"
    if char in CLOSING:
        return "close"
    if char == " ":
        return "space"
    if char == MIDDLE_DOT or unicodedata.east_asian_width(char) in "WFA":
        return "han" if is_han(char) else "other"
    return "latin"


def wrap_of(node: Inline) -> tuple[str, ...] | None:
    """How a container node wraps its text in the set line, or None when it only changes the style."""
    if isinstance(node, Link):
        return ("a", node.target)
    if isinstance(node, Strikethrough):
        return ("s",)
    if isinstance(node, Styled):
        return (node.tag,)
    return None


def inline_units(content: tuple[Inline, ...], style: str = "plain", wraps: tuple = ()) -> list[Unit]:
    """The units of a paragraph's inline content, each with its style and what wraps it."""
    result = []
    for node in content:
        if isinstance(node, NoteRef):
            # A note call is a small raised mark after what it annotates (CALL), never a line's first.
            result.append(Unit(node.note.mark, style, kind(node.note.mark), wraps + (CALL,), node.note))
        elif isinstance(node, Code):
            result += code_units(node.text, wraps)
        elif isinstance(node, LineBreak):
            result.append(Unit("", style, "break", wraps))
        elif isinstance(node, Strong):
            result += inline_units(node.content, "code" if style == "code" else "strong", wraps)
        elif isinstance(node, Emphasis):
            result += inline_units(node.content, "emphasis" if style == "plain" else style, wraps)
        elif isinstance(node, Styled) and node.tag == "kbd":  # a key: set in the code face
            result += inline_units(node.content, "code", wraps + (wrap_of(node),))
        elif isinstance(node, CONTAINERS):
            result += inline_units(node.content, style, wraps + (wrap_of(node),))
        elif isinstance(node, Text):
            result += units(node.text, style, wraps)
    return result


def collapsed(units: list[Unit]) -> list[Unit]:
    """A space beside a full-width mark, or between two Han characters, takes no room (kind "void"): the
    mark's blank half is already a space, and Chinese is not spaced between words; an author's
    `的 “安装” 部分` or `*并且* 高性能` would otherwise print gaps. The text keeps the space."""
    marks, wide = ("open", "close"), ("han", "open", "close", "other")

    def void(i: int) -> bool:
        before = units[i - 1].kind if i else ""
        after = units[i + 1].kind if i + 1 < len(units) else ""
        return before in marks or after in marks or (before in wide and after in wide)

    return [replace(u, kind="void") if u.kind == "space" and u.style != "code" and void(i) else u
            for i, u in enumerate(units)]


def code_units(text: str, wraps: tuple) -> list[Unit]:
    """Inline code: its words and the spaces between them, all in the code face. A word breaks
    inside only where code allows it, and only when it must: after `/` `::` `(` `,`, before `.`
    `_` `-` (no hyphen added), and a word as long as ANYWHERE_FROM anywhere."""
    result = []
    for i, word in enumerate(text.split(" ")):
        if i:
            result.append(Unit(" ", "code", "space", wraps))
        if not word:
            continue
        points = {m.start() for m in CODE_BREAK.finditer(word)}
        if not points and len(word) < ANYWHERE_FROM:
            result.append(Unit(word, "code", "code", wraps))
            continue
        anywhere = len(word) >= ANYWHERE_FROM
        cuts = sorted(points | (set(range(1, len(word))) if anywhere else set()))
        for a, b in zip([0] + cuts, cuts + [len(word)]):
            glue = "" if a == 0 else "url" if a in points else "any"
            result.append(Unit(word[a:b], "code", "code", wraps, glue=glue, split=True))
    return result


def units(text: str, style: str = "plain", wraps: tuple = ()) -> list[Unit]:
    result = []
    i = 0
    while i < len(text):
        if text.startswith(PAIRED, i):
            result.append(Unit(text[i : i + 2], style, "other", wraps))
            i += 2
            continue
        k = kind(text[i])
        j = i + 1
        if k == "latin":
            while j < len(text) and kind(text[j]) == "latin":
                j += 1
        # Marks of emphasized text are the body face's: the 楷体 face has no half-width forms.
        unit_style = "plain" if style == "emphasis" and k in ("open", "close") else style
        if k == "latin":
            parts = fragments(text[i:j])
            result += [Unit(part, unit_style, k, wraps, glue=glue, split=len(parts) > 1) for part, glue in parts]
        else:
            result.append(Unit(text[i:j], unit_style, k, wraps))
        i = j
    return result


@cache
def fragments(run: str) -> list[tuple[str, str]]:
    """A Latin run cut where it may break inside, each piece with the kind of break before it.

    A URL or path breaks after `/` and before `.?#&=-_`, and where it must
    between any two characters; another run with a slash (PDF/UA-1) after the
    slash; a word (in lower case or capitalized: not an
    acronym) at Pyphen's English hyphenation points; a piece still
    ANYWHERE_FROM characters long, anywhere.
    """
    if URL.search(run):
        # A URL or path: at its punctuation, else (when it must) between any two characters.
        points = {m.start() for m in URL_BREAK.finditer(run)}
        return [(char, "" if k == 0 else "url" if k in points else "any") for k, char in enumerate(run)]
    if "/" in run.strip("/"):  # PDF/UA-1, TCP/IP: after the slash
        parts = re.split(r"(?<=/)(?=[^/])", run)
        return [(part, "url" if k else "") for k, part in enumerate(parts)]
    word = re.fullmatch(r"([A-Za-z][a-z]+)([^A-Za-z]*)", run)
    cuts = hyphenation().positions(word.group(1)) if word and len(word.group(1)) >= HYPHENATE_FROM else []
    if not cuts and len(run) < ANYWHERE_FROM:
        return [(run, "")]
    # Letter by letter, so that a broken word's line may be letter-spaced evenly.
    inside = "any" if len(run) >= ANYWHERE_FROM else JOIN
    return [(char, "" if k == 0 else "hyphen" if k in cuts else inside) for k, char in enumerate(run)]


@cache
def hyphenation() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en")


def may_break(a: Unit, b: Unit) -> bool:
    """Whether a line may end after `a` and the next begin with `b` (inside a word: see `glue`)."""
    if b.glue or b.kind in ("close", "space", "void") or b.text == MIDDLE_DOT or b.text[:1] == "%" or b.note:
        return False
    if a.kind in ("latin", "code") and b.kind in ("latin", "code"):
        return False  # code run into a word (<kbd>Ctrl</kbd>+<kbd>C</kbd>) is one word
    return a.kind != "open" and a.text != MIDDLE_DOT


def autospace(a: Unit, b: Unit) -> float:
    """A quarter em between Han and Latin letters, digits or code."""
    han_latin = a.kind == "han" and (b.kind == "code" or b.kind == "latin" and b.text[0].isascii() and b.text[0].isalnum())
    latin_han = b.kind == "han" and (a.kind == "code" or a.kind == "latin" and a.text[-1].isascii() and a.text[-1].isalnum())
    return AUTOSPACE if han_latin or latin_han else 0.0


def stretches(a: Unit, b: Unit) -> bool:
    """Whether justification may widen the boundary between `a` and `b`: never inside code or a word,
    and a word space grows after it (SPACE_STRETCH), not before; nor before a note's call."""
    return (not (a.style == "code" and b.style == "code") and not b.glue and b.kind not in ("space", "void")
            and not b.note)


def is_space(unit: Unit) -> bool:
    return unit.kind == "space" and unit.style != "code"


def is_pair(a: Unit, b: Unit) -> bool:
    """Two marks whose blank halves meet: closing before closing or opening, opening before opening."""
    return a.kind == "close" and b.kind in ("close", "open") or a.kind == "open" and b.kind == "open"


def compressed(units: list[Unit]) -> list[bool]:
    """Which marks are set half-width so that each adjacent pair takes 1.5 em: the first of a pair
    after a closing mark, the second of two opening marks."""
    halt = [False] * len(units)
    for i, (a, b) in enumerate(zip(units, units[1:])):
        if is_pair(a, b):
            halt[i if a.kind == "close" else i + 1] = True
    return halt


def squeezable(units: list[Unit], halt: list[bool], i: int) -> bool:
    """Whether the mark at `i` is the full-width one of a compressed pair, which 挤进 may halve too."""
    if halt[i] or units[i].kind not in ("open", "close"):
        return False
    before = i > 0 and halt[i - 1] and is_pair(units[i - 1], units[i])
    after = i + 1 < len(units) and halt[i + 1] and is_pair(units[i], units[i + 1])
    return before or after


@dataclass
class Setter:
    """Sets paragraphs into lines of `measure` em, the first indented by `indent` em, text in `style`."""

    shaper: Shaper
    measure: float
    indent: float = 2
    style: str = "plain"
    loosen: float = 0.0  # em less than the measure that lines are broken for (伸行)

    def width(self, unit: Unit, halt: bool) -> float:
        return 0.0 if unit.kind == "void" else self.drawn(unit, halt)

    def drawn(self, unit: Unit, halt: bool) -> float:
        """The width WeasyPrint draws `unit` at, before the setter's spacing."""
        return self.shaper.width(unit.text, unit.style, halt, kern=not unit.split, full_width=unit.full_width) * unit.size

    def widths(self, content: tuple[Inline, ...]) -> tuple[float, float]:
        """(on one line, its widest stretch that may not break) of `content`, in em."""
        every = collapsed(inline_units(content, self.style))
        if not every:
            return 0.0, 0.0
        halt = compressed(every)
        widths = [self.width(u, h) for u, h in zip(every, halt)]
        gaps = [autospace(a, b) for a, b in zip(every, every[1:])] + [0.0]
        widest = stretch = 0.0
        for i, unit in enumerate(every):
            if i and (may_break(every[i - 1], unit) or unit.glue):
                stretch = 0.0
            stretch += widths[i] + (gaps[i - 1] if stretch else 0.0)
            widest = max(widest, stretch)
        return sum(widths) + sum(gaps), widest

    def lines(self, paragraph: Paragraph) -> list[list[Segment]]:
        """The paragraph's lines."""
        return [line for piece in self.pieces(paragraph.content) for line in piece]

    def pieces(self, content: tuple[Inline, ...]) -> list[list[list[Segment]]]:
        """The lines of each part of a paragraph's `content` that a forced line break ends as its end
        ends the last."""
        every = collapsed(inline_units(content, self.style))
        if not every:
            return []
        parts, start = [], 0
        for i, unit in enumerate(every + [Unit("", "plain", "break")]):
            if unit.kind == "break":
                parts.append(every[start:i])
                start = i + 1
        return [self.set_piece(part, self.indent if number == 0 else 0.0) if part else [[]]
                for number, part in enumerate(parts)]

    def set_piece(self, line_units: list[Unit], indent: float) -> list[list[Segment]]:
        halt = compressed(line_units)
        widths = [self.width(u, h) for u, h in zip(line_units, halt)]
        gaps = [autospace(a, b) for a, b in zip(line_units, line_units[1:])] + [0.0]
        breaks = self.break_lines(line_units, widths, gaps, halt, indent)
        lines = []
        for number, (start, end, halved) in enumerate(breaks):
            for i in halved:
                halt[i] = True
                widths[i] = self.width(line_units[i], True)
            last = number == len(breaks) - 1
            avail = self.measure - (indent if number == 0 else 0)
            slack = avail - self.natural(line_units, widths, gaps, start, end)
            extras = [0.0] * len(line_units) if last else self.extras(line_units, halt, start, end, slack)
            lines.append(self.segments(line_units, halt, gaps, start, end, extras, widths))
        return lines

    def natural(self, line_units, widths, gaps, start, end) -> float:
        """A line's width as set: a space at its end takes no room; a hyphen after a broken word does."""
        width = sum(widths[start:end]) + sum(gaps[start : end - 1])
        last = line_units[end - 1]
        if last.kind == "space":
            width -= widths[end - 1]
        if end < len(line_units) and line_units[end].glue == "hyphen":
            width += self.shaper.width("-", last.style, False) * last.size
        return width

    @staticmethod
    def extras(line_units, halt, start, end, slack) -> list[float]:
        """The space each boundary of a justified line grows by (index: the unit before it).

        Word spaces first, up to SPACE_STRETCH; then the gaps between units, but
        not after a mark set half-width (a compressed pair stays compressed);
        the boundaries inside a broken URL or word only when the gaps would grow
        by more than LOOSE, or when the line has no other.
        """
        extras = [0.0] * len(line_units)
        inside = range(start, end - 1)
        spaces = [i for i in inside if is_space(line_units[i])]
        gaps = [i for i in inside
                if stretches(line_units[i], line_units[i + 1]) and not is_space(line_units[i]) and not halt[i]]
        # Only a URL's or an over-long word's letters may be spaced, never an ordinary word's.
        glued = [i for i in inside if line_units[i + 1].glue in ("url", "any") and line_units[i + 1].style != "code"]
        if spaces:
            each = slack / len(spaces) if not (gaps or glued) else max(min(slack / len(spaces), SPACE_STRETCH), 0.0)
            for i in spaces:
                extras[i] = each
            slack -= each * len(spaces)
        if gaps and glued and slack / len(gaps) > LOOSE:
            shares = [(gaps, LOOSE), (glued, (slack - LOOSE * len(gaps)) / len(glued))]
        else:
            shares = [(gaps, slack / len(gaps))] if gaps else [(glued, slack / len(glued))] if glued else []
        for members, each in shares:
            for i in members:
                extras[i] = each
        return extras

    def break_lines(self, line_units, widths, gaps, halt, indent) -> list[tuple[int, int, tuple[int, ...]]]:
        """(start, end, the marks set half-width beyond `halt`) of each line: greedy, then no lone last
        character: pulled up onto the line before by 挤进, else joined by one more unit from it."""
        breaks = []
        start = 0
        while start < len(line_units):
            avail = self.measure - self.loosen - (indent if not breaks else 0)
            end, halved = self.fill(line_units, widths, gaps, halt, start, avail)
            breaks.append((start, end, halved))
            start = end
        if len(breaks) > 1 and self.lone(line_units[breaks[-1][0] :]):
            start, end, _ = breaks[-2]
            avail = self.measure - self.loosen - (indent if len(breaks) == 2 else 0)
            if pulled := self.squeeze(line_units, widths, gaps, halt, start, end, avail):
                breaks[-2:] = [(start, *pulled)]
                return breaks
            earlier = [e for e in range(start + 1, end) if may_break(line_units[e - 1], line_units[e])]
            if earlier:
                breaks[-2:] = [(start, earlier[-1], ()), (earlier[-1], len(line_units), ())]
        return breaks

    def squeeze(self, line_units, widths, gaps, halt, start, end, avail) -> tuple[int, tuple[int, ...]] | None:
        """挤进: the line from `start` ending at the next free break after `end` instead, (its end, the
        marks it sets half-width), if halving its closing mark at the end and, from the end back, as
        many full-width marks of its compressed pairs as it needs makes it fit; else None."""
        following = next((e for e in range(end + 1, len(line_units) + 1)
                          if e == len(line_units) or may_break(line_units[e - 1], line_units[e])), None)
        if following is None:
            return None
        over = self.natural(line_units, widths, gaps, start, following) - avail
        last = following - 1
        marks = ([last] if line_units[last].kind == "close" and not halt[last] else []) + \
            [i for i in range(last - 1, start - 1, -1) if squeezable(line_units, halt, i)]
        halved = []
        for i in marks:
            if over <= EPSILON:
                break
            over -= widths[i] - self.width(line_units[i], True)
            halved.append(i)
        return (following, tuple(halved)) if over <= EPSILON else None

    def fill(self, line_units, widths, gaps, halt, start, avail) -> tuple[int, tuple[int, ...]]:
        """The best break from `start` whose line fits in `avail` em, with the marks it sets half-width:
        the furthest free one, unless that spreads the line by more than TIGHT and 挤进 can pull the next
        unit in, or leaves it loose and a break inside a word further on does not."""
        best: dict[str, tuple[int, tuple[int, ...]]] = {}
        width = 0.0
        for end in range(start + 1, len(line_units) + 1):
            width += widths[end - 1] + (gaps[end - 2] if end - 1 > start else 0.0)
            last = line_units[end - 1]
            # A closing mark at the end of a line may give up its blank half.
            trim = widths[end - 1] - self.width(last, True) if last.kind == "close" and not halt[end - 1] else 0.0
            ending_space = widths[end - 1] if last.kind == "space" else 0.0  # takes no room at a line end
            if width - trim - ending_space > avail + EPSILON:
                break
            following = line_units[end] if end < len(line_units) else None
            if following is None or may_break(last, following):
                best[""] = (end, (end - 1,) if width - ending_space > avail + EPSILON else ())
            elif following.glue in GLUES and self.natural(line_units, widths, gaps, start, end) <= avail + EPSILON:
                best[following.glue] = (end, ())
        free = best.get("")
        spread = self.spread(line_units, widths, gaps, halt, start, free[0], avail) if free else 0.0
        if free and spread > TIGHT + EPSILON and (pulled := self.squeeze(line_units, widths, gaps, halt, start,
                                                                         free[0], avail)):
            return pulled
        if free and spread <= LOOSE + EPSILON:
            return free
        # A break inside a word, the most welcome kind first, if it makes a line that is not loose.
        for glue in GLUES:
            if glue in best and best[glue][0] > (free or (start,))[0] and \
                    self.spread(line_units, widths, gaps, halt, start, best[glue][0], avail) <= LOOSE + EPSILON:
                return best[glue]
        if best:
            return max(best.values())  # every line would be loose: the fullest
        # Nothing fits: overflow to the first allowed break rather than lose text.
        end = next(e for e in range(start + 1, len(line_units) + 1)
                   if e == len(line_units) or may_break(line_units[e - 1], line_units[e]))
        return end, ()

    def spread(self, line_units, widths, gaps, halt, start, end, avail) -> float:
        """How much the widest gap of a line ending at `end` grows when it is justified (the last line's
        none)."""
        if end == len(line_units):
            return 0.0
        slack = avail - self.natural(line_units, widths, gaps, start, end)
        extras = self.extras(line_units, halt, start, end, slack)
        return max(extras[start : end - 1], default=slack)

    @staticmethod
    def lone(last_line: list[Unit]) -> bool:
        return [u.kind for u in last_line if u.kind != "close"] == ["han"]

    def segments(self, line_units, halt, gaps, start, end, extras, widths) -> list[Segment]:
        segments: list[Segment] = []
        for i in range(start, end):
            unit = line_units[i]
            after = round(gaps[i] + extras[i], 5) if i < end - 1 else 0.0
            if i == end - 1 and unit.kind == "space":
                after = -round(widths[i], 5)  # a space ending a line takes no room
            elif unit.kind == "void":
                after = round(after - self.drawn(unit, False), 5)
            # Justification spaces a character as letter-spacing (a run spaced alike is one span); units of
            # several characters, and the fixed gaps of a line not justified, take their space after them,
            # so that a title's own tracking stays.
            spacing, margin = (after, 0.0) if len(unit.text) == 1 and after >= 0 and extras[i] else (0.0, after)
            piece = NoteRef(unit.note) if unit.note else Text(unit.text)
            previous = segments[-1] if segments else None
            if (
                previous
                and margin == 0.0
                and previous.margin == 0.0
                and (previous.style, previous.halt, previous.spacing, previous.wraps, previous.split, previous.full_width)
                == (unit.style, halt[i], spacing, unit.wraps, unit.split, unit.full_width)
            ):
                # Built directly: dataclasses.replace is the setter's slowest line on a long book.
                segments[-1] = Segment(joined(previous.content, piece), unit.style, halt[i], spacing, 0.0,
                                       unit.wraps, split=unit.split)
            else:
                segments.append(Segment((piece,), unit.style, halt[i], spacing, margin, unit.wraps, split=unit.split))
        if end < len(line_units) and line_units[end].glue == "hyphen":
            segments[-1] = replace(segments[-1], hyphen=True)
        return segments


def joined(content: tuple[Text | NoteRef, ...], piece: Text | NoteRef) -> tuple[Text | NoteRef, ...]:
    """`content` followed by `piece`, text run on into the text before it."""
    if isinstance(piece, Text) and isinstance(content[-1], Text):
        return content[:-1] + (Text(content[-1].text + piece.text),)
    return content + (piece,)


def balanced(setter: Setter, text: str, measure: float, tracking: float = 0.0) -> list[str]:
    """A title's lines: as few as fit `measure` em (each character `tracking` em wider), broken where
    clreq lets a line break, as nearly even as can be, a break after a mark of the title (、，：) taken
    before one inside a phrase. Never one character alone on a line, as a line filled first would leave."""
    units = collapsed(inline_units((Text(text),), setter.style))
    widths = [setter.width(u, False) + tracking * len(u.text) for u in units]
    count = max(1, math.ceil(sum(widths) / measure))
    if count == 1 or len(units) < 2 * count:
        return [text]
    starts = [0] + [i for i in range(1, len(units)) if may_break(units[i - 1], units[i])]
    edges = [0.0]
    for w in widths:
        edges.append(edges[-1] + w)
    even = edges[-1] / count

    @cache
    def best(start: int, lines: int) -> tuple[float, tuple[int, ...]]:
        """(cost, where the lines after the first begin) of setting units[start:] in `lines` lines."""
        if lines == 1:
            width = edges[-1] - edges[start]
            return ((width - even) ** 2 if width <= measure else math.inf), ()
        found = (math.inf, ())
        for end in (s for s in starts if start + 1 < s < len(units) - 1):
            width = edges[end] - edges[start]
            if width > measure:
                break
            cost = (width - even) ** 2 - (0.25 if units[end - 1].kind == "close" else 0.0) * even ** 2
            rest, breaks = best(end, lines - 1)
            if cost + rest < found[0]:
                found = (cost + rest, (end, *breaks))
        return found

    cost, breaks = best(0, count)
    if cost == math.inf:
        return [text]
    bounds = [0, *breaks, len(units)]
    return ["".join(u.text for u in units[a:b]) for a, b in zip(bounds, bounds[1:])]
