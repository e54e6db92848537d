"""Setting Chinese paragraphs for the PDF, after the W3C's clreq (horizontal Simplified Chinese).

WeasyPrint 70 justifies only at spaces, breaks lines by UAX #14 and knows no
Chinese punctuation rules, so the body paragraphs are set here and handed to
it line by line, each line with its spacing made explicit:

1. The text is cut into units that never break inside: a Han character or
   mark, `——` and `……`, a run of Latin letters and digits.
2. Adjacent marks are compressed to 1.5 em a pair: a closing mark or stop
   before another mark, or the second of two opening marks, is set half-width
   with the font's `halt` feature.
3. A quarter em goes between Han and Latin letters or digits, except where the
   line breaks between them.
4. Lines are filled greedily, never starting with a closing mark or stop or
   `·`, never ending with an opening mark, and a closing mark at the end of a
   line may be set half-width if that lets it stay ("push in" before "push out").
5. A paragraph whose last line would hold one Han character pulls one more down.
6. Every line but the last is justified by spreading its slack evenly over the
   boundaries between units (inter-character justification).

Widths come from the Shaper (shaper.py). Only positions change: the
characters are the source's, so the PDF's text layer is the text as published.
"""

import unicodedata
from dataclasses import dataclass

from ..tree import Inline, Note, NoteRef, Paragraph, Strong, Text, plain
from .shaper import Shaper

OPENING = "“‘（《〈【「『〔"
# Closing brackets and stops: in Simplified Chinese all of them sit in the left
# half of their em, so their right half can be trimmed.
CLOSING = "”’）》〉】」』〕，。、；：？！"
PAIRED = ("——", "……")
MIDDLE_DOT = "·"
AUTOSPACE = 0.25  # em between Han and Latin or digits
EPSILON = 1e-6


@dataclass(frozen=True)
class Unit:
    text: str
    lead: bool  # part of the run-in head
    kind: str  # han, open, close, latin, space, other
    note: Note | None = None  # the note this mark calls


@dataclass(frozen=True)
class Segment:
    """A run of a line set alike: what the template turns into one span."""

    content: tuple[Text | NoteRef, ...]  # its text, and the calls of notes placed at their marks
    lead: bool
    halt: bool  # set half-width with the font's halt feature
    spacing: float  # em after each character (letter-spacing)
    margin: float  # em after the whole run (for units that must not be spaced inside)

    @property
    def text(self) -> str:
        return plain(self.content)


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


def inline_units(content: tuple[Inline, ...], lead: bool = False) -> list[Unit]:
    """The units of a paragraph's inline content; strong text is its run-in head."""
    result = []
    for node in content:
        if isinstance(node, Strong):
            result += inline_units(node.content, True)
        elif isinstance(node, NoteRef):
            result.append(Unit(node.note.mark, lead, kind(node.note.mark), node.note))
        else:
            result += units(node.text, lead)
    return result


def units(text: str, lead: bool) -> list[Unit]:
    result = []
    i = 0
    while i < len(text):
        if text.startswith(PAIRED, i):
            result.append(Unit(text[i : i + 2], lead, "other"))
            i += 2
            continue
        k = kind(text[i])
        j = i + 1
        if k == "latin":
            while j < len(text) and kind(text[j]) == "latin":
                j += 1
        result.append(Unit(text[i:j], lead, k))
        i = j
    return result


def may_break(a: Unit, b: Unit) -> bool:
    """Whether a line may end after `a` and the next begin with `b`."""
    if b.kind in ("close", "space") or b.text == MIDDLE_DOT or b.text[0] == "%":
        return False
    return a.kind != "open" and a.text != MIDDLE_DOT


def autospace(a: Unit, b: Unit) -> float:
    han_latin = a.kind == "han" and b.kind == "latin" and b.text[0].isascii() and b.text[0].isalnum()
    latin_han = b.kind == "han" and a.kind == "latin" and a.text[-1].isascii() and a.text[-1].isalnum()
    return AUTOSPACE if han_latin or latin_han else 0.0


def compressed(units: list[Unit]) -> list[bool]:
    """Which marks are set half-width so that each adjacent pair takes 1.5 em."""
    halt = [False] * len(units)
    for i, (a, b) in enumerate(zip(units, units[1:])):
        if a.kind == "close" and b.kind in ("close", "open"):
            halt[i] = True
        elif a.kind == "open" and b.kind == "open":
            halt[i + 1] = True
    return halt


