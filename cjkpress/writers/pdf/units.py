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
next build lays an unchanged chapter out once; within one process (cjkpress
serve, `Job.kept`) the laid-out chapter itself is kept and not laid out again.
"""

import hashlib
import json
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
from . import engine
from .fetcher import LocalFetcher
from .foot import fill_short_pages, paragraphs_by_key
from .labels import folios as page_folios
from .pages import chapter_pages, page_notes
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
    """A finished layout: the assembled document, what its pages print of it, the paragraphs its units
    set longer or left loose."""

    document: Document
    counts: Counts
    longer: frozenset
    loose: frozenset
    units: tuple[int, ...]  # the pages of each unit, in order


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
    block, _ = book_block(document, job.design.signature)
    numbered = zip(document.pages, [folio for _, folio in page_folios(document)])
    return replace(printed(document, job), pages=len(block), folios=toc_folios(numbered, job))


def toc_folios(numbered, job: Job) -> tuple[tuple[str, str], ...]:
    """(heading id, folio) of every heading the 目录 lists, from (page, folio) pairs: the folio of the
    page its anchor is on, in decimal as CSS's target-counter gives it."""
    where = {}
    for page, folio in numbered:
        for anchor in page.anchors:
            where.setdefault(anchor, folio)
    listed = [entry.id for top in job.book.contents() for entry in top.flat()]
    return tuple((ident, str(where[ident])) for ident in listed if isinstance(where.get(ident), int))


def settle(job: Job, html, judge, found: Counts, longer: set, loose: set, report) -> tuple[Document, tuple]:
    """A layout made again till its pages print what it was laid out with (`judge` of its document) and
    none is filled any more (foot.py): from `found` and the paragraphs already set `longer` or left
    `loose` (the last build's decisions, or none), which this adds to. The last document, and the
    (found, longer, loose) it was laid out with. `html(found, loose)` is what is laid out."""
    pitch = grid(job.design).line_pitch
    for attempt in range(1, LAYOUTS + 1):
        rendered = found, frozenset(longer), frozenset(loose)
        document = render(job, html(found, loose), lambda page: report(page, attempt))
        fill_short_pages(document, job.book, job.lines, pitch, longer, loose)
        if (now := judge(document, job)) == found and (frozenset(longer), frozenset(loose)) == rendered[1:]:
            break
        found = now
    return document, rendered


def settle_unit(job: Job, unit: Unit, start: int | None, found: Counts, longer: set, loose: set, blocks: dict,
                report) -> Laid:
    """A chapter unit settled (`settle`), its decisions by (chapter id, block number) of `blocks`."""
    document, rendered = settle(job, lambda found, loose: book_html(job, found, loose, unit, start), printed,
                                found, longer, loose, report)
    keys = {id(block): key for key, block in blocks.items()}
    return Laid(document, rendered[0], *(tuple(sorted(keys[id(p)] for p in group)) for group in rendered[1:]),
                closing=unit.closing)


def unit_key(job: Job, unit: Unit, start: int | None, tools: str) -> str:
    """What a chapter unit is laid out from: its first HTML, what that is made with, the images it shows."""
    html = book_html(job, Counts(), frozenset(), unit, start)
    digest = hashlib.sha256((tools + html).encode())
    for url in sorted(set(FILE_URL.findall(html))):
        path = Path(unquote(urlparse(url).path))
        stat = path.stat() if path.is_file() else None
        digest.update(f"{path}:{stat and stat.st_size}:{stat and stat.st_mtime_ns}".encode())
    return digest.hexdigest()


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


def body_folios(laid: Laid, before: list) -> list:
    """(page, folio) of a unit's pages in the body, after the body's pages `before`: from 1 at the first
    chapter's opening page (labels.py)."""
    if not before:
        return [(page, folio) for page, (style, folio) in zip(laid.pages, page_folios(laid.document)) if style == "D"]
    return [(page, before[-1][1] + n) for n, page in enumerate(laid.pages, 1)]


def lay_out(job: Job) -> Assembled:
    """The book laid out by units (see the module's docstring): each chapter from the last build's
    decisions when its key is unchanged, or as this process kept it (`job.kept`)."""
    record = record_path(job.book, job.out, "units.json")
    try:
        last = json.loads(record.read_text(encoding="utf-8"))
        pages, known = int(last["pages"]), dict(last["units"])
    except (OSError, ValueError, TypeError, KeyError):
        pages, known = 0, {}
    tools, slug, blocks = tools_digest(job.book, job.design), job.book.slug, paragraphs_by_key(job.book)
    front, *chapters = units(job.book.chapters)
    body, decisions, longer, loose, numbered, kept = [], {}, set(), set(), [], {}
    for number, unit in enumerate(chapters, 1):
        start = numbered[-1][1] + 1 if body else None
        key = unit_key(job, unit, start, tools)
        if (laid := job.kept.get(key)) is not None:
            _, longer_here, loose_here = take(job, laid.decisions(), blocks)
        else:
            found, longer_here, loose_here = take(job, known.get(key, {}), blocks)
            first = start or 1
            laid = job.kept[key] = settle_unit(
                job, unit, start, found, longer_here, loose_here, blocks,
                lambda page, attempt: status(f"typesetting {slug}: page {first + page - 1}, chapter {number}/"
                                             f"{len(chapters)}" + f" (layout {attempt})" * (attempt > 1), count=True))
        decisions[key], kept[key] = laid.decisions(), laid
        body.append(laid)
        longer |= longer_here
        loose |= loose_here
        numbered += body_folios(laid, numbered)
    # The front matter, from the body's folios and the book block's pages, laid out again if those changed.
    found = Counts(pages, folios=toc_folios(numbered, job))
    for _ in range(LAYOUTS):
        html = book_html(job, found, frozenset(), front)
        key = hashlib.sha256(html.encode()).hexdigest()
        if (laid := job.kept.get(key)) is None:
            report = lambda page: status(f"typesetting {slug}: front matter, page {page}", count=True)  # noqa: E731
            laid = job.kept[key] = Laid(render(job, html, report), Counts(), closing=front.closing)
        document = laid.document.copy([page for unit in [laid, *body] for page in unit.pages])
        if (whole := counts(document, job)).pages == found.pages:
            break
        found = replace(found, pages=whole.pages)
    kept[key] = laid
    job.kept.clear()  # what this layout used, and nothing older
    job.kept.update(kept)
    with atomic(record) as tmp:
        tmp.write_text(json.dumps({"pages": whole.pages, "units": decisions}, sort_keys=True), encoding="utf-8")
    return Assembled(document, whole, frozenset(longer), frozenset(loose),
                     tuple(len(unit.pages) for unit in [laid, *body]))


def whole_book(job: Job) -> Assembled:
    """The book laid out as one document, filled as by units: the layout the assembled one must equal
    (tested)."""
    document, rendered = settle(job, lambda found, loose: book_html(job, found, loose), counts, Counts(), set(),
                                set(), lambda page, attempt: None)
    return Assembled(document, *rendered, (len(document.pages),))
