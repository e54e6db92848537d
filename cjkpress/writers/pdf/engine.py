"""cjkpress's extensions of WeasyPrint 70, kept in one place and pinned to that version.

1. Each line set by cjkpress.typeset, and each other text it set (a heading,
   a caption, a 目录 line; its part on each line), carries its text as
   /ActualText. The spacing that setting adds (a quarter em between Han and Latin, the
   justification) is drawn as gaps between glyphs, and text extractors guess
   word breaks from gaps: poppler's pdftotext inserts a space wherever one
   exceeds about 0.1 em, so "2021年" would be copied as "2021 年". With the
   line's own text as ActualText (a hyphen drawn after a broken word left
   out), copying, searching and pdftotext return exactly the source text.
2. In a tagged PDF, page furniture (running heads, folios: the page's margin
   boxes) is marked as artifacts, outside the structure tree, as PDF/UA asks;
   WeasyPrint tags it like content and leaves it out of the tree.
3. The table of contents is tagged TOC and TOCI, not as a list; a footnote
   as a Note with its ID (PDF/UA-1, 7.9), not as a span; a code block as
   Code, not as no structure at all.
4. The XMP document id that WeasyPrint draws at random for PDF/X is derived
   from the book's identifier, so the print edition too is the same bytes
   from the same sources.
5. Letter-spacing is drawn as it was laid out. WeasyPrint writes each
   glyph's adjustment (spacing, kerning) to the PDF as `int()` of its
   thousandths of an em: a justified line's 0.0278 em becomes 0.027, the run
   drifts left by 0.001 em a glyph, and the next run, placed where layout
   put it, opens a gap up to 0.03 em wider than the others. Its text drawing
   gets an `int` that is still an int to whatever needs one but writes
   itself with two decimals.

6. The print edition is drawn from the screen edition's layout in the
   press's inks: within `inks(convert)`, every sRGB colour a page sets
   is replaced by the device-CMYK colour `convert` gives (press.py), so
   the book is laid out once for both editions.

7. A CID-keyed CFF face (Noto CJK) is embedded as a compact bare CFF
   (FontFile3 /CIDFontType0C), not as WeasyPrint's OpenType subset. That
   subset keeps every glyph id up to the last one used, so that the text's
   CIDs stay glyph ids: some 63 000 empty glyphs with their horizontal and
   vertical metrics, more than half the PDF's bytes. A bare CID-keyed CFF
   maps each CID to its glyph through its charset, which HarfBuzz's compact
   subset keeps, so the text is drawn as before from a third of the bytes;
   the OpenType wrapper of the same CFF would be read by glyph id.

8. pydyf gives a page's reference from a tuple of every page's, made anew
   at each call; the tagging asks once per structure element, so drawing
   the tags of a book took time as pages × elements. It is made once for
   each page count.

9. A book is laid out in many documents (units.py), each with the same
   style sheet, which WeasyPrint parsed again for each: a fifth of the
   time of a chapter's layout. A `<style>`'s text is parsed once; a
   document gets the parsed sheet with the page rules and colour profiles
   it added to the document's own (a sheet that adds layers or counter
   styles, which later sheets read, is parsed each time).

10. A book's PDF is joined from its units' (join.py), and each face is
   embedded once, subset to the glyphs of the whole book. Within
   `parts(faces, anchors)`, a document's faces are not subset: each is
   recorded in `faces` (its font data, the glyphs drawn) and embedded as
   an empty font file of its kind, which the join fills; and a link to an
   anchor of another unit (one of `anchors`) is kept, not dropped as a
   link to nowhere: the join's named destinations hold every unit's.

11. A dot leader (the 目录's) is laid out by WeasyPrint as a text box for
   each dot, each drawn as a text object of its own: two thirds of the
   drawing time of a long book's 目录. The dots, which stand one box's
   width apart from the measure's right edge, are made one text box from
   the leftmost, drawing the same glyphs at the same places.

These patch thirteen names of WeasyPrint's drawing, tagging, font and metadata
code, so the module refuses any other WeasyPrint version.
"""

import copy
import io
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

import pydyf
import uharfbuzz as hb
from fontTools.ttLib import TTFont
import weasyprint
import weasyprint.css
import weasyprint.document
import weasyprint.draw as draw
import weasyprint.draw.text as draw_text
import weasyprint.pdf
import weasyprint.pdf.fonts as pdf_fonts
import weasyprint.pdf.metadata as metadata
import weasyprint.pdf.stream as pdf_stream
import weasyprint.pdf.tags as tags
import weasyprint.layout.inline as inline_layout
from weasyprint.formatting_structure import boxes
from weasyprint.layout.leader import leader_index
from weasyprint.text.line_break import split_first_line
from weasyprint.stacking import StackingContext

