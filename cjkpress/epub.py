"""EPUB writer: the tree → an EPUB 3 with embedded font subsets, the same bytes every build.

We render every document ourselves (templates/epub/) and let ebooklib 0.20
assemble the package (OPF metadata, manifest, spine, zip). Where ebooklib is
wrong for us we take over: its generated nav (headed in English with the
book's title, a page list made of every element with an id) and NCX (depth 0,
no playOrder, ids made up for sections) are replaced by ours, `<package>` gets
the `xml:lang` it has no API for, and its zip (clock times) is repacked.

Documents go in as plain EpubItems of our own bytes: ebooklib re-parses an
EpubHtml with lxml's HTML parser, which drops what it does not expect in
<head>, so it would not write our markup as we wrote it.

The EPUB is the printed book's reflowable twin: its cover image is the PDF's
first page, and a page-break marker stands where each printed body page
begins, listed in the nav's page list, so that readers can cite and find the
print edition's page numbers.
"""

import datetime
import io
import itertools
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ebooklib import epub
from lxml import etree

from . import fonts
from .errors import InputError
from .output import atomic
from .render import render, stylesheet
from .tree import Book, Chapter, Figure, PageStart, Paragraph, Section, Subheading, TocEntry

if TYPE_CHECKING:
    from .edition import Edition
    from .pdf import Layout  # imported only for the annotation: WeasyPrint is slow to import

XHTML = "application/xhtml+xml"
XHTML_NS = "http://www.w3.org/1999/xhtml"
HEADINGS = [f"{{{XHTML_NS}}}h{level}" for level in range(1, 7)]
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IBOOKS = "http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/"
# Paths inside the package (EPUB/), where the OPF, nav and NCX are.
COVER = "text/cover.xhtml"
NAV = "nav.xhtml"
CSS = "styles/book.css"
COVER_IMAGE = "images/cover.png"
# EPUB core media types a figure may have; anything else would need a fallback.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
UNIX = 3  # zip "made by" system: fixed, so a build elsewhere gives the same bytes
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"  # the form EPUB Accessibility 1.1 (2023) defines


@dataclass
class Entry:
    """One line of the table of contents, shared by nav.xhtml and toc.ncx."""

    id: str
    label: str
    href: str  # from the package directory, where both nav.xhtml and toc.ncx are
    order: int  # reading order: the NCX's playOrder
    children: list["Entry"] = field(default_factory=list)


@dataclass(frozen=True)
class Resource:
    href: str
    media_type: str
    data: bytes


