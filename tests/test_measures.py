"""Every paragraph of every text in the repository, set at measures from 20 to 45 characters, ends every
line but its last within 0.02 em of the measure, by the glyph positions of the built PDF.

`make test` sets them at four measures spread over the range; `make test-measures` (and CI) at every
measure from 20 to 45.
"""

import os
import re

import pytest

from cjkpress.book import load
from cjkpress.design import PT_PER_MM
from cjkpress.tree import Paragraph, runs
from conftest import MANUAL, ROOT, SEED, VARIANTS, laid_out, write
from test_latin import lines_off_the_measure

TEXTS = [SEED, VARIANTS, MANUAL, ROOT / "tests" / "mdbook"]
MEASURES = range(20, 46) if os.environ.get("CJKPRESS_MEASURES") == "all" else (20, 29, 37, 45)
# Dashes and ellipses where they sit in the family's papers: a single 一字线 inside Han (中国—东盟), a
# 破折号 opening a run-in head, both in each face.
DASHES = "\n\n".join(
    f"{a}中国—东盟数字经济合作、中国—阿拉伯国家网络安全交流{b}，以及{a}——坚持开放合作。{b}积极参与国际规则"
    f"制定……推动构建网络空间命运共同体——这是中国的主张。" * 3
    for a, b in (("", ""), ("<strong>", "</strong>"), ("<em>", "</em>")))
MARKUP = {"plain": "{}", "strong": "<strong>{}</strong>", "emphasis": "<em>{}</em>"}  # delimiters beside 。 would not close


def markdown(paragraph: Paragraph) -> str:
    """The paragraph as Markdown: its runs in their styles, every ASCII mark escaped."""
    parts = []
    for text, style in runs(paragraph.content):
        if style == "code" and "`" not in text:
            parts.append(f"`` {text} ``" if text.startswith("`") else f"`{text}`")
        else:
            escaped = re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text.replace("\n", " "))
            parts.append(MARKUP.get(style, "{}").format(escaped) if escaped.strip() else escaped)
    return "".join(parts)


@pytest.fixture(scope="module")
def source():
    """One Markdown chapter per text: every paragraph of it, notes left out."""
    chapters = []
    for path in TEXTS:
        book = load(path)[0]
        paragraphs = [markdown(block) for chapter in book.chapters for block in chapter.blocks_in_order()
                      if isinstance(block, Paragraph)]
        chapters.append(f"# {book.metadata.title}\n\n" + "\n\n".join(p for p in paragraphs if p.strip()))
    return chapters + [f"# 连接号与破折号\n\n{DASHES}"]


@pytest.mark.parametrize("measure", MEASURES)
def test_every_line_of_every_text_ends_on_the_measure(source, measure, tmp_path):
    for number, chapter in enumerate(source, 1):
        (tmp_path / f"{number:02}.md").write_text(chapter + "\n", encoding="utf-8")
    width = (measure * 10.5 + 1) / PT_PER_MM + 44  # `measure` characters of 10.5 pt inside 22 mm margins
    (tmp_path / "book.yaml").write_text(f'title: 量度\ndesign:\n  page_size: "{width:.2f}mm 260mm"\n',
                                        encoding="utf-8")
    job = laid_out(tmp_path, tmp_path / "out")
    assert sum(len(piece) for block, pieces in job.lines.items() if isinstance(block, Paragraph)
               for piece in pieces) > 500
    assert lines_off_the_measure(write(job, "pdf")) == []
