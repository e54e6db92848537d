"""A unit drawn: its pages in both editions as parts of the book (join.py joins them), the faces those
parts left empty (engine.parts), and its pages as the book reads them once their boxes are dropped
(pages.summary).

A unit's boxes take most of a layout's memory, and drawing its parts is
most of an edition's time, so a unit is drawn as soon as it is laid out,
and its boxes dropped. What it was drawn as is kept on disk by the key of
what it was laid out from (units.py), so that the next build neither lays
out nor draws a unit that did not change. A face is kept as the installed
file it was read from, checked by size and time when read again.
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ... import fonts
from ...output import atomic
from ..markup import STYLES
from . import engine
from .cover import render_cover
from .engine import Face
from .foot import Short, short_pages
from .labels import page_name
from .pages import Page, summary
from .press import add_slug_and_marks, block_start, press_pdf

EDITIONS = ("screen", "print")
FACES = "faces"  # a cache folder's copies of faces that are not installed files


@dataclass(frozen=True)
class FaceFile:
    """Where a face drawn by a part is read again (its font file, the face in it) and how it is embedded."""

    path: str
    index: int
    hinting: bool
    empty: bytes  # what its parts embed for it: engine.empty_font
    size: int
    modified: int  # the file's st_mtime_ns

    def intact(self) -> bool:
        """Whether the file is still the one the face was read from."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.modified)


@dataclass
class Drawn:
    """A unit drawn: its pages (`pages.Page`), the first of them in the print edition (the front
    matter's title page), the pages that end short (in the unit), each edition's part and the glyphs it
    draws of each face (face name → (glyphs, whether one is missing)), the faces' files; the front
    matter's cover image and, when its first blank page is before the book block, that page drawn for
    the press, which pads the book block to whole signatures."""

    pages: list[Page]
    first_printed: int
    short: tuple[Short, ...]
    parts: dict[str, bytes]
    drawn: dict[str, dict[str, tuple[frozenset, bool]]]
    faces: dict[str, FaceFile]
    cover: bytes | None = None
    spare: bytes | None = None
    boxes: object = field(default=None, compare=False)  # its WeasyPrint document, when kept (cjkpress serve)

    def printed_pages(self) -> list[Page]:
        return self.pages[self.first_printed:]

    def screen_pages(self) -> list[Page]:
        return [page for page in self.pages if page.name is not None]


@dataclass(frozen=True)
class Drawing:
    """What every unit of a book is drawn with: the ids its links may lead to (Book.anchors), the book's
    identifier (the print edition's XMP ids), its grid's line pitch, its headings (pages.heading_numbers),
    and the cache folder, where a face that is not an installed file is kept."""

    anchors: frozenset
    identifier: str
    pitch: float
    headings: dict
    cache: Path


def draw(document, pages: list, front: bool, drawing: Drawing) -> Drawn:
    """A unit's `pages` of its WeasyPrint `document` drawn in both editions (`front`: the front matter)."""
    names = [page_name(page) for page in pages]
    first = block_start(names) if front else 0

    def part(edition: str, kept: list, faces: dict) -> bytes:
        if not kept:
            return b""
        with engine.parts(faces, drawing.anchors):
            if edition == "screen":
                return document.copy(kept).write_pdf(pdf_variant="pdf/ua-1")
            return press_pdf(document, kept, STYLES, drawing.identifier + "#print",
                             lambda _, pdf: add_slug_and_marks(pdf))

    parts, drawn, faces = {}, {}, {}
    for edition, kept in (("screen", [page for page in pages if page_name(page) is not None]),
                          ("print", pages[first:])):
        found = {}
        parts[edition] = part(edition, kept, found)
        drawn[edition] = {name: (frozenset(face.glyphs), face.missing) for name, face in found.items()}
        faces.update((name, face_file(face, drawing.cache)) for name, face in found.items() if name not in faces)
    cover = spare = None
    if front:
        cover = render_cover(document.copy(pages[:1]).write_pdf())
        blank = names.index(None) if None in names else None
        if blank is not None and blank < first:
            spare = part("print", [pages[blank]], {})
    short = tuple(page for page in short_pages(document, drawing.pitch) if page.page < len(pages))
    return Drawn([summary(page, drawing.headings) for page in pages], first, short, parts, drawn, faces, cover, spare)


