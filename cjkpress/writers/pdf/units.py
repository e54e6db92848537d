"""The book laid out in units: its front matter, and each chapter (with the part title that opens it),
each a WeasyPrint document of its own, their pages assembled into one.

Chapters open on a recto, so a chapter's pages depend on the rest of the
book only through numbers: its first folio, and what its own pages print of
themselves (note marks numbered by page; its sections as running heads when
it is long). So each chapter is laid out and filled (foot.py) on its own,
from its first folio, and the front matter last, when the folios of its 目录
and the page count of its 版权页 are known. A unit that another follows
ends in an empty element that opens on a right-hand page, as the next unit
does (print.css, `.unit-end`): WeasyPrint leaves before it the blank page the
whole book has there, and the assembly drops the element's own page.

A chapter's key is its HTML as first laid out (no page filled, nothing its
pages print of themselves) with what that HTML is made with (the print
code, templates, styles and faces: pagemap.tools_digest) and the images it
shows. The decisions its layout ended with are kept on disk by key, so the
next build lays an unchanged chapter out once. Each unit is drawn as soon as
it is laid out, and its boxes dropped (drawn.py); what it was drawn as is
kept on disk (and by cjkpress serve, `Job.kept`, in memory with its boxes) by
the key of the HTML it was last laid out from, so that the next build lays
out and draws only the units that changed.
"""

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML, Document
from weasyprint.text.fonts import FontConfiguration

from ...design import grid
from ...imprint import imprint
from ...output import atomic
from ...progress import status
from ...tree import NOTE_MARKS, Chapter
from .. import Job
from ..markup import STYLES, TEMPLATES, book_wide, one_file_book
from ..pagemap import block_numbers, record_path, tools_digest
from . import drawn, engine
from .drawn import Drawing, Drawn
from .fetcher import LocalFetcher
from .foot import fill_short_pages, paragraphs_by_key
from .labels import folios as page_folios, page_name
from .pages import Page, chapter_pages, heading_numbers, page_notes
from .press import book_block

LAYOUTS = 6  # of a unit, at most: what its pages print, pages filled, filled again where that left some short, 孤行
# The CMYK profile of the print edition's output intent (Debian's libgs-common).
ICC = Path("/usr/share/color/icc/ghostscript")
FILE_URL = re.compile(r'(?:src|href)="(file:[^"]+)"')


@dataclass(frozen=True)
class Counts:
    """What the pages print of the finished layout itself: how many pages the book block has (in the
    版权页's 印张 and 字数), which chapters are long enough to take their sections' running heads, the
    note marks numbered by page (all of one width: a mark never moves a break), and the folio of each
    heading the 目录 lists."""

    pages: int = 0
    long_chapters: tuple[str, ...] = ()
    marks: tuple[tuple[str, str], ...] = ()  # (note id, mark) with design.note_numbering: page
    folios: tuple[tuple[str, str], ...] = ()  # (heading id, folio)


@dataclass(frozen=True)
class Unit:
    """What one document of a layout holds: the front matter, or chapters; `closing` when a unit follows."""

    front: bool
    chapters: tuple[Chapter, ...]
    closing: bool


@dataclass
class Laid:
    """A unit laid out: its document, what its pages print of themselves, the decisions that filled them
    (the paragraphs set a line longer, or allowed to leave a line alone: foot.py) by (chapter id, block
    number), so that they hold for the same text read again."""

    document: Document
    printed: Counts
    longer: tuple = ()
    loose: tuple = ()
    closing: bool = False

    @property
    def pages(self) -> list:
        """Its pages in the book: all but the page the next unit would open (a closing unit's last)."""
        return self.document.pages[:-1] if self.closing else self.document.pages

    def decisions(self) -> dict:
        return {"printed": asdict(self.printed), "longer": list(self.longer), "loose": list(self.loose)}


@dataclass
class Assembled:
    """A finished layout: its units drawn (the front matter first), what its pages print of it, the
    paragraphs its units set longer or left loose."""

    units: list[Drawn]
    counts: Counts
    longer: frozenset
    loose: frozenset


def units(chapters: list[Chapter]) -> list[Unit]:
    """The front matter, then each chapter, in order."""
    return [Unit(True, (), bool(chapters))] + [Unit(False, (c,), i < len(chapters) - 1) for i, c in enumerate(chapters)]


def book_folder(job: Job) -> Path:
    return job.book.folder or job.book.source.parent


