"""The print edition as the EPUB needs it: where each printed page begins, and the cover.

The EPUB's page list and cover image come from the PDF's layout. When the PDF
was built from the same inputs, its record (the page starts and the cover
image, in OUT/.cache/) stands in for a new layout, so that an EPUB-only
rebuild (after an edit to the EPUB's styles, say) takes a fraction of a
second instead of a full typesetting.
"""

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from . import fonts
from .output import atomic
from .render import ROOT, STYLES, TEMPLATES
from .tree import Book, Figure, PageStart

# What the EPUB alone uses: changing it does not change the PDF.
EPUB_ONLY = {"epub.py", "epub", "epub.css"}


COVER_HEIGHT = 1500  # px: sharp on a phone or tablet held upright, and about 40 KB


@dataclass
class Edition:
    pages: list[PageStart]
    cover: bytes  # the PDF's first page as a PNG


def render_cover(pdf: bytes) -> bytes:
    """The PDF's first page as a PNG COVER_HEIGHT pixels high: the same PDF gives the same bytes."""
    import pypdfium2  # imported here: only a new layout needs it

    document = pypdfium2.PdfDocument(pdf)
    try:
        first = document[0]
        image = first.render(scale=COVER_HEIGHT / first.get_height()).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # text on a flat ground: PNG is smaller than JPEG, and exact
    return out.getvalue()


def record_path(book: Book, out: Path, suffix: str) -> Path:
    return out / ".cache" / f"{book.slug}.{suffix}"


def inputs_digest(book: Book) -> str:
    """A digest of everything the PDF is made from: the book's files, cjkpress's print code, fonts."""
    digest = hashlib.sha256()
    files = [book.source, book.source.parent / "book.yaml"] if book.source.name == "source.txt" else [book.source]
    files += sorted(b.path for c in book.chapters for b in c.blocks_in_order() if isinstance(b, Figure) and b.path)
    for folder in (ROOT / "cjkpress", TEMPLATES, STYLES):
        files += sorted(p for p in folder.iterdir() if p.is_file() and p.name not in EPUB_ONLY)
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    for face in filter(None, fonts.for_design(book.design)):
        stat = Path(face.path).stat()
        digest.update(f"{face.path}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def record(book: Book, out: Path, pdf: bytes, edition: Edition) -> None:
    """Keep what the EPUB needs of the PDF just written to `out`."""
    with atomic(record_path(book, out, "cover.png")) as tmp:
        tmp.write_bytes(edition.cover)
    data = {
        "inputs": inputs_digest(book),
        "pdf": hashlib.sha256(pdf).hexdigest(),
        "cover": hashlib.sha256(edition.cover).hexdigest(),
        "pages": [[p.label, p.line, p.offset] for p in edition.pages],
    }
    with atomic(record_path(book, out, "pages.json")) as tmp:
        tmp.write_text(json.dumps(data), encoding="utf-8")


def recorded(book: Book, out: Path) -> Edition | None:
    """The last build's edition, if its PDF is still there and was made from the current inputs."""
    try:
        data = json.loads(record_path(book, out, "pages.json").read_text(encoding="utf-8"))
        pdf = (out / f"{book.slug}.pdf").read_bytes()
        cover = record_path(book, out, "cover.png").read_bytes()
    except (OSError, ValueError):
        return None
    if (data.get("inputs"), data.get("pdf"), data.get("cover")) != (
        inputs_digest(book), hashlib.sha256(pdf).hexdigest(), hashlib.sha256(cover).hexdigest()
    ):
        return None
    return Edition([PageStart(label, line, offset) for label, line, offset in data["pages"]], cover)
