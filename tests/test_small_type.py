"""Footnotes and table cells, set by cjkpress's setter in the note size: a small Markdown book built once,
its notes and cells justified to their measures, obeying the rules, their text whole in the text layer."""

import re
import subprocess

import pytest
from pypdf import PdfReader

from cjkpress.preflight import check, glyphs
from conftest import laid_out, write

LONG_NOTE = ("这条脚注写于2023年3月，说的是脚注也要像正文一样排：每行两端对齐，标点挤压，"
             "汉字与 HarfBuzz、WeasyPrint 这样的西文之间留出四分之一个字的空隙，行首不放句号，"
             "行尾不放开引号“这样的符号”，最后一行也不会只剩下一个字。再多写几句，让它排成三行以上，"
             "看得出每一行都排满了版心的宽度。")
CELLS = ["网络立法从无到有、从少到多、由点到面、由面到体，形成了以宪法为根本，以法律、行政法规、部门规章为骨干的网络法律体系。",
         "数据安全法于2021年6月通过，自2021年9月1日起施行，确立了数据分类分级保护制度，建立了数据安全风险评估与应急处置机制。"]
# Body text over two pages, so that the preflight finds the type area on both sides.
BODY = "\n\n".join("中国坚持依法治网，推进网络空间法治化，" * 40 + "完善制度体系。" for _ in range(2))
SOURCE = f"""# 注与表

{BODY}

正文提到一件事[^a]，又提到另一件事[^b]。下表的单元格文字较长，要在栏宽之内折行。

| 项目 | 说明 | 数量 |
|------|------|-----:|
| 立法 | {CELLS[0]} | 12 |
| 数据安全 | {CELLS[1]} | 3400 |

[^a]: {LONG_NOTE}
[^b]: 短注。
"""


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    (folder / "book.md").write_text(SOURCE, encoding="utf-8")
    return write(laid_out(folder / "book.md", folder / "out"), "pdf")


@pytest.fixture(scope="module")
def texts(pdf):
    """The notes' and cells' lines, as the preflight reads them: each size a text of its own."""
    pages = glyphs.read(pdf, PdfReader(pdf))
    return pages, glyphs.smaller(pages)


def blocks_of(text, kinds):
    found = {}
    for line in text.lines:
        if line.block.kind in kinds:
            found.setdefault(line.block.key, []).append(line)
    return list(found.values())


def test_the_preflight_passes_and_sees_them(pdf, texts):
    report = check(pdf)
    assert report.ok, report.format()
    _, (small,) = texts
    assert small.em == pytest.approx(9.0)
    assert len(blocks_of(small, {"/Note"})) == 2
    assert len(blocks_of(small, {"/TD", "/TH"})) == 9


def test_notes_fill_the_measure(texts):
    pages, (small,) = texts
    (long, short) = blocks_of(small, {"/Note"})
    assert len(long) >= 3 and len(short) == 1
    for line in long[:-1]:  # a justified line ends at the type area's right edge
        assert line.ink[-1].x1 == pytest.approx(pages.right_edge(line), abs=0.02 * small.em)
    assert long[0].ink[0].x0 == pytest.approx(pages.left_edge(long[0]), abs=0.01)  # the mark, at the left edge


def test_cells_are_justified_and_the_table_fills_the_measure(texts):
    pages, (small,) = texts
    cells = blocks_of(small, {"/TD"})
    wrapped = [cell for cell in cells if len(cell) > 1]
    assert len(wrapped) == 2
    for cell in wrapped:
        ends = [line.ink[-1].x1 for line in cell[:-1]]
        assert max(ends) - min(ends) < 0.02 * small.em
        # A line may not start with a closing mark, nor end with an opening one.
        assert all(line.ink[0].text not in glyphs.CLOSING and line.ink[-1].text not in glyphs.OPENING
                   for line in cell)
    number = next(line for cell in cells for line in cell if line.text == "3400")
    # Right-aligned, half an em of padding in from the type area's right edge.
    assert number.ink[-1].x1 == pytest.approx(pages.right_edge(number) - 0.5 * small.em, abs=0.05 * small.em)


def test_their_text_is_whole_in_the_text_layer(pdf, texts):
    _, (small,) = texts
    cells = ["".join(line.text for line in cell) for cell in blocks_of(small, {"/TD"})]
    assert [cells[1], cells[4]] == CELLS
    # pdftotext reads a table's columns in its own order, but the notes as written.
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "①" + re.sub(r"\s+", "", LONG_NOTE) in text


def test_a_short_table_is_kept_on_one_page_and_a_long_one_may_break(pdf, texts, tmp_path):
    _, (small,) = texts
    assert len({line.page for line in small.lines if line.block.kind in {"/TD", "/TH"}}) == 1
    rows = "\n".join(f"| 第{n}项 | 说明 |" for n in range(60))
    (tmp_path / "long.md").write_text(f"# 长表\n\n| 项目 | 说明 |\n|---|---|\n{rows}\n", encoding="utf-8")
    from cjkpress.book import load
    from cjkpress.tree import Table
    from cjkpress.typeset import set_paragraphs

    book, design = load(tmp_path / "long.md")
    lines = set_paragraphs(book, design)
    (table,) = [lines[b] for b in book.chapters[0].blocks_in_order() if isinstance(b, Table)]
    assert table.height == 61 and not table.whole
