"""A WeasyPrint extension: each line set by cjkpress.typeset carries its text as /ActualText.

The spacing that setting adds (a quarter em between Han and Latin, the
justification) is drawn as gaps between glyphs, and text extractors guess
word breaks from gaps: poppler's pdftotext inserts a space wherever one
exceeds about 0.1 em, so "2021年" would be copied as "2021 年". Wrapping each
set line in a marked-content span whose ActualText is the line's own text
makes copying, searching and pdftotext return exactly the source text.

This patches one function of WeasyPrint's drawing code, so it is pinned to the
WeasyPrint version it was written against and refuses any other.
"""

import pydyf
import weasyprint
import weasyprint.draw as draw
from weasyprint.formatting_structure import boxes

WEASYPRINT = "70.0"
SET_CLASS = "set"  # the class of paragraphs set by cjkpress.typeset

if weasyprint.__version__ != WEASYPRINT:
    raise ImportError(
        f"cjkpress.actualtext patches WeasyPrint {WEASYPRINT}'s draw_inline_level, "
        f"not {weasyprint.__version__}: install the version pinned in requirements.txt"
    )

_draw_inline_level = draw.draw_inline_level


def line_text(box) -> str:
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(line_text(child) for child in getattr(box, "children", ()))


def draw_inline_level(stream, page, box, *args, **kwargs):
    element = getattr(box, "element", None)
    if isinstance(box, boxes.LineBox) and element is not None and SET_CLASS in (element.get("class") or "").split():
        property_list = pydyf.Dictionary({"ActualText": pydyf.String(line_text(box))})
        stream.begin_marked_content("Span", property_list)
        try:
            return _draw_inline_level(stream, page, box, *args, **kwargs)
        finally:
            stream.end_marked_content()
    return _draw_inline_level(stream, page, box, *args, **kwargs)


draw.draw_inline_level = draw_inline_level