class Writer(epub.EpubWriter):
    """ebooklib's writer, writing our nav and NCX as they are instead of generating its own."""

    def _get_nav(self, item):
        return item.content

    def _get_ncx(self):
        return next(item for item in self.book.get_items() if isinstance(item, epub.EpubNcx)).content

    def _write_opf_file(self, root):
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def write_epub(book: Book, out: Path, layout: "Layout | Edition") -> None:
    """Write the EPUB of `book`; `layout` is the PDF's (or its record), for the cover image and the page list."""
    *faces, fallback_face = fonts.for_design(book.design)
    when = fixed_time(book.metadata.date)
    images = figures(book)
    cover = Resource(COVER_IMAGE, "image/png", layout.cover)
    toc = contents(book)
    breaks = page_breaks(book, layout.pages)
    pages = [(start.label, f"{text_href(chapter)}#{page_id(start)}")
             for chapter in book.chapters for start, _ in breaks.get(chapter.id, [])]
    documents = {
        COVER: page("epub/cover.xhtml", COVER, book, image=relative(cover.href, COVER)),
        NAV: page("epub/nav.xhtml", NAV, book, toc=toc, cover=COVER, pages=pages),
    }
    for chapter in book.chapters:
        href = text_href(chapter)
        data = page("epub/chapter.xhtml", href, book, chapter=chapter,
                    asset_url=lambda path: relative(images[path].href, href))
        documents[href] = mark_pages(data, chapter, breaks.get(chapter.id, []))

    # Each font holds every character written into any document: a reader that
    # uses embedded fonts shows nothing for a character the font lacks.
    text = "".join("".join(etree.fromstring(data).itertext()) for data in documents.values())
    body, heading = (font_resource(face, fonts.subset_otf(face, text)) for face in faces)
    # The fallback face only for what the others lack (book.load has warned of each).
    lacking = "".join(c for c in set(text) if fallback_face and not all(ord(c) in fonts.code_points(f) for f in faces))
    fallback = font_resource(fallback_face, fonts.subset_otf(fallback_face, lacking)) if lacking else None
    css = render("epub/book.css", body=faces[0], heading=faces[1], body_src=relative(body.href, CSS),
                 heading_src=relative(heading.href, CSS), fallback=fallback_face if fallback else None,
                 fallback_src=relative(fallback.href, CSS) if fallback else "", stylesheet=stylesheet("epub.css"))
    fonts_used = [body, heading] + ([fallback] if fallback else [])
    # One file when two roles resolve to the same face.
    resources = {r.href: r for r in [Resource(CSS, "text/css", css.encode()), *fonts_used, *images.values()]}

    package = metadata(book)
    for href, data in documents.items():
        if href == NAV:
            item = epub.EpubNav(uid="nav", file_name=NAV)
            item.content = data
        else:
            item = epub.EpubItem(uid=item_id(href), file_name=href, media_type=XHTML, content=data)
        package.spine.append(package.add_item(item))  # cover, 目录, chapters: what a reader pages through
    # The manifest's cover-image, and the EPUB 2 cover meta that older readers look for.
    cover_item = epub.EpubCover(uid=item_id(cover.href), file_name=cover.href)
    cover_item.media_type, cover_item.content = cover.media_type, cover.data
    package.add_item(cover_item)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": item_id(cover.href)})
    for r in resources.values():
        package.add_item(epub.EpubItem(uid=item_id(r.href), file_name=r.href, media_type=r.media_type, content=r.data))
    ncx = package.add_item(epub.EpubNcx())
    ncx.content = render("epub/toc.ncx", meta=book.metadata, toc=toc, depth=depth(toc)).encode()

    buffer = io.BytesIO()
    # No generated page list (it would list every element with an id; ours is
    # in the nav) and no EPUB 2 guide (the nav's landmarks do its job).
    options = {"epub3_pages": False, "epub2_guide": False, "mtime": when, "raise_exceptions": True}
    Writer(buffer, package, options).write()
    data = repack(buffer.getvalue(), when)
    with atomic(out) as tmp:
        tmp.write_bytes(data)


PageTop = Chapter | Section | Subheading | Paragraph  # what a printed page can begin with
Break = tuple[PageStart, PageTop]


def page_breaks(book: Book, starts: list[PageStart]) -> dict[str, list[Break]]:
    """The printed body pages by chapter id, each with the block it begins with."""
    blocks: dict[int, tuple[Chapter, PageTop]] = {}
    for chapter in book.chapters:
        for block in [chapter, *chapter.sections, *chapter.blocks_in_order()]:
            if isinstance(block, PageTop):
                blocks[block.line] = (chapter, block)
    breaks: dict[str, list[Break]] = {}
    for start in starts:
        if start.line not in blocks:
            raise ValueError(f"printed page {start.label} begins at line {start.line}, which is no heading or paragraph")
        chapter, block = blocks[start.line]
        breaks.setdefault(chapter.id, []).append((start, block))
    return breaks


def page_id(start: PageStart) -> str:
    return f"page-{start.label}"


