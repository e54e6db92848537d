"""A book kept warm for the preview: built again on each change, its state published to the browsers.

One process keeps what a build loads once (WeasyPrint, the fonts, HarfBuzz's
faces, the parsed templates), so a rebuild costs only the book's own work.
Each rebuild shows a first sketch at once (the pages laid out in one pass,
as the last layout ended: writers.pdf.sketch), then makes the real outputs
the way `cjkpress build` does, byte for byte, and shows their pages if the
sketch missed.
"""

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..book import load
from ..build import build_job
from ..errors import InputError
from ..progress import result, status
from ..typeset import set_paragraphs
from ..writers import Job, writer
from ..writers.pdf import Layout, layout, sketch
from ..writers.pdf.preview import Images, Shown

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    """What the preview shows: a generation of pages, or the error that stopped the last build."""

    generation: int = 0
    pages: tuple[Shown, ...] = ()
    first_changed: int = 0  # the page (0-based) to scroll to: the first that differs from the last generation's
    outputs: tuple[str, ...] = ()  # the output files' names, in the build folder
    error: str = ""
    building: bool = True
    title: str = ""
    seconds: float = 0.0  # from the change seen to these pages


@dataclass
class Session:
    path: Path
    out: Path
    formats: list[str]
    encoding: str | None = None
    state: State = field(default_factory=State)
    changed: threading.Condition = field(default_factory=threading.Condition)
    images: Images = field(default_factory=Images)
    last: Layout | None = None  # the last good layout: the sketch's guess
    kept: dict = field(default_factory=dict)  # the PDF's laid-out units, for the next build (Job.kept)

    def publish(self, **changes) -> None:
        with self.changed:
            self.state = replace(self.state, **changes)
            self.changed.notify_all()

    def show(self, document, started: float, building: bool) -> None:
        """Publish `document`'s pages as a new generation, if any differs from those shown."""
        pages = tuple(self.images.draw(document))
        old = self.state.pages
        # The first page of the body that changed: the edit's, not the 目录's or the 版权页's that follow it.
        differ = [i for i, page in enumerate(pages) if i >= len(old) or page != old[i]]
        first = next((i for i in differ if pages[i].body), differ[0] if differ else 0) if old else 0
        if pages == old and not self.state.error:
            self.publish(building=building)
            return
        self.publish(generation=self.state.generation + 1, pages=pages, first_changed=first,
                     error="", building=building, seconds=round(time.monotonic() - started, 2))

    def rebuild(self, started: float | None = None) -> None:
        """Build the book again: a sketch first when there is a layout to guess from, then the outputs."""
        started = started or time.monotonic()
        self.publish(building=True)
        try:
            status(f"reading {self.path} …")
            book, design = load(self.path, self.encoding)
            if self.last is not None:
                quick = Job(book, design, self.out)
                quick.lines = set_paragraphs(book, design)
                self.show(sketch(quick, self.last), started, building=True)
            job = build_job(Job(book, design, self.out, kept=self.kept, boxes=True), self.formats)
        except Exception as err:  # noqa: BLE001 - the preview outlives any one build
            if isinstance(err, InputError):
                message = str(err)
            elif isinstance(err, OSError):
                message = f"{err.filename or 'output'}: {err.strerror or err}"
            else:  # a fault of cjkpress's, not the book's: said in full where it runs, named on the page
                log.exception("the build failed")
                message = f"cjkpress failed ({type(err).__name__}: {err}); the terminal shows where"
            self.publish(generation=self.state.generation + 1, error=message, building=False,
                         seconds=round(time.monotonic() - started, 2))
            result(f"not built: {message}")
            return
        self.last = layout(job)
        self.publish(outputs=tuple(writer(name).target(job).name for name in self.formats), title=book.metadata.title)
        self.show(self.last.document, started, building=False)
        result(f"built {book.slug} ({time.monotonic() - started:.1f} s); the preview is up to date")
