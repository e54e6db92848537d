"""The EPUB package: ebooklib 0.20 assembles it (OPF metadata, manifest, spine, zip), we correct it.

Where ebooklib is wrong for us we take over: its generated nav (headed in
English with the book's title, a page list made of every element with an id)
and NCX (depth 0, no playOrder, ids made up for sections) are replaced by
ours, `<package>` gets the `xml:lang` it has no API for, and its zip (clock
times) is repacked.
"""

import datetime
import io
import os
import zipfile

from ebooklib import epub

from ...errors import InputError
from ...tree import Book

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IBOOKS = "http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/"
ZIP_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
UNIX = 3  # zip "made by" system: fixed, so a build elsewhere gives the same bytes
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"  # the form EPUB Accessibility 1.1 (2023) defines


class Packager(epub.EpubWriter):
    """ebooklib's writer, writing our nav and NCX as they are instead of generating its own."""

    def _get_nav(self, item):
        return item.content

    def _get_ncx(self):
        return next(item for item in self.book.get_items() if isinstance(item, epub.EpubNcx)).content

    def _write_opf_file(self, root):
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def fixed_time(date: str) -> datetime.datetime:
    """The time the EPUB records (dcterms:modified, zip entries): SOURCE_DATE_EPOCH, else the book's
    date, else (a book with no date) the earliest a zip can hold: never the clock's."""
    if epoch := os.environ.get("SOURCE_DATE_EPOCH"):
        if not epoch.isdigit():
            raise InputError(f"SOURCE_DATE_EPOCH “{epoch}” is not a whole number of seconds since 1970")
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
    if not date:
        return ZIP_EPOCH
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
    if meta.creator:
        package.add_author(meta.creator)
    if meta.publisher:
        package.add_metadata("DC", "publisher", meta.publisher)
    if meta.date:
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
    alts = [figure.alt or figure.caption for figure in book.figures()]  # what the img's alt says
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