def face_file(face: Face, cache: Path) -> FaceFile:
    """Where `face` is read again: its installed file, or else a copy kept in `cache`."""
    path = fonts.installed_file(face.data)
    if path is None:
        path = cache / FACES / hashlib.sha256(face.data).hexdigest()
        if not path.exists():
            with atomic(path) as tmp:
                tmp.write_bytes(face.data)
    stat = os.stat(path)
    return FaceFile(str(path), face.index, face.hinting, face.empty, stat.st_size, stat.st_mtime_ns)


def book_faces(units: list[Drawn], edition: str) -> dict[str, Face]:
    """The faces an edition's parts draw, each with the glyphs of every unit, their data read again."""
    faces, data = {}, {}
    for unit in units:
        for name, (glyphs, missing) in unit.drawn[edition].items():
            if (face := faces.get(name)) is None:
                where = unit.faces[name]
                if where.path not in data:
                    data[where.path] = Path(where.path).read_bytes()
                face = faces[name] = Face(data[where.path], where.index, where.hinting, where.empty)
            face.glyphs |= glyphs
            face.missing |= missing
    return faces


def store(folder: Path, key: str, unit: Drawn) -> None:
    """Keep `unit` in `folder` by `key`: its parts, images and record, the record written last."""
    for edition in EDITIONS:
        with atomic(folder / f"{key}.{edition}.pdf") as tmp:
            tmp.write_bytes(unit.parts[edition])
    for name in ("cover", "spare"):
        if (data := getattr(unit, name)) is not None:
            with atomic(folder / f"{key}.{name}") as tmp:
                tmp.write_bytes(data)
    record = {
        "pages": [[p.name, p.height, list(p.anchors), [list(b) for b in p.bookmarks], [list(b) for b in p.blocks],
                   p.opens_chapter] for p in unit.pages],
        "first_printed": unit.first_printed,
        "short": [[s.page, s.lines] for s in unit.short],
        "drawn": {edition: {name: [sorted(glyphs), missing] for name, (glyphs, missing) in faces.items()}
                  for edition, faces in unit.drawn.items()},
        "faces": {name: [f.path, f.index, f.hinting, f.empty.hex(), f.size, f.modified] for name, f in unit.faces.items()},
        "images": [name for name in ("cover", "spare") if getattr(unit, name) is not None],
    }
    with atomic(folder / f"{key}.json") as tmp:
        tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def load(folder: Path, key: str) -> Drawn | None:
    """The unit kept in `folder` by `key`, if it is there whole and its faces' files are unchanged."""
    try:
        record = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        faces = {name: FaceFile(path, index, hinting, bytes.fromhex(empty), size, modified)
                 for name, (path, index, hinting, empty, size, modified) in record["faces"].items()}
        if not all(face.intact() for face in faces.values()):
            return None
        pages = [Page(name, height, tuple(anchors), tuple((level, label, tuple(point), state)
                                                            for level, label, point, state in bookmarks),
                      tuple(tuple(block) for block in blocks), opens)
                 for name, height, anchors, bookmarks, blocks, opens in record["pages"]]
        images = {name: (folder / f"{key}.{name}").read_bytes() for name in record["images"]}
        return Drawn(pages, record["first_printed"], tuple(Short(*s) for s in record["short"]),
                     {edition: (folder / f"{key}.{edition}.pdf").read_bytes() for edition in EDITIONS},
                     {edition: {name: (frozenset(glyphs), missing) for name, (glyphs, missing) in faces.items()}
                      for edition, faces in record["drawn"].items()},
                     faces, images.get("cover"), images.get("spare"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def prune(folder: Path, keys: set[str]) -> None:
    """Remove from `folder` every unit but those of `keys` (what the last build used)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_file() and path.name.split(".")[0] not in keys:
            path.unlink(missing_ok=True)
