"""EPUB writer: the tree → an EPUB 3 with embedded font subsets, the same bytes every build.

We render every document ourselves (templates/epub/) and let ebooklib
assemble the package (package.py). Documents go in as plain EpubItems of our
own bytes: ebooklib re-parses an EpubHtml with lxml's HTML parser, which
drops what it does not expect in <head>, so it would not write our markup as
we wrote it.

The EPUB is the printed book's reflowable twin: its cover image is the PDF's
first page, its title page and 版权页 say what the PDF's do (with the 印张 and
字数 of the print edition's book block), and a page-break marker stands where
each printed body page begins (pages.py), listed in the nav's page list, so
that readers can cite and find the print edition's page numbers. All of it
comes from the page map.
"""

import io
import itertools
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ebooklib import epub
from lxml import etree

from ... import fonts
from ...clreq import CLOSING, OPENING
from ...errors import InputError
from ...imprint import imprint
from ...output import atomic
from ...design import styles
from ...tree import STYLES, Book, TocEntry
from .. import PAGE_MAP, Job, Writer
from ..markup import link_urls, render, stylesheet
from .package import Packager, fixed_time, metadata, repack
from .pages import mark_pages, page_breaks, page_id

XHTML = "application/xhtml+xml"
# Paths inside the package (EPUB/), where the OPF, nav and NCX are.
COVER = "text/cover.xhtml"
TITLE_PAGE = "text/title-page.xhtml"
COLOPHON = "text/colophon.xhtml"  # the 版权页
CONTENTS = "text/contents.xhtml"  # the 目录 a reader pages through; the nav, with hidden lists, is not
NAV = "nav.xhtml"
CSS = "styles/book.css"
COVER_IMAGE = "images/cover.png"
# EPUB core media types a figure may have; anything else would need a fallback.
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}


@dataclass
class Entry:
    """One line of the table of contents, shared by nav.xhtml and toc.ncx."""

    id: str
    label: str
    href: str  # from the package directory, where both nav.xhtml and toc.ncx are
    order: int  # reading order: the NCX's playOrder
    children: list["Entry"] = field(default_factory=list)
    part: str = ""  # a chapter's part title (nav.xhtml lists its chapters under it)


@dataclass(frozen=True)
class Resource:
    href: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Font:
    """An embedded face: the style it draws, and its subset."""

    style: str  # tree.STYLES, or "fallback"
    face: fonts.Face
    resource: Resource
    src: str = ""  # its URL from the style sheet


def subset_text(style: str, text: str) -> str:
    """What a face's subset holds: all the text and fonts.EXTRA_CHARS, but the marks the 楷体 face
    leaves to the body face."""
    text += fonts.EXTRA_CHARS
    return "".join(c for c in text if c not in OPENING + CLOSING) if style == "emphasis" else text


class Epub(Writer):
    format = "epub"
    suffix = ".epub"
    needs = frozenset({PAGE_MAP})

    def write(self, job: Job, target: Path) -> None:
        with atomic(target) as tmp:
            tmp.write_bytes(epub_bytes(job.book, job.design, job.page_map))


