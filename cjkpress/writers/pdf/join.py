"""A book's PDF joined from its units' PDFs (pikepdf), as one document.

Each unit is written by WeasyPrint on its own (engine.parts): its faces
left empty, its links to other units kept by name. The join takes their
pages in order and makes of them one book: each face embedded once,
subset to the glyphs of every unit, with one width array and one
ToUnicode map; one structure tree (each unit's elements under one
Document, the parent tree numbered through the book: its pages, then its
links); one name tree of the units' destinations, which the links
between units name; the book's outline and page labels; the first unit's
catalogue entries (metadata, language, output intent) and document info.
"""

import io
import re
import warnings
from contextlib import nullcontext
import zlib
from dataclasses import dataclass
from math import ceil

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .engine import Face, subset_face

CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange"""
CMAP_TAIL = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end"""
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
FIXED_PITCH = 1  # FontDescriptor flag bit 1


@dataclass
class Book:
    """What the join makes one document of, besides the units' pages."""

    outline: list  # WeasyPrint's bookmark tree of the joined pages: (title, (page, x, y), children, state)
    labels: list  # the /PageLabels number tree's Nums
    info: dict  # document info entries added to the first unit's
    padding: int = 0  # blank pages added at the end (the print edition's, to whole signatures)
    blank: int | bytes | None = None  # the page they copy: an index among the units' pages, or a one-page PDF


def join(parts: list[bytes], faces: dict[str, Face], book: Book) -> bytes:
    """The units' PDFs `parts` as one book; `faces` what they drew (engine.parts). Each part is read,
    copied and closed in turn: a book's parts open at once took more memory than its layout."""
    subsets = {name: subset_face(face) for name, face in faces.items()}  # before the book's objects are read
    out = pikepdf.new()
    structure, named = Structure(out), {}
    for number, data in enumerate(parts):
        with pikepdf.open(io.BytesIO(data)) as source:
            start = len(out.pages)
            with warnings.catch_warnings():  # that the named destinations are not copied: `destinations`
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                out.pages.extend(source.pages)
            if number == 0:
                for key in ("/Metadata", "/Lang", "/MarkInfo", "/ViewerPreferences", "/OutputIntents"):
                    if key in source.Root:
                        out.Root[key] = foreign(out, source, source.Root[key])
                out.docinfo = out.copy_foreign(source.docinfo)
            if "/StructTreeRoot" in source.Root:
                structure.add(source, start)
            destinations(out, source, named)
    structure.finish()
    pad(out, book.padding, book.blank)
    if named:
        out.Root.Names = Dictionary(Dests=Dictionary(Names=Array(
            [item for name in sorted(named) for item in named[name]])))
    embed_faces(out, subsets)
    share_profiles(out)
    if book.outline:
        out.Root.Outlines = outline(out, book.outline)
    out.Root.PageLabels = Dictionary(Nums=Array(book.labels))
    for key, value in book.info.items():
        out.docinfo[key] = value
    buffer = io.BytesIO()
    out.save(buffer, min_version=out.pdf_version, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def pad(out: pikepdf.Pdf, count: int, blank) -> None:
    """`count` copies of the page `blank` (an index in `out`, or a one-page PDF) added at the end."""
    if not count:
        return
    with pikepdf.open(io.BytesIO(blank)) if isinstance(blank, bytes) else nullcontext(out) as source:
        page = source.pages[0 if isinstance(blank, bytes) else blank]
        for _ in range(count):
            out.pages.append(pikepdf.Page(out.copy_foreign(page.obj) if source is not out else page.obj.copy()))


def foreign(out: pikepdf.Pdf, source: pikepdf.Pdf, value):
    """`value` of `source` copied into `out`, with what it refers to."""
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
        return out.copy_foreign(value if value.is_indirect else source.make_indirect(value))
    return value


class Structure:
    """One structure tree for the book: each part's elements under one Document; the parent tree
    keyed by a page's number in the book, then its links' from the page count on."""

    def __init__(self, out: pikepdf.Pdf):
        self.out, self.pages, self.links = out, [], []  # links: (annotation, its element)
        self.root = None

    def add(self, source: pikepdf.Pdf, start: int) -> None:
        if self.root is None:
            self.root = self.out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
            self.document = self.out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                              P=self.root, K=Array()))
            self.root.K = Array([self.document])
        tree = source.Root.StructTreeRoot
        for element in tree.K[0].K:
            copied = self.out.copy_foreign(element)
            copied.P = self.document
            self.document.K.append(copied)
        nums = tree.ParentTree.Nums
        mapping = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for i in range(len(source.pages)):
            page = self.out.pages[start + i].obj
            page.StructParents = start + i
            self.pages += [start + i, Array([self.out.copy_foreign(e) for e in mapping.get(i, Array())])]
            for annotation in page.get("/Annots", Array()):
                if "/StructParent" in annotation:
                    self.links.append((annotation, self.out.copy_foreign(mapping[int(annotation.StructParent)])))

    def finish(self) -> None:
        if self.root is None:
            return
        total, links = len(self.out.pages), []
        for key, (annotation, element) in enumerate(self.links, total):
            annotation.StructParent = key
            links += [key, element]
        self.root.ParentTree = self.out.make_indirect(Dictionary(Nums=Array(self.pages + links)))
        self.root.ParentTreeNextKey = total + len(self.links)
        self.out.Root.StructTreeRoot = self.root