WEASYPRINT = "70.0"
SET_CLASS = "set"  # paragraphs and code lines set by cjkpress.typeset
SPACED_CLASS = "spaced"  # any other text set by it: a heading, a caption, a 目录 line
TOC_CLASSES = {"toc-list": "/TOC", "toc-entry": "/TOCI"}  # the contents' <ol> and <li>
NOTE_CLASS = "footnote"  # a <span> floated to the page foot

if weasyprint.__version__ != WEASYPRINT:
    raise ImportError(
        f"cjkpress.engine patches WeasyPrint {WEASYPRINT}'s drawing and tagging, "
        f"not {weasyprint.__version__}: install the version pinned in requirements.txt"
    )

_draw_page = weasyprint.document.draw_page
_draw_inline_level = draw.draw_inline_level
_build_box_tree = tags._build_box_tree
_set_color = pdf_stream.Stream.set_color
_inks = None  # within inks(): sRGB colour → the device-CMYK colour drawn instead
_furniture: set[int] = set()  # the text boxes in the margins of the page being drawn
_name: str | None = None  # what the PDF being written is called, for its XMP ids
_faces: dict | None = None  # within parts(): font hash → Face, the faces a part draws
_anchors: frozenset = frozenset()  # within parts(): the anchors of the other units
_empties: dict[str, bytes] = {}  # within parts(): the empty faces known already, by font hash


def classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def line_text(box) -> str:
    """The source text of a line: what its boxes draw, less generated content (a broken word's hyphen)."""
    if isinstance(box, StackingContext):  # an inline block: a footnote's mark
        box = box.box
    if box.element_tag.endswith(("::before", "::after")):
        return ""
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(line_text(child) for child in getattr(box, "children", ()))


def walk(box):
    """`box` and every box inside it, in document order."""
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def text_boxes(box):
    return (found for found in walk(box) if isinstance(found, boxes.TextBox))


def draw_page(page, stream):
    # Text boxes, not line boxes: drawing works on copies of the lines, which share their text boxes.
    _furniture.clear()
    _furniture.update(id(text) for margin in page.children if isinstance(margin, boxes.MarginBox)
                      for text in text_boxes(margin))
    return _draw_page(page, stream)


def draw_inline_level(stream, page, box, *args, **kwargs):
    furniture = isinstance(box, boxes.LineBox) and any(id(text) in _furniture for text in text_boxes(box))
    if furniture and stream._tags is not None:
        # An artifact holds no tagged content: its text boxes get no marked-content ids.
        marked, stream._tags = stream._tags, None
        stream.begin_marked_content("Artifact")
        try:
            return _draw_inline_level(stream, page, box, *args, **kwargs)
        finally:
            stream.end_marked_content()
            stream._tags = marked
    if (isinstance(box, boxes.LineBox) and SET_CLASS in classes(box)
            or isinstance(box, boxes.InlineBox) and SPACED_CLASS in classes(box)):
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(line_text(box))}))
        try:
            return _draw_inline_level(stream, page, box, *args, **kwargs)
        finally:
            stream.end_marked_content()
    return _draw_inline_level(stream, page, box, *args, **kwargs)


def build_box_tree(box, parent, *args):
    if isinstance(box, boxes.MarginBox):
        return  # drawn as artifacts: nothing of it in the structure tree
    for element in _build_box_tree(box, parent, *args):
        role = next((TOC_CLASSES[c] for c in classes(box) if c in TOC_CLASSES), None)
        if NOTE_CLASS in classes(box) and element["S"] == "/Span":
            element["S"] = "/Note"
            element["ID"] = pydyf.String(box.element.get("id"))
        elif role and element["S"] in ("/L", "/LI"):
            element["S"] = role
        elif box.element_tag == "pre" and element["S"] == "/NonStruct":
            element["S"] = "/Code"
        elif role and element["S"] == "/LBody":
            element["S"] = "/Reference"  # a TOCI holds the reference to its heading
        yield element


def set_color(stream, color, stroke=False):
    if _inks is not None and color.space in ("srgb", "hsl", "hwb"):
        color = _inks(color)
    return _set_color(stream, color, stroke)


@contextmanager
def inks(convert):
    """Within this block, pages are drawn with `convert(colour)` for every sRGB colour they set."""
    global _inks
    _inks = convert
    try:
        yield
    finally:
        _inks = None


@contextmanager
def named(name: str):
    """Within this block, WeasyPrint's "random" XMP ids derive from `name`."""
    global _name
    _name = name
    try:
        yield
    finally:
        _name = None


class PageCounter(logging.Handler):
    """Hears WeasyPrint's progress logger name each page it lays out ("Step 5 - Creating layout - Page %d")."""

    def __init__(self, report):
        super().__init__(logging.INFO)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Step 5") and record.args:
            self.report(record.args[0])


