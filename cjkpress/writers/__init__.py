"""Writers: one module (or package) per output format, one interface, a registry by format name.

Every writer is a `Writer`: it says which file it makes (`suffix` after the
book's slug) and what it needs from the pipeline (`needs`), and writes that
file from a `Job`. Writers know only the tree, the design and what the Job
carries; none imports another. What the EPUB takes from the PDF (where each
printed page begins, and the cover) comes as a `PageMap` (pagemap.py), which
the PDF writer makes and records.

Adding a format: a module with a Writer subclass, and its entry in WRITERS.
"""

import importlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from ..design import Design
from ..tree import Book
from .pagemap import PageMap

# Format name → the writer's class, imported when it is first asked for
# (WeasyPrint alone takes most of a second to import).
WRITERS = {
    "pdf": "cjkpress.writers.pdf:ScreenPdf",
    "epub": "cjkpress.writers.epub:Epub",
    "html": "cjkpress.writers.html:Html",
    "print": "cjkpress.writers.pdf:PrintPdf",
    "cover": "cjkpress.writers.pdf.spread:CoverSpread",
}
LINES = "lines"  # needs the paragraphs set into lines (job.lines)
PAGE_MAP = "page map"  # needs the printed pages' starts and the cover (job.page_map)


@dataclass(eq=False)
class Job:
    """One book being built: what the pipeline hands every writer."""

    book: Book
    design: Design
    out: Path
    lines: dict | None = None  # typeset.SetLines, when a writer needs LINES
    page_map: PageMap | None = None  # when a writer needs PAGE_MAP
    # What the writers of one family compute once for all of them (the PDF's layout).
    shared: dict = field(default_factory=dict)
    # What a process keeps from one build of the book to the next (cjkpress serve): the PDF's laid-out units.
    kept: dict = field(default_factory=dict)
    boxes: bool = False  # keep the laid-out units' boxes: cjkpress serve's preview draws them
    jobs: int = 1  # processes that may work at once: units drawn and outputs written beside the layout


class Writer(ABC):
    format: ClassVar[str]  # its name on the command line
    suffix: ClassVar[str]  # the output is <slug><suffix>
    needs: ClassVar[frozenset[str]] = frozenset()

    def target(self, job: Job) -> Path:
        return job.out / f"{job.book.slug}{self.suffix}"

    def prepare(self, job: Job) -> str:
        """Do the work the writers of a family share (the PDF's layout) before any writes; say what was made."""
        return ""

    def page_map(self, job: Job) -> PageMap:
        """The page map of this writer's layout, for the writers that need PAGE_MAP."""
        raise NotImplementedError(f"the {self.format} writer makes no page map")

    @abstractmethod
    def write(self, job: Job, target: Path) -> None:
        """Write the output to `target`, whole or not at all (output.atomic)."""


def writer(name: str) -> Writer:
    module, _, cls = WRITERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)()