def local_fetcher(job: Job) -> LocalFetcher:
    """What WeasyPrint may read for the book: its own folder, cjkpress's templates and styles, the ICC profile."""
    return LocalFetcher([book_folder(job), TEMPLATES, STYLES, ICC])


def book_html(job: Job, found: Counts = Counts(), loose=frozenset(), unit: Unit | None = None,
              start: int | None = None) -> str:
    """The book as WeasyPrint reads it (the one-file book with the set lines, figures by file URL), or
    one unit of it, whose pages count from `start`."""
    if "pdf book" not in job.shared:  # what every unit reads of the whole book, made once
        numbers = block_numbers(job.book)
        job.shared["pdf book"] = book_wide(job.book, job.design), lambda block: numbers[id(block)]
    wide, block_number = job.shared["pdf book"]
    place = {} if unit is None else {"front": unit.front, "chapters": list(unit.chapters), "closing": unit.closing}
    return one_file_book("pdf/book.html", job.book, job.design, lambda path: path.resolve().as_uri(), lines=job.lines,
                         wide=wide, block_number=block_number,
                         imprint=imprint(job.book.metadata, job.design, found.pages),
                         long_chapters=set(found.long_chapters), marks=dict(found.marks), loose=loose,
                         folios=dict(found.folios), start=start, **place)


@cache
def installed_fonts() -> FontConfiguration:
    """One fontconfig configuration for every document a process lays out: each would load the faces again."""
    return FontConfiguration()


def render(job: Job, html: str, report) -> Document:
    source = HTML(string=html, base_url=str(book_folder(job)), url_fetcher=local_fetcher(job))
    with engine.counting_pages(report):
        return source.render(font_config=installed_fonts())


def printed(document: Document, job: Job) -> Counts:
    """What a unit's pages print of themselves: its long chapters, its note marks numbered by page."""
    long = job.design.section_heads_after
    marks = tuple((note, NOTE_MARKS[i % len(NOTE_MARKS)]) for notes in page_notes(document)
                  for i, note in enumerate(notes)) if job.design.note_numbering == "page" else ()
    return Counts(0, tuple(chapter for chapter, pages in chapter_pages(document).items() if pages > long), marks)


def counts(document: Document, job: Job) -> Counts:
    """What the pages of a whole book print of its layout: `printed`, its book block's pages (the print
    edition's), and the folios of the headings the 目录 lists."""
    names = [page_name(page) for page in document.pages]
    numbered = zip(document.pages, [folio for _, folio in page_folios(names)])
    return replace(printed(document, job), pages=len(book_block(names, job.design.signature).numbers),
                   folios=toc_folios(numbered, job))


def toc_folios(numbered, job: Job) -> tuple[tuple[str, str], ...]:
    """(heading id, folio) of every heading the 目录 lists, from (page, folio) pairs: the folio of the
    page its anchor is on, in decimal as CSS's target-counter gives it."""
    where = {}
    for page, folio in numbered:
        for anchor in page.anchors:
            where.setdefault(anchor, folio)
    listed = [entry.id for top in job.book.contents() for entry in top.flat()]
    return tuple((ident, str(where[ident])) for ident in listed if isinstance(where.get(ident), int))


def settle(job: Job, html, judge, found: Counts, longer: set, loose: set, report) -> tuple[Document, tuple, str]:
    """A layout made again till its pages print what it was laid out with (`judge` of its document) and
    none is filled any more (foot.py): from `found` and the paragraphs already set `longer` or left
    `loose` (the last build's decisions, or none), which this adds to. The last document, and the
    (found, longer, loose) it was laid out with, and its HTML. `html(found, loose)` is what is laid out."""
    pitch = grid(job.design).line_pitch
    for attempt in range(1, LAYOUTS + 1):
        rendered = found, frozenset(longer), frozenset(loose)
        text = html(found, loose)
        document = render(job, text, lambda page: report(page, attempt))
        fill_short_pages(document, job.book, job.lines, pitch, longer, loose)
        if (now := judge(document, job)) == found and (frozenset(longer), frozenset(loose)) == rendered[1:]:
            break
        found = now
    return document, rendered, text


def settle_unit(job: Job, unit: Unit, start: int | None, found: Counts, longer: set, loose: set, blocks: dict,
                report) -> tuple[Laid, str]:
    """A chapter unit settled (`settle`), its decisions by (chapter id, block number) of `blocks`; and
    the HTML it was laid out from last."""
    document, rendered, html = settle(job, lambda found, loose: book_html(job, found, loose, unit, start), printed,
                                      found, longer, loose, report)
    keys = {id(block): key for key, block in blocks.items()}
    return Laid(document, rendered[0], *(tuple(sorted(keys[id(p)] for p in group)) for group in rendered[1:]),
                closing=unit.closing), html


