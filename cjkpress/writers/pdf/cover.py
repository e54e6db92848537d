"""The cover image the EPUB shows: the PDF's first page, rendered."""

import io

import pypdfium2

COVER_HEIGHT = 1500  # px: sharp on a phone or tablet held upright, and about 40 KB


def render_cover(pdf: bytes) -> bytes:
    """The PDF's first page as a PNG COVER_HEIGHT pixels high: the same PDF gives the same bytes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        first = document[0]
        image = first.render(scale=COVER_HEIGHT / first.get_height()).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # text on a flat ground: PNG is smaller than JPEG, and exact
    return out.getvalue()