@contextmanager
def counting_pages(report):
    """Within this block, `report(n)` is called as WeasyPrint lays out its page n."""
    progress, handler = logging.getLogger("weasyprint.progress"), PageCounter(report)
    progress.addHandler(handler)
    try:
        yield
    finally:
        progress.removeHandler(handler)


CFF_HEADER = b"\x01\x00\x04"  # a bare CFF's header: version 1.0, header size 4


@dataclass
class Face:
    """A face as a part draws it (10.): its font data, and the glyphs drawn (and whether any is missing)."""

    data: bytes
    index: int
    hinting: bool
    empty: bytes  # what a part embeds for it
    glyphs: set = field(default_factory=set)
    missing: bool = False


def clean(self, to_unicode, hinting):
    """WeasyPrint's subset, then a CID-keyed CFF face's glyphs alone, as a bare CFF (7.); within
    parts(), the face recorded and left empty (10.)."""
    if _faces is not None and to_unicode:
        if (face := _faces.get(self.hash)) is None:
            empty = _empties.get(self.hash) or empty_font(self.file_content, self.index)
            face = _faces[self.hash] = Face(self.file_content, self.index, hinting, empty)
        face.glyphs |= set(to_unicode)
        face.missing |= bool(self.missing)
        self.file_content = face.empty
        return
    _clean(self, to_unicode, hinting)
    if to_unicode and not self.missing and cid_keyed(self.file_content):
        self.file_content = compact_cff(self.file_content, 0, to_unicode, hinting)


def compact_cff(font: bytes, index: int, glyphs, hinting: bool) -> bytes:
    """A CID-keyed CFF face's `glyphs` alone, as a bare CFF (7.)."""
    subset = hb.SubsetInput()
    for glyph in {0, *glyphs}:
        subset.glyph_set.add(glyph)
    subset.flags = (hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NO_LAYOUT_CLOSURE  # the glyphs drawn, no more
                    | hb.SubsetFlags.NO_HINTING * (not hinting))
    compact = hb.subset(hb.Face(hb.Blob(font), index), subset)
    return bytes(compact.reference_table("CFF ").data)


def empty_font(font: bytes, index: int) -> bytes:
    """What a part embeds for a face (10.): the first bytes by which WeasyPrint tells the kind of
    font it would embed (of a collection's face, an OpenType font), which choose its font file's key
    and subtype."""
    if cid_keyed(font, index):
        return CFF_HEADER
    return b"OTTO" if sfnt(font, index).sfntVersion == "OTTO" else b"\x00\x01\x00\x00"


DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def subset_face(face: Face) -> bytes:
    """A face's glyphs of every part, as clean() embeds them for one document: a CID-keyed CFF compact,
    any other face as WeasyPrint's HarfBuzz subset (glyph ids kept, then the empty glyphs after the
    last one used dropped). Its kind is the one its parts embedded empty (`empty_font`)."""
    if face.empty == CFF_HEADER:
        return compact_cff(face.data, face.index, face.glyphs, face.hinting)
    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if face.missing:
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    subset = hb.SubsetInput()
    subset.glyph_set.update(face.glyphs)
    for tag in DROPPED_TABLES:
        subset.drop_table_tag_set.add(int.from_bytes(tag, "big"))
    subset.flags = flags | hb.SubsetFlags.RETAIN_GIDS
    kept = hb.subset(hb.Face(hb.Blob(face.data), face.index), subset)
    subset.glyph_set.update(range(max(face.glyphs) + 1))
    subset.flags = flags | hb.SubsetFlags.NO_HINTING * (not face.hinting)
    return hb.subset(kept, subset).blob.data


@contextmanager
def parts(faces: dict, others: frozenset, empties: dict[str, bytes]):
    """Within this block, PDFs are written as parts of a book joined later (10.): their faces recorded in
    `faces`, their links to the anchors `others` of the rest of the book kept; `empties` are the empty
    faces (font hash → empty_font) known already, which a face is not parsed again for."""
    global _faces, _anchors, _empties
    _faces, _anchors, _empties = faces, others, empties
    try:
        yield
    finally:
        _faces, _anchors, _empties = None, frozenset(), {}


def resolve_links(pages):
    """WeasyPrint's links and anchors of each page; within parts(), a link to another unit's anchor kept."""
    if not _anchors:
        yield from _resolve_links(pages)
        return
    for page, (links, found) in zip(pages, _resolve_links([SimpleNamespace(anchors=page.anchors, links=[
            link for link in page.links if link[0] != "internal" or link[1] not in _anchors]) for page in pages])):
        yield links + [link for link in page.links if link[0] == "internal" and link[1] in _anchors], found