def epub_bytes(book: Book, design, page_map) -> bytes:
    """The EPUB of `book`; the page map gives its cover image and its page list."""
    used = [style for style in STYLES if style in styles(book)]
    faces = {style: fonts.face(design, style) for style in used}
    fallback_face = fonts.fallback(design)
    when = fixed_time(book.metadata.date)
    images = figures(book)
    cover = Resource(COVER_IMAGE, "image/png", page_map.cover)
    toc = contents(book)
    breaks = page_breaks(book, page_map.pages)
    pages = [(start.label, f"{text_href(chapter.id)}#{page_id(start)}")
             for chapter in book.chapters for start, _ in breaks.get(chapter.id, [])]
    parts = [(part, list(entries)) for part, entries in itertools.groupby(toc, lambda e: e.part)]
    documents = {
        COVER: page("epub/cover.xhtml", COVER, book, image=relative(cover.href, COVER)),
        TITLE_PAGE: page("epub/title-page.xhtml", TITLE_PAGE, book),
        COLOPHON: page("epub/colophon.xhtml", COLOPHON, book, design=design,
                       imprint=imprint(book.metadata, design, page_map.block_pages)),
        CONTENTS: page("epub/contents.xhtml", CONTENTS, book, parts=parts, link=lambda h: relative(h, CONTENTS)),
        NAV: page("epub/nav.xhtml", NAV, book, toc=toc, parts=parts, link=lambda h: h, cover=COVER,
                  title_page=TITLE_PAGE, colophon=COLOPHON, contents=CONTENTS, pages=pages),
    }
    for chapter in book.chapters:
        href = text_href(chapter.id)

        def document(chapter_id: str, here: str = href) -> str:
            """A chapter's file as a link from this one sees it: "" for this one."""
            return "" if text_href(chapter_id) == here else relative(text_href(chapter_id), here)

        data = page("epub/chapter.xhtml", href, book, chapter=chapter, link_url=link_urls(book, document),
                    asset_url=lambda path, here=href: relative(images[path].href, here))
        documents[href] = mark_pages(data, chapter, breaks.get(chapter.id, []))

    # Each font holds every character written into any document: a reader that
    # uses embedded fonts shows nothing for a character the font lacks.
    text = "".join("".join(etree.fromstring(data).itertext()) for data in documents.values())
    embedded = [Font(style, face, font_resource(face, fonts.subset_otf(face, subset_text(style, text))))
                for style, face in faces.items()]
    # The fallback face only for what the others lack (book.load has warned of each).
    lacking = "".join(c for c in set(text)
                      if any(fonts.face_for(c, face, (fallback_face,)) not in (face, None) for face in faces.values()))
    if lacking:
        embedded.append(Font("fallback", fallback_face, font_resource(fallback_face, fonts.subset_otf(fallback_face, lacking + fonts.EXTRA_CHARS))))
    css = render("epub/book.css", fonts=[replace(f, src=relative(f.resource.href, CSS)) for f in embedded],
                 families={style: face.family for style, face in faces.items()},
                 fallback=fallback_face if lacking else None, stylesheet=stylesheet("epub.css"))
    fonts_used = [f.resource for f in embedded]
    # One file when two roles resolve to the same face.
    resources = {r.href: r for r in [Resource(CSS, "text/css", css.encode()), *fonts_used, *images.values()]}

    package = metadata(book)
    for href, data in documents.items():
        if href == NAV:
            item = epub.EpubNav(uid="nav", file_name=NAV)
            item.content = data
            package.add_item(item)
            continue
        item = epub.EpubItem(uid=item_id(href), file_name=href, media_type=XHTML, content=data)
        package.spine.append(package.add_item(item))  # cover, 扉页, 版权页, 目录, chapters: as the book
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
    Packager(buffer, package, options).write()
    return repack(buffer.getvalue(), when)


def text_href(chapter_id: str) -> str:
    return f"text/{chapter_id}.xhtml"


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
        return Entry(toc.id, toc.heading, href, next(order), [entry(child, document) for child in toc.children],
                     toc.part)

    return [entry(toc, text_href(chapter.id), top=True) for chapter, toc in zip(book.chapters, book.contents())]


def depth(toc: list[Entry]) -> int:
    return max((1 + depth(e.children) for e in toc), default=0)


def figures(book: Book) -> dict[Path, Resource]:
    """Every local image the book shows, once each, named fig-1.png… (ASCII, whatever the source name)."""
    images: dict[Path, Resource] = {}
    for path, line in book.images():
        if path in images:
            continue
        suffix = path.suffix.lower()
        if suffix not in IMAGE_TYPES:
            raise InputError(
                f"image {path.name} is not a type every EPUB reader shows; "
                f"convert it to one of {', '.join(IMAGE_TYPES)}",
                book.source,
                line,
            )
        href = f"images/fig-{len(images) + 1}{suffix}"
        images[path] = Resource(href, IMAGE_TYPES[suffix], path.read_bytes())
    return images


def font_resource(face: fonts.Face, data: bytes) -> Resource:
    # CFF-flavoured OpenType starts with "OTTO"; a TrueType-flavoured face must be labelled as such.
    extension, media_type = ("otf", "font/otf") if data[:4] == b"OTTO" else ("ttf", "font/ttf")
    name = re.sub(r"[^A-Za-z0-9-]", "-", face.postscript_name)
    return Resource(f"fonts/{name}.{extension}", media_type, data)