def destinations(out: pikepdf.Pdf, source: pikepdf.Pdf, named: dict) -> None:
    """A part's named destinations added to `named` (name → its string and destination), for one name
    tree of the book's, sorted by name as a name tree must be."""
    dests = source.Root.get("/Names", Dictionary()).get("/Dests")
    if dests is None:
        return
    names = dests.Names
    for i in range(0, len(names), 2):
        destination = names[i + 1]
        named.setdefault(bytes(names[i]), (names[i], Array([out.copy_foreign(destination[0]), *destination[1:]])))


def share_profiles(out: pikepdf.Pdf) -> None:
    """One stream for each ICC profile the units' colour spaces and the output intent embed alike."""
    seen = {}

    def same(stream):
        return seen.setdefault(stream.read_raw_bytes(), stream)

    for page in out.pages:
        for space in page.Resources.get("/ColorSpace", Dictionary()).values():
            if isinstance(space, Array) and len(space) == 2 and space[0] == Name.ICCBased:
                space[1] = same(space[1])
    for intent in out.Root.get("/OutputIntents", Array()):
        intent.DestOutputProfile = same(intent.DestOutputProfile)


def embed_faces(out: pikepdf.Pdf, subsets: dict[str, bytes]) -> None:
    """Each face once: its font dictionaries (one per unit) made one, with the widths and Unicode of
    every unit's, its font file `subsets` of the face's hash: the glyphs of them all."""
    found: dict[str, dict] = {}  # name → the font dictionaries by object, in the order the pages use them
    resources = {}  # the font resources of the pages, each once
    for page in out.pages:
        fonts = page.Resources.get("/Font", Dictionary())
        resources.setdefault(fonts.objgen if fonts.is_indirect else id(fonts), fonts)
        for name, font in fonts.items():
            found.setdefault(name, {}).setdefault(font.objgen, font)
    for name, fonts in found.items():
        if name[1:] in subsets:
            merge_face(out, list(fonts.values()), subsets[name[1:]])
    for fonts in resources.values():
        for name in fonts.keys():
            first = next(iter(found[name].values()))
            if fonts[name].objgen != first.objgen:
                fonts[name] = first


def merge_face(out: pikepdf.Pdf, fonts: list, data: bytes) -> None:
    """fonts[0] made the face's one font dictionary: the widths and ToUnicode entries of all `fonts`,
    the widest glyph in its bounding box, its font file `data`."""
    font = fonts[0]
    widths, unicode = {}, {}
    for each in fonts:
        widths.update(cid_widths(each.DescendantFonts[0].W))
        unicode.update(BFCHAR.findall(each.ToUnicode.read_bytes()))
    descendant = font.DescendantFonts[0]
    descendant.W = width_array(widths)
    font.ToUnicode = out.make_stream(to_unicode(unicode))
    descriptor = descendant.FontDescriptor
    box = descriptor.FontBBox
    descriptor.FontBBox = Array([box[0], box[1], max(float(f.DescendantFonts[0].FontDescriptor.FontBBox[2])
                                                    for f in fonts), box[3]])
    flags = int(descriptor.Flags) & ~FIXED_PITCH
    descriptor.Flags = flags | FIXED_PITCH * (len(widths) > 1 and len(set(widths.values())) == 1)
    key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
    stream = out.make_stream(zlib.compress(data), Filter=Name.FlateDecode)
    if "/Subtype" in descriptor[key].stream_dict:
        stream.Subtype = descriptor[key].Subtype
    if key == "/FontFile2":
        stream.Length1 = len(data)
    descriptor[key] = stream


def cid_widths(array) -> dict[int, float]:
    """A CIDFont's W array ([first [w w …] first [w …]]) as CID → width."""
    widths = {}
    for i in range(0, len(array), 2):
        first = int(array[i])
        for n, width in enumerate(array[i + 1]):
            widths[first + n] = float(width)
    return widths


def width_array(widths: dict[int, float]) -> Array:
    """CID → width as a W array, a run for each stretch of consecutive CIDs (as WeasyPrint writes it)."""
    items = []
    for cid in sorted(widths):
        if cid - 1 not in widths:
            items += [cid, []]
        items[-1].append(widths[cid])
    return Array([Array(item) if isinstance(item, list) else item for item in items])


def to_unicode(entries: dict[bytes, bytes]) -> bytes:
    """A ToUnicode CMap of glyph (hex) → UTF-16 (hex), in batches of 100 as WeasyPrint writes them."""
    items = sorted(entries.items(), key=lambda item: int(item[0], 16))
    lines = [CMAP_HEAD]
    for i in range(ceil(len(items) / 100)):
        batch = items[i * 100:(i + 1) * 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%s> <%s>" % pair for pair in batch]
        lines.append(b"endbfchar")
    lines.append(CMAP_TAIL)
    return b"\n".join(lines)


def outline(out: pikepdf.Pdf, tree: list) -> Dictionary:
    """The outline of WeasyPrint's bookmark tree, as WeasyPrint writes it (a closed entry's count negative)."""
    root = out.make_indirect(Dictionary(Type=Name.Outlines))
    items, count = outline_items(out, tree, None)
    root.First, root.Last, root.Count = items[0], items[-1], count
    return root


def outline_items(out: pikepdf.Pdf, tree: list, parent) -> tuple[list, int]:
    items, count = [], len(tree)
    for title, (page, x, y), children, state in tree:
        item = out.make_indirect(Dictionary(Title=String(title), Dest=Array([out.pages[page].obj, Name.XYZ, x, y, 0])))
        below, below_count = outline_items(out, children, item)
        item.Count = -below_count if state == "closed" else below_count
        count += 0 if state == "closed" else below_count
        if items:
            item.Prev, items[-1].Next = items[-1], item
        if below:
            item.First, item.Last = below[0], below[-1]
        if parent is not None:
            item.Parent = parent
        items.append(item)
    return items, count