def sfnt(font: bytes, index: int = 0) -> TTFont:
    """A font's face `index` (of a collection, or the font itself), its tables read when asked for."""
    return TTFont(io.BytesIO(font), lazy=True, fontNumber=index if font[:4] == b"ttcf" else -1)


def cid_keyed(font: bytes, index: int = 0) -> bool:
    """Whether a face is a CID-keyed CFF (its CFF's top dict has a ROS)."""
    face = sfnt(font, index)
    return face.sfntVersion == "OTTO" and hasattr(face["CFF "].cff.topDictIndex[0], "ROS")


def font_type(self) -> str:
    """"otf" (FontFile3, CIDFontType0) for a bare CFF too."""
    return "otf" if self.file_content[:4] == b"OTTO" or self.file_content[:3] == CFF_HEADER else "ttf"


def build_fonts_dictionary(pdf, fonts, compress, subset, options):
    """WeasyPrint's font resources, a bare CFF's stream marked as one (/CIDFontType0C, not /OpenType)."""
    found = _build_fonts_dictionary(pdf, fonts, compress, subset, options)
    for obj in pdf.objects:
        if (isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/OpenType" and obj.stream
                and obj.stream[0][:3] == CFF_HEADER):
            obj.extra["Subtype"] = "/CIDFontType0C"
    return found


class Thousandths(int):
    """A glyph adjustment in thousandths of an em: an int, written to the PDF to a hundredth of one."""

    def __new__(cls, value: float):
        number = super().__new__(cls, value)
        number.exact = value
        return number

    def __format__(self, spec: str) -> str:
        return f"{round(self.exact, 2):g}"


def page_references(pdf) -> tuple[bytes, ...]:
    """pydyf's "n 0 R" of each page, made once for as many pages as the PDF has (8.)."""
    kids = pdf.pages["Kids"]
    made = pdf.__dict__.get("_page_references")
    if made is None or made[0] != len(kids):
        made = pdf._page_references = (len(kids), _page_references.fget(pdf))
    return made[1]


SHEETS = 8  # parsed style sheets kept: a book's, its cover spread's, a few designs in a session
_sheets: dict = {}  # (text, where it is read from) → (the sheet, the page rules and colour profiles it adds)


def stylesheet(string=None, **options):
    """WeasyPrint's CSS of a `<style>`'s text, parsed once (9.)."""
    if string is None:
        return _CSS(**options)
    fetcher = options["url_fetcher"]
    key = (string, options["base_url"], options["media_type"], options["font_config"],
           type(fetcher), tuple(getattr(fetcher, "roots", ())))
    rules, layers, profiles, counters = (options[name] for name in
                                         ("page_rules", "layers", "color_profiles", "counter_style"))
    if (made := _sheets.get(key)) is None:
        before = len(rules), len(layers), dict(profiles), len(counters)
        sheet = _CSS(string=string, **options)
        if (len(layers), len(counters)) != (before[1], before[3]):
            return sheet
        if len(_sheets) == SHEETS:
            del _sheets[next(iter(_sheets))]
        _sheets[key] = sheet, rules[before[0]:], {k: v for k, v in profiles.items() if k not in before[2]}
        return sheet
    sheet, added_rules, added_profiles = made
    rules.extend(added_rules)
    profiles.update(added_profiles)
    document_sheet = copy.copy(sheet)
    document_sheet.page_rules, document_sheet.layers = rules, layers
    return document_sheet


def handle_leader(context, line, containing_block):
    """WeasyPrint's leader, its dots one text box (11.)."""
    _handle_leader(context, line, containing_block)
    _, leader = leader_index(line)
    if leader is None or len(leader.children) < 2:
        return
    dots = leader.children  # from the right, each its width left of the one before
    first = dots[-1]
    run = first.copy_with_text(first.text * len(dots))
    run.pango_layout = split_first_line(run.text, first.style, context, None, first.justification_spacing)[0]
    run.width = first.width * len(dots)
    leader.children = (run,)


def uuid4() -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, _name) if _name else uuid.uuid4()


weasyprint.document.draw_page = draw_page
metadata.uuid4 = uuid4
draw.draw_inline_level = draw_inline_level
tags._build_box_tree = build_box_tree
_clean = pdf_fonts.Font.clean
pdf_fonts.Font.clean = clean
pdf_fonts.Font.type = property(font_type)
_build_fonts_dictionary = weasyprint.pdf.build_fonts_dictionary
weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary
pdf_stream.Stream.set_color = set_color
_resolve_links = weasyprint.pdf.resolve_links
weasyprint.pdf.resolve_links = resolve_links
draw_text.int = Thousandths
_CSS = weasyprint.css.CSS
weasyprint.css.CSS = stylesheet
_page_references = pydyf.PDF.page_references
pydyf.PDF.page_references = property(page_references)
_handle_leader = inline_layout.handle_leader
inline_layout.handle_leader = handle_leader
