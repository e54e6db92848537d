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
from ...forked import Forked, forked, stop_all
from ...output import atomic
from ..markup import STYLES
from . import engine
from .cover import render_cover
from .engine import Face
from .foot import Short, short_pages
from .pages import Page, summary
from .press import add_slug_and_marks, block_start, first_blank, press_pdf

EDITIONS = ("screen", "print")
FACES = "faces"  # a cache folder's copies of faces that are not installed files
# Pages a forked process draws at least: a fork makes the parent copy each page of its memory it writes
# to next, so forking for each unit cost the 16 × book the time drawing beside it saved.
BATCH = 24


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


def summarise(document, pages: list, front: bool, drawing: Drawing) -> Drawn:
    """A unit's `pages` of its WeasyPrint `document` as the book reads them (`front`: the front matter),
    not drawn yet (`paint`)."""
    summaries = [summary(page, drawing.headings) for page in pages]
    first = block_start([page.name for page in summaries]) if front else 0
    short = tuple(page for page in short_pages(document, drawing.pitch) if page.page < len(pages))
    return Drawn(summaries, first, short, {}, {}, {})


def paint(document, pages: list, made: Drawn, front: bool, drawing: Drawing, known: dict[str, FaceFile],
          editions: tuple[str, ...] = EDITIONS) -> dict:
    """What drawing `made`, the summary of `pages` (`front`: the front matter's), in `editions` fills in:
    each edition's part and the glyphs it draws of each face, the faces' files (those of `known` not
    looked for again); the front matter's cover with the screen edition, its spare blank page with the
    print edition (Drawn)."""
    names = [page.name for page in made.pages]

    def part(edition: str, kept: list, faces: dict) -> bytes:
        if not kept:
            return b""
        with engine.parts(faces, drawing.anchors, {name: face.empty for name, face in known.items()}):
            if edition == "screen":
                return document.copy(kept).write_pdf(pdf_variant="pdf/ua-1")
            return press_pdf(document, kept, STYLES, drawing.identifier + "#print",
                             lambda _, pdf: add_slug_and_marks(pdf))

    painted = {"parts": {}, "drawn": {}, "faces": {}}
    kept = {"screen": [page for page, name in zip(pages, names) if name is not None],
            "print": pages[made.first_printed:]}
    for edition in editions:
        found = {}
        painted["parts"][edition] = part(edition, kept[edition], found)
        painted["drawn"][edition] = {name: (frozenset(face.glyphs), face.missing) for name, face in found.items()}
        painted["faces"].update((name, known.get(name) or face_file(face, drawing.cache))
                                for name, face in found.items() if name not in painted["faces"])
    if front and "screen" in editions:
        painted["cover"] = render_cover(document.copy(pages[:1]).write_pdf())
    if front and "print" in editions and (blank := first_blank(names)) is not None and blank < made.first_printed:
        painted["spare"] = part("print", [pages[blank]], {})
    return painted


def fill(made: Drawn, painted: dict) -> Drawn:
    """`made` with what `paint` drew of it (of some editions, or all)."""
    made.parts.update(painted["parts"])
    made.drawn.update(painted["drawn"])
    for name, face in painted["faces"].items():
        made.faces.setdefault(name, face)
    made.cover = painted.get("cover", made.cover)
    made.spare = painted.get("spare", made.spare)
    return made


class Drawer:
    """Draws a book's units: in this process when `jobs` is 1; else in batches of BATCH pages or more,
    each in a process forked beside this one (at most jobs − 1 at once) while this one lays out the
    next, the last batch split by edition between a forked process and this one. Keeps each unit in the
    cache folder once drawn (`store`)."""

    def __init__(self, drawing: Drawing, jobs: int):
        self.drawing, self.jobs = drawing, jobs
        self.pending: list[tuple] = []  # (document, pages, made, front, key) laid out, not drawn yet
        self.waiting: list[tuple[list, Forked]] = []  # ((made, key) of each unit, the process drawing them)
        self.known: dict[str, FaceFile] = {}  # the faces' files found so far: not looked for again
        if jobs > 1:
            fonts.installed_files()  # listed once here, not in every child

    def paint(self, document, pages: list, made: Drawn, front: bool, key: str) -> None:
        """Draw `made`, the summary of `pages` (`summarise`), now or beside this process."""
        if self.jobs <= 1:
            self._painted([(made, key)], [paint(document, pages, made, front, self.drawing, self.known)])
            return
        self.pending.append((document, pages, made, front, key))
        if sum(len(pages) for _, pages, *_ in self.pending) >= BATCH:
            self._wait(self.jobs - 2)
            self._fork(EDITIONS)

    def finish(self) -> None:
        """Draw what is left (the front matter: the 目录 of a long book is long), its print edition
        beside this process, and wait till every unit is drawn."""
        batch = self.pending
        if batch:
            self._fork(("print",))
            for document, pages, made, front, _ in batch:
                fill(made, paint(document, pages, made, front, self.drawing, self.known, ("screen",)))
        self._wait(0)

    def __enter__(self) -> "Drawer":
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Stop the units still being drawn when the layout failed, or was interrupted."""
        stop_all([task for _, task in self.waiting])

    def _fork(self, editions: tuple[str, ...]) -> None:
        """Draw `editions` of the pending units in a process forked beside this one."""
        batch, known, self.pending = self.pending, dict(self.known), []
        task = forked(lambda: [paint(document, pages, made, front, self.drawing, known, editions)
                               for document, pages, made, front, _ in batch])
        self.waiting.append(([(made, key) for _, _, made, _, key in batch], task))

    def _wait(self, running: int) -> None:
        """Wait till no more than `running` processes draw beside this one."""
        while len(self.waiting) > running:
            units, task = self.waiting[0]
            self._painted(units, task.wait())
            self.waiting.pop(0)  # only once drawn: an interrupted wait leaves it to stop

    def _painted(self, units: list[tuple[Drawn, str]], painted: list[dict]) -> None:
        for (made, key), its in zip(units, painted):
            fill(made, its)
            self.known.update(made.faces)
            store(self.drawing.cache, key, made)


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
