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

from ebooklib import epub
from lxml import etree

from . import fonts
from .errors import InputError
from .output import atomic
from .render import render, stylesheet
from .tree import Book, Chapter, Figure

XHTML = "application/xhtml+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IBOOKS = "http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/"
# Paths inside the package (EPUB/), where the OPF, nav and NCX are.
COVER = "text/cover.xhtml"
NAV = "nav.xhtml"
CSS = "styles/book.css"
# EPUB core media types a figure may have; anything else would need a fallback.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
UNIX = 3  # zip "made by" system: fixed, so a build elsewhere gives the same bytes


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


def write_epub(book: Book, out: Path) -> None:
    faces = [fonts.find(book.design.body_font), fonts.find(book.design.heading_font, bold=True)]
    when = fixed_time(book.metadata.date)
    images = figures(book)
    toc = contents(book)
    documents = {
        COVER: page("epub/cover.xhtml", COVER, book),
        NAV: page("epub/nav.xhtml", NAV, book, toc=toc, cover=COVER),
    }
    for chapter in book.chapters:
        href = text_href(chapter)
        documents[href] = page("epub/chapter.xhtml", href, book, chapter=chapter,
                               asset_url=lambda path: relative(images[path].href, href))

    # Each font holds every character written into any document: a reader that
    # uses embedded fonts shows nothing for a character the font lacks.
    text = "".join("".join(etree.fromstring(data).itertext()) for data in documents.values())
    body, heading = (font_resource(face, fonts.subset_otf(face, text)) for face in faces)
    css = render("epub/book.css", body=faces[0], heading=faces[1], body_src=relative(body.href, CSS),
                 heading_src=relative(heading.href, CSS), stylesheet=stylesheet("epub.css"))
    # One file when both roles resolve to the same face.
    resources = {r.href: r for r in [Resource(CSS, "text/css", css.encode()), body, heading, *images.values()]}

    package = metadata(book)
    for href, data in documents.items():
        if href == NAV:
            item = epub.EpubNav(uid="nav", file_name=NAV)
            item.content = data
        else:
            item = epub.EpubItem(uid=item_id(href), file_name=href, media_type=XHTML, content=data)
        package.spine.append(package.add_item(item))  # cover, 目录, chapters: what a reader pages through
    for r in resources.values():
        package.add_item(epub.EpubItem(uid=item_id(r.href), file_name=r.href, media_type=r.media_type, content=r.data))
    ncx = package.add_item(epub.EpubNcx())
    ncx.content = render("epub/toc.ncx", meta=book.metadata, toc=toc).encode()

    buffer = io.BytesIO()
    # No generated page list (it would list every element with an id) and no
    # EPUB 2 guide (the nav's landmarks do its job).
    options = {"epub3_pages": False, "epub2_guide": False, "mtime": when, "raise_exceptions": True}
    Writer(buffer, package, options).write()
    data = repack(buffer.getvalue(), when)
    with atomic(out) as tmp:
        tmp.write_bytes(data)


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
    return package


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
    order = itertools.count(1)
    toc = []
    for chapter in book.chapters:
        href = text_href(chapter)
        entry = Entry(chapter.id, chapter.heading, href, next(order))
        entry.children = [Entry(s.id, s.heading, f"{href}#{s.id}", next(order)) for s in chapter.sections]
        toc.append(entry)
    return toc


def figures(book: Book) -> dict[Path, Resource]:
    """Every local image the book shows, once each, named fig-1.png… (ASCII, whatever the source name)."""
    images: dict[Path, Resource] = {}
    blocks = (b for c in book.chapters for b in c.blocks + [b for s in c.sections for b in s.blocks])
    for figure in (b for b in blocks if isinstance(b, Figure)):
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
