"""A title set top to bottom, as a spine prints it (clreq's vertical writing).

Han characters stand upright, one em each; stops and brackets take their
vertical forms (the presentation forms Unicode gives them, which the CJK
faces draw centred in the column); a run of Latin letters or figures is
turned a quarter clockwise and reads top to bottom, a quarter em from the
Han beside it, as in horizontal text.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .setter import kind

VERTICAL_FORMS = dict(zip("，、。：；！？（）《》〈〉【】「」『』“”‘’—…",
                          "︐︑︒︓︔︕︖︵︶︽︾︿﹀︻︼﹁﹂﹃﹄﹁﹂﹃﹄︱︙"))
HAN_LATIN = 0.25  # em between a turned Latin run and an upright character


@dataclass(frozen=True)
class VerticalRun:
    text: str
    upright: bool  # one character standing; else a Latin run turned 90°
    length: float  # em it takes down the column
    before: float = 0.0  # em of space above it
    drop: float = 0.0  # em a turned run's line draws its em box off centre (Shaper.em_box_drop): undone


def vertical(text: str, width: Callable[[str], float], drop: float = 0.0) -> list[VerticalRun]:
    """The runs of `text` down a column; `width(run)` is a run's advance in em, set horizontally; `drop`
    how far a line one em high draws the face's em box below its middle."""
    runs: list[VerticalRun] = []
    latin = ""

    def end_latin() -> None:
        nonlocal latin
        if latin.strip():
            runs.append(VerticalRun(latin.strip(), False, width(latin.strip()), HAN_LATIN if runs else 0.0, drop))
        latin = ""

    for char in text:
        if kind(char) in ("latin", "space"):
            latin += char
            continue
        had_latin = bool(latin.strip())
        end_latin()
        runs.append(VerticalRun(VERTICAL_FORMS.get(char, char), True, 1.0, HAN_LATIN if had_latin else 0.0))
    end_latin()
    return runs
