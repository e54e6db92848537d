"""The paragraph setter on the seed's paragraphs and on cases made to test each rule."""

import pytest

from cjkpress.design import grid
from cjkpress.tree import Paragraph, Text
from cjkpress.typeset import Setter, Shaper
from cjkpress.clreq import CLOSING, OPENING

MEASURE = 38


@pytest.fixture(scope="module")
def setter(design):
    return Setter(Shaper(design, "zh-Hans"), grid(design).chars)


def line_text(line):
    return "".join(s.text for s in line)


def line_width(setter, line):
    """Width in em as drawn: advances, letter-spacing after every character but the line's last, margins."""
    width = 0.0
    for s in line:
        width += setter.shaper.width(s.text, s.style, s.halt, full_width=s.full_width) + s.spacing * len(s.text) + s.margin
    return width - line[-1].spacing


def test_seed_paragraphs_obey_the_rules(setter, book):
    assert setter.measure == MEASURE
    for paragraph in book.paragraphs():
        lines = setter.lines(paragraph)
        texts = [line_text(line) for line in lines]
        assert "".join(texts) == paragraph.text
        for number, (line, text) in enumerate(zip(lines, texts)):
            avail = MEASURE - (2 if number == 0 else 0)
            if number < len(lines) - 1:
                assert line_width(setter, line) == pytest.approx(avail, abs=1e-3), text
            else:
                assert line_width(setter, line) <= avail + 1e-3
            assert text[0] not in CLOSING + "·", text
            assert text[-1] not in OPENING, text
            if number < len(lines) - 1:
                assert not (text.endswith("—") and texts[number + 1].startswith("—"))
                assert not (text.endswith("…") and texts[number + 1].startswith("…"))
        if len(lines) > 1:
            assert len(texts[-1].rstrip(CLOSING)) > 1, f"lone character ending line {paragraph.line}"


def test_run_in_head_keeps_its_face(setter, book):
    paragraph = next(p for p in book.paragraphs() if p.lead)
    segments = [s for line in setter.lines(paragraph) for s in line]
    assert "".join(s.text for s in segments if s.style == "strong") == paragraph.lead
    assert "".join(s.text for s in segments if s.style != "strong") == paragraph.text[len(paragraph.lead):]


def set_one(setter, text):
    return setter.lines(Paragraph((Text(text),), 1))


def test_adjacent_punctuation_is_compressed(setter):
    segments = [s for line in set_one(setter, "出台《计算机信息网络国际联网管理暂行规定》，明确“互联网+”。（“中国”）") for s in line]
    halted = "".join(s.text for s in segments if s.halt)
    # 》， → 》 halved; ”。 → ” halved; 。（ → 。 halved; （“ → “ halved; ”） → ” halved.
    assert halted == "》”。“”"


def test_quarter_em_between_han_and_latin(setter):
    (line,) = set_one(setter, "自2021年起用App")
    spaced = {s.text: s.spacing or s.margin for s in line}
    assert spaced["自"] == 0.25 and spaced["2021"] == 0.25 and spaced["用"] == 0.25
    assert line[-1].text.endswith("App") and line[-1].margin == 0


def test_no_lone_character_on_the_last_line(setter):
    # 36 characters fill the indented first line, but 。 may not start the next,
    # so 国 goes down with it, alone: one more character follows it.
    lines = set_one(setter, "中" * 35 + "国。")
    assert [line_text(line) for line in lines] == ["中" * 34, "中国。"]


def test_a_closing_mark_is_pushed_in_at_half_width(setter):
    # 34 em + ¼ em + "12" (1.03 em) leave 0.72 em of the indented first line's
    # 36: the stop fits only at half width, which beats pushing "12" down.
    lines = set_one(setter, "中" * 34 + "12，" + "国" * 10)
    assert line_text(lines[0]) == "中" * 34 + "12，"
    assert lines[0][-1].halt and lines[0][-1].text == "，"


def test_line_never_starts_with_a_stop_or_ends_with_an_opening_mark(setter):
    lines = set_one(setter, "中" * 35 + "“国，" + "家" * 40)
    texts = [line_text(line) for line in lines]
    assert texts[0][-1] != "“" and texts[1][0] not in CLOSING


@pytest.fixture(scope="module")
def narrow(design):
    """A 10-em measure, unindented: a line there has few gaps to spread."""
    return Setter(Shaper(design, "zh-Hans"), 10, indent=0)


def test_a_loose_line_pulls_the_next_unit_in_by_squeezing_a_pair(narrow):
    # “中”，中中中中中 is 8.5 em: 1.5 em over 7 gaps (0.21 em each) if 家”。 goes down. Its 2 em (。
    # half-width at the line end) need 0.5 em more: the ， of the pair ”， set half-width too gives it.
    lines = narrow.lines(Paragraph((Text("“中”，中中中中中家”。" + "中" * 9),), 1))
    assert line_text(lines[0]) == "“中”，中中中中中家”。"
    assert "".join(s.text for s in lines[0] if s.halt) == "”，”。"
    assert line_width(narrow, lines[0]) == pytest.approx(10, abs=1e-3)


def test_a_comma_alone_is_never_squeezed(narrow):
    # The same line with its comma in no pair: 家”。 needs 0.5 em that only the comma could give.
    lines = narrow.lines(Paragraph((Text("中中中，中中中中中家”。" + "中" * 9),), 1))
    assert line_text(lines[0]) == "中中中，中中中中中"
    assert not any(s.halt for s in lines[0])


def test_a_lone_last_character_is_pulled_up_by_squeezing(narrow):
    # 国。 alone on a second line: the first takes it when 。 and one mark of a pair are set half-width.
    (line,) = narrow.lines(Paragraph((Text("“中”，“中”，中中中国。"),), 1))
    assert "".join(s.text for s in line if s.halt) == "”，“”，。"