@dataclass
class Setter:
    """Sets paragraphs into lines of `measure` em, the first indented by `indent` em."""

    shaper: Shaper
    measure: int
    indent: float = 2

    def lines(self, paragraph: Paragraph) -> list[list[Segment]]:
        line_units = inline_units(paragraph.content)
        if not line_units:
            return []
        halt = compressed(line_units)
        widths = [self.shaper.width(u.text, u.lead, h) for u, h in zip(line_units, halt)]
        gaps = [autospace(a, b) for a, b in zip(line_units, line_units[1:])] + [0.0]
        breaks = self.break_lines(line_units, widths, gaps, halt)
        lines = []
        for number, (start, end, end_halt) in enumerate(breaks):
            if end_halt:
                halt[end - 1] = True
                widths[end - 1] = self.shaper.width(line_units[end - 1].text, line_units[end - 1].lead, True)
            last = number == len(breaks) - 1
            avail = self.measure - (self.indent if number == 0 else 0)
            natural = sum(widths[start:end]) + sum(gaps[start : end - 1])
            spread = 0.0 if last or end - start < 2 else (avail - natural) / (end - start - 1)
            lines.append(self.segments(line_units, halt, gaps, start, end, spread))
        return lines

    def break_lines(self, line_units, widths, gaps, halt) -> list[tuple[int, int, bool]]:
        """(start, end, last mark halved) of each line: greedy, then no lone last character."""
        breaks = []
        start = 0
        while start < len(line_units):
            avail = self.measure - (self.indent if not breaks else 0)
            end, end_halt = self.fill(line_units, widths, gaps, halt, start, avail)
            breaks.append((start, end, end_halt))
            start = end
        if len(breaks) > 1 and self.lone(line_units[breaks[-1][0] :]):
            start, end, _ = breaks[-2]
            earlier = [e for e in range(start + 1, end) if may_break(line_units[e - 1], line_units[e])]
            if earlier:
                breaks[-2:] = [(start, earlier[-1], False), (earlier[-1], len(line_units), False)]
        return breaks

    def fill(self, line_units, widths, gaps, halt, start, avail) -> tuple[int, bool]:
        """The furthest allowed break from `start` whose line fits in `avail` em."""
        best = None
        width = 0.0
        for end in range(start + 1, len(line_units) + 1):
            width += widths[end - 1] + (gaps[end - 2] if end - 1 > start else 0.0)
            last = line_units[end - 1]
            # A closing mark at the end of a line may give up its blank half.
            trim = widths[end - 1] - self.shaper.width(last.text, last.lead, True) if last.kind == "close" and not halt[end - 1] else 0.0
            if width - trim > avail + EPSILON:
                break
            if end == len(line_units) or may_break(last, line_units[end]):
                best = (end, width > avail + EPSILON)
        if best is None:
            # Nothing fits: overflow to the first allowed break rather than lose text.
            end = next(e for e in range(start + 1, len(line_units) + 1)
                       if e == len(line_units) or may_break(line_units[e - 1], line_units[e]))
            best = (end, False)
        return best

    @staticmethod
    def lone(last_line: list[Unit]) -> bool:
        return [u.kind for u in last_line if u.kind != "close"] == ["han"]

    @staticmethod
    def segments(line_units, halt, gaps, start, end, spread) -> list[Segment]:
        segments: list[Segment] = []
        for i in range(start, end):
            unit = line_units[i]
            after = round(gaps[i] + spread, 5) if i < end - 1 else 0.0
            # Units of several characters take their space after them, not inside.
            spacing, margin = (after, 0.0) if len(unit.text) == 1 else (0.0, after)
            piece = NoteRef(unit.note) if unit.note else Text(unit.text)
            previous = segments[-1] if segments else None
            if (
                previous
                and margin == 0.0
                and previous.margin == 0.0
                and (previous.lead, previous.halt, previous.spacing) == (unit.lead, halt[i], spacing)
            ):
                segments[-1] = Segment(joined(previous.content, piece), unit.lead, halt[i], spacing, 0.0)
            else:
                segments.append(Segment((piece,), unit.lead, halt[i], spacing, margin))
        return segments


def joined(content: tuple[Text | NoteRef, ...], piece: Text | NoteRef) -> tuple[Text | NoteRef, ...]:
    """`content` followed by `piece`, text run on into the text before it."""
    if isinstance(piece, Text) and isinstance(content[-1], Text):
        return content[:-1] + (Text(content[-1].text + piece.text),)
    return content + (piece,)