def mark_pages(data: bytes, chapter: Chapter, breaks: list[Break]) -> bytes:
    """The chapter document with a page-break marker where each of its printed pages begins.

    A heading's page begins before the heading (outside it, so that the
    marker's label does not join the heading's name); a paragraph's, `offset`
    characters into its text, a run-in head may be split. Paragraphs are found
    by their text: the k-th of equal texts for the k-th such paragraph.
    """
    root = etree.fromstring(data)
    paragraphs = root.findall(f".//{{{XHTML_NS}}}p")
    previous = None
    for start, block in breaks:
        marker = etree.Element(f"{{{XHTML_NS}}}span", {EPUB_TYPE: "pagebreak", "role": "doc-pagebreak",
                                                      "id": page_id(start), "aria-label": start.label})
        if previous and (previous[0].line, previous[0].offset) == (start.line, start.offset):
            # A blank page begins where the next does: its marker comes just before.
            marker.tail, previous[1].tail = previous[1].tail, None
            previous[1].addnext(marker)
        elif isinstance(block, Paragraph):
            twins = [p for p in chapter.paragraphs() if p.text == block.text]
            element = [e for e in paragraphs if "".join(e.itertext()) == block.text][twins.index(block)]
            if insert(element, start.offset, marker) >= 0:
                raise ValueError(f"printed page {start.label} begins past the end of line {start.line}")
        else:
            (element,) = root.xpath("//*[@id=$id]", id=block.id)  # a heading, or the section it opens
            next(element.iter(*HEADINGS)).addprevious(marker)
        previous = (start, marker)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def insert(element: etree._Element, offset: int, marker: etree._Element) -> int:
    """Put `marker` `offset` characters into the text of `element`: -1 when done, else the characters left over."""
    text = element.text or ""
    if offset <= len(text):
        element.text, marker.tail = text[:offset], text[offset:]
        element.insert(0, marker)
        return -1
    offset -= len(text)
    for index, child in enumerate(element):
        if (offset := insert(child, offset, marker)) < 0:
            return -1
        tail = child.tail or ""
        if offset <= len(tail):
            child.tail, marker.tail = tail[:offset], tail[offset:]
            element.insert(index + 1, marker)
            return -1
        offset -= len(tail)
    return offset


def fixed_time(date: str) -> datetime.datetime:
    """The time the EPUB records (dcterms:modified, zip entries): SOURCE_DATE_EPOCH, else the book's date."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        if not epoch.isdigit():
            raise InputError(f"SOURCE_DATE_EPOCH “{epoch}” is not a whole number of seconds since 1970")
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.datetime.strptime(date, pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            pass
    raise InputError(f"the date “{date}” is not YYYY-MM or YYYY-MM-DD; correct it in book.yaml")


def metadata(book: Book) -> epub.EpubBook:
    meta = book.metadata
    package = epub.EpubBook()
    package.set_identifier(meta.identifier)
    package.set_title(meta.title)
    package.set_language(meta.language)
    package.add_author(meta.creator)
    package.add_metadata("DC", "publisher", meta.publisher)
    package.add_metadata("DC", "date", meta.date)
    if meta.description:
        package.add_metadata("DC", "description", meta.description)
    # Apple Books uses embedded fonts only when the book asks for them.
    package.add_prefix("ibooks", IBOOKS)
    package.add_metadata(None, "meta", "true", {"property": "ibooks:specified-fonts"})
    for prop, value in accessibility(book):
        package.add_metadata(None, "meta", value, {"property": prop})
    return package


def accessibility(book: Book) -> list[tuple[str, str]]:
    """EPUB Accessibility 1.1 metadata, true of what write_epub makes.

    All text, reflowable, with the nav's 目录, landmarks and page list, and
    page-break markers of the printed edition. The cover image stands beside
    the text (its alt text says what it shows), so it adds no access mode.
    A figure does add one, and the text is sufficient only if each figure has
    alt text; only then does the book claim WCAG 2.1 AA (`make check` holds it to
    that with DAISY Ace).
    """
    alts = [figure.alt or figure.caption for figure in figure_blocks(book)]  # what the img's alt says
    described = all(alts)
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "printPageNumbers",
                "pageBreakMarkers", "pageNavigation", "displayTransformability"]
    summary = ("全书为可重排的文字，可用读屏软件朗读，也可调整字号、字体和颜色；"
               "有目录、分级标题和确定的阅读顺序，并标出印刷版的页码，可按页码跳转。")
    if alts and described:
        features.append("alternativeText")
        summary += "插图均附有文字说明。"
    elif alts:
        summary += "部分插图缺少文字说明。"
    summary += "封面图片附有文字说明。没有闪烁、声音或动态画面。"
    if described:
        summary += "本书按 EPUB 无障碍 1.1 与 WCAG 2.1 AA 级要求制作。"
    return [
        ("schema:accessMode", "textual"),
        *([("schema:accessMode", "visual")] if alts else []),
        ("schema:accessModeSufficient", "textual" if described else "textual,visual"),
        *[("schema:accessibilityFeature", feature) for feature in features],
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary", summary),
        *([("dcterms:conformsTo", CONFORMANCE)] if described else []),
        # EPUB 3.3's own (unprefixed) property, where the page numbers come from.
        ("pageBreakSource", f"《{book.metadata.title}》印刷版 PDF（{book.slug}.pdf）"),
    ]


def text_href(chapter: Chapter) -> str:
    return f"text/{chapter.id}.xhtml"


def item_id(href: str) -> str:
    """The manifest id of a file, from its path: unique, and a valid XML name as every path starts with a letter."""
    return re.sub(r"[^A-Za-z0-9]", "-", href)


def relative(href: str, start: str) -> str:
    """`href` (from the package directory) as seen from the document `start`."""
    return posixpath.relpath(href, posixpath.dirname(start))


def page(template: str, href: str, book: Book, **context) -> bytes:
    return render(template, meta=book.metadata, css=relative(CSS, href), **context).encode()


def contents(book: Book) -> list[Entry]:
    """The tree's table of contents (chapters, sections, listed third-level headings) with hrefs and reading order."""
    order = itertools.count(1)

    def entry(toc: TocEntry, document: str, top: bool = False) -> Entry:
        href = document if top else f"{document}#{toc.id}"
        return Entry(toc.id, toc.heading, href, next(order), [entry(child, document) for child in toc.children])

    return [entry(toc, text_href(chapter), top=True) for chapter, toc in zip(book.chapters, book.contents())]