def unit_key(html: str, tools: str) -> str:
    """What a unit is laid out from: its HTML, what that is made with, the images it shows."""
    digest = hashlib.sha256((tools + html).encode())
    for url in sorted(set(FILE_URL.findall(html))):
        path = Path(unquote(urlparse(url).path))
        stat = path.stat() if path.is_file() else None
        digest.update(f"{path}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def drawing_digest(job: Job, tools: str) -> str:
    """What a unit's parts are drawn with besides its HTML: the print code and faces (`tools`), the
    book's identifier (the print edition's XMP ids) and SOURCE_DATE_EPOCH (its dates)."""
    return hashlib.sha256(f"{tools}:{job.book.metadata.identifier}:{os.environ.get('SOURCE_DATE_EPOCH')}"
                          .encode()).hexdigest()


def take(job: Job, decisions: dict, blocks: dict) -> tuple[Counts, set, set]:
    """A unit's decisions (Laid.decisions) for the book as read now, its paragraphs set longer again;
    none if the record is not one."""
    try:
        found = decisions["printed"]
        printed = Counts(0, tuple(found["long_chapters"]), tuple(map(tuple, found["marks"])))
        longer = {blocks[tuple(key)] for key in decisions["longer"]}
        loose = {blocks[tuple(key)] for key in decisions["loose"]}
    except (KeyError, TypeError, ValueError):
        return Counts(), set(), set()
    for paragraph in longer:
        job.lines[paragraph] = job.lines.longer(paragraph)
    return printed, longer, loose


def body_folios(pages: list[Page], before: list) -> list:
    """(page, folio) of a unit's pages in the body, after the body's pages `before`: from 1 at the first
    chapter's opening page (labels.py)."""
    if not before:
        return [(page, folio) for page, (style, folio) in zip(pages, page_folios([p.name for p in pages]))
                if style == "D"]
    return [(page, before[-1][1] + n) for n, page in enumerate(pages, 1)]


def book_drawing(job: Job, anchors: frozenset) -> Drawing:
    """What the book's units are drawn with, their links to `anchors` of other units kept (drawn.Drawing)."""
    return Drawing(anchors, job.book.metadata.identifier, grid(job.design).line_pitch, heading_numbers(job.book),
                   record_path(job.book, job.out, "units"))


def drawn_unit(job: Job, key: str, folder: Path) -> Drawn | None:
    """The unit drawn by `key` in this process (cjkpress serve: with its boxes), or else on disk (unless
    the job keeps boxes)."""
    if (found := job.kept.get(key)) is not None or job.boxes:
        return found
    return drawn.load(folder, key)


def draw_unit(job: Job, drawer: drawn.Drawer, laid: Laid, front: bool, key: str) -> Drawn:
    """A unit laid out, drawn by `drawer` and kept by `key`; its boxes kept only when the job keeps them
    (cjkpress serve)."""
    made = summarised(job, drawer, laid, front)
    drawer.paint(laid.document, laid.pages, made, front, key)
    return made


def summarised(job: Job, drawer: drawn.Drawer, laid: Laid, front: bool) -> Drawn:
    """A unit laid out, its pages summarised (drawn.summarise), its boxes kept when the job keeps them."""
    made = drawn.summarise(laid.document, laid.pages, front, drawer.drawing)
    if job.boxes:
        made.boxes = laid.document, laid.pages
    return made


def lay_out(job: Job) -> Assembled:
    """The book laid out by units (see the module's docstring), each drawn once laid out: a chapter
    from the last build's decisions when its key is unchanged; not laid out at all when what it was
    drawn as is kept (on disk, or by this process: `job.kept`)."""
    record = record_path(job.book, job.out, "units.json")
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
        pages, known = int(last["pages"]), dict(last["units"])
    except (OSError, ValueError, TypeError, KeyError):
        pages, known = 0, {}
    tools = tools_digest(job.book, job.design)
    tools_drawn = drawing_digest(job, tools)
    drawing, kept = book_drawing(job, frozenset(job.book.anchors())), {}  # kept: what each unit was drawn as, by key
    with drawn.Drawer(drawing, 1 if job.boxes else job.jobs) as drawer:
        body, decisions, longer, loose, found = lay_out_chapters(job, drawer, known, tools, tools_drawn, kept)
        front, found = lay_out_front(job, drawer, replace(found, pages=pages), body, tools_drawn, kept)
        drawer.finish()
    job.kept.clear()  # what this layout used, and nothing older
    job.kept.update(kept)
    drawn.prune(drawing.cache, set(kept))
    with atomic(record) as tmp:
        tmp.write_text(json.dumps({"pages": found.pages, "units": decisions}, sort_keys=True), encoding="utf-8")
    return Assembled([front, *body], found, frozenset(longer), frozenset(loose))


def lay_out_chapters(job: Job, drawer: drawn.Drawer, known: dict, tools: str, tools_drawn: str, kept: dict) -> tuple:
    """Each chapter laid out from its first folio, with the decisions `known` by its key (`unit_key` with
    `tools`), and drawn, or found drawn (by its key with `tools_drawn`: drawing_digest); what each was
    drawn as added to `kept`. The chapters drawn, their decisions by key, the paragraphs set longer and
    left loose, and what their pages print (Counts, all but the page count)."""
    slug, blocks = job.book.slug, paragraphs_by_key(job.book)
    chapters = units(job.book.chapters)[1:]
    body, decisions, longer, loose, numbered = [], {}, set(), set(), []
    long_chapters, marks = (), ()
    for number, unit in enumerate(chapters, 1):
        start = numbered[-1][1] + 1 if body else None
        html = book_html(job, Counts(), frozenset(), unit, start)
        key = unit_key(html, tools)
        found, longer_here, loose_here = take(job, known.get(key, {}), blocks)
        if found != Counts() or longer_here or loose_here:  # else the HTML the decisions make is this one
            html = book_html(job, found, frozenset(loose_here), unit, start)
        drawn_key = unit_key(html, tools_drawn)
        if (made := drawn_unit(job, drawn_key, drawer.drawing.cache)) is None:
            first = start or 1
            laid, html = settle_unit(
                job, unit, start, found, longer_here, loose_here, blocks,
                lambda page, attempt: status(f"typesetting {slug}: page {first + page - 1}, chapter {number}/"
                                             f"{len(chapters)}" + f" (layout {attempt})" * (attempt > 1), count=True))
            found, decisions[key] = laid.printed, laid.decisions()
            drawn_key = unit_key(html, tools_drawn)
            made = draw_unit(job, drawer, laid, False, drawn_key)
            del laid  # its boxes, drawn already or beside this process
        else:
            decisions[key] = known[key] if key in known else Laid(None, found).decisions()
        kept[drawn_key] = made
        body.append(made)
        longer |= longer_here
        loose |= loose_here
        long_chapters, marks = long_chapters + found.long_chapters, marks + found.marks
        numbered += body_folios(made.pages, numbered)
    return body, decisions, longer, loose, Counts(0, long_chapters, marks, toc_folios(numbered, job))


def lay_out_front(job: Job, drawer: drawn.Drawer, found: Counts, body: list[Drawn], tools_drawn: str,
                  kept: dict) -> tuple[Drawn, Counts]:
    """The front matter, from what the `body` prints (`found`: its 目录's folios, the book block's pages
    as last counted), laid out again till its 版权页 counts the book block it makes; drawn, or found
    drawn, and added to `kept`. It and the counts it printed."""
    names = [page.name for unit in body for page in unit.pages]
    front = units(job.book.chapters)[0]
    for _ in range(LAYOUTS):
        html = book_html(job, found, frozenset(), front)
        key, laid = unit_key(html, tools_drawn), None
        if (made := drawn_unit(job, key, drawer.drawing.cache)) is None:
            report = lambda page: status(f"typesetting {job.book.slug}: front matter, page {page}", count=True)  # noqa: E731
            laid = Laid(render(job, html, report), Counts(), closing=front.closing)
            made = summarised(job, drawer, laid, True)
        if (block := len(book_block([p.name for p in made.pages] + names, job.design.signature).numbers)) == found.pages:
            break
        found = replace(found, pages=block)
    if laid is not None:  # drawn once its 版权页 counts the pages that follow it
        drawer.paint(laid.document, laid.pages, made, True, key)
    kept[key] = made
    return made, found


def whole_book(job: Job) -> Assembled:
    """The book laid out as one document, filled as by units: the layout the assembled one must equal
    (tested)."""
    document, rendered, _ = settle(job, lambda found, loose: book_html(job, found, loose), counts, Counts(), set(),
                                   set(), lambda page, attempt: None)
    return Assembled([drawn.draw(document, document.pages, True, book_drawing(job, frozenset()))], *rendered)
