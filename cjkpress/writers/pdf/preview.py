"""The live preview's pages: a layout's screen pages as images, drawn again only where a page changed.

A page is known by a fingerprint of its boxes (kind, place, size, text, image):
a page of a new layout with the fingerprint of one already drawn is that
page, so an edit draws only the pages it moved. The changed pages are
written as one small PDF and rendered by PDFium, as a reader would show them.
"""

import hashlib
import io
import os
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pypdfium2
from weasyprint import Document
from weasyprint.formatting_structure import boxes

from .engine import walk
from .labels import folios, page_name

SCALE = 96 / 72  # px a pt: the page at its printed size on a screen of 96 CSS px an inch, as WeasyPrint measures it
KEEP = 200  # drawn pages kept beside the current ones, for pages that come back (an edit undone)


@dataclass(frozen=True)
class Shown:
    """A page of the preview: its fingerprint (the image's name), its text (the image's alt), its size in px,
    whether it is a page of the body (not the front matter, whose 目录 and 字数 follow any edit)."""

    key: str
    text: str
    width: int
    height: int
    body: bool


def image_version(src: str) -> str:
    """An image by its address and, for a file (the book's are), its time and size: a new image of the
    same name makes its pages new."""
    if src.startswith("file:"):
        try:
            stat = os.stat(url2pathname(urlsplit(src).path))
            return f"{src} {stat.st_mtime_ns} {stat.st_size}"
        except OSError:
            pass
    return src


def shown(page, body: bool) -> Shown:
    digest, text = hashlib.blake2b(digest_size=12), []
    for box in walk(page._page_box):
        place = (type(box).__name__, round(box.position_x, 2), round(box.position_y, 2), round(box.width or 0, 2),
                 round(box.height or 0, 2))
        digest.update(repr(place).encode())
        if isinstance(box, boxes.TextBox):
            digest.update(box.text.encode())
            text.append(box.text)
        elif isinstance(box, boxes.ReplacedBox):
            digest.update(image_version(box.element.get("src", "") if box.element is not None else "").encode())
    return Shown(digest.hexdigest(), "".join(text), round(page.width), round(page.height), body)  # CSS px, as drawn


class Images:
    """The PNG of every page shown, by fingerprint."""

    def __init__(self):
        self.png: dict[str, bytes] = {}

    def draw(self, document: Document) -> list[Shown]:
        """The screen pages of `document`, each drawn unless a page like it was."""
        names = [page_name(page) for page in document.pages]
        pages = [(page, shown(page, style == "D"))
                 for page, name, (style, _) in zip(document.pages, names, folios(names)) if name is not None]
        new = [(page, seen) for page, seen in pages if seen.key not in self.png]
        if new:
            pdf = pypdfium2.PdfDocument(document.copy([page for page, _ in new]).write_pdf())
            try:
                for number, (_, seen) in enumerate(new):
                    image = io.BytesIO()
                    pdf[number].render(scale=SCALE).to_pil().save(image, format="PNG", compress_level=3)
                    self.png[seen.key] = image.getvalue()
            finally:
                pdf.close()
        current = {seen.key for _, seen in pages}
        for key in [key for key in self.png if key not in current][: max(0, len(self.png) - len(current) - KEEP)]:
            del self.png[key]
        return [seen for _, seen in pages]