def depth(toc: list[Entry]) -> int:
    return max((1 + depth(e.children) for e in toc), default=0)


def figure_blocks(book: Book) -> list[Figure]:
    """The figures with an image (a caption alone is text), in reading order."""
    return [b for c in book.chapters for b in c.blocks_in_order() if isinstance(b, Figure) and b.path]


def figures(book: Book) -> dict[Path, Resource]:
    """Every local image the book shows, once each, named fig-1.png… (ASCII, whatever the source name)."""
    images: dict[Path, Resource] = {}
    for figure in figure_blocks(book):
        if figure.path in images:
            continue
        suffix = figure.path.suffix.lower()
        if suffix not in IMAGE_TYPES:
            raise InputError(
                f"image {figure.path.name} is not a type every EPUB reader shows; "
                f"convert it to one of {', '.join(IMAGE_TYPES)}",
                book.source,
                figure.line,
            )
        href = f"images/fig-{len(images) + 1}{suffix}"
        images[figure.path] = Resource(href, IMAGE_TYPES[suffix], figure.path.read_bytes())
    return images


def font_resource(face: fonts.Face, data: bytes) -> Resource:
    # CFF-flavoured OpenType starts with "OTTO"; a TrueType-flavoured face must be labelled as such.
    extension, media_type = ("otf", "font/otf") if data[:4] == b"OTTO" else ("ttf", "font/ttf")
    name = re.sub(r"[^A-Za-z0-9-]", "-", face.postscript_name)
    return Resource(f"fonts/{name}.{extension}", media_type, data)


def repack(data: bytes, when: datetime.datetime) -> bytes:
    """ebooklib's zip with fixed entry times, modes and compression: the same book gives the same bytes.

    `mimetype` comes first, stored, with no extra field, as OCF requires.
    """
    date_time = max(when, ZIP_EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = ["mimetype"] + [n for n in source.namelist() if n != "mimetype"]
        for name in names:
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = UNIX
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
