"""The pipeline: locate the book → read it into the tree → set its lines → write each format.

Writers are asked for by name (writers.WRITERS). The EPUB's page map comes
from the PDF's layout: one layout serves both when both are asked for, else
the record of the PDF built last from the same inputs, else a new layout.
"""

import time
from pathlib import Path

from .book import load
from .errors import InputError
from .forked import forked, stop_all
from .progress import result, status
from .typeset import set_paragraphs
from .writers import LINES, PAGE_MAP, Job, pagemap, writer

PAGE_MAP_FROM = "pdf"  # the format whose layout gives the page map


def build(path: Path, out: Path, formats: list[str], encoding: str | None = None, jobs: int = 1) -> Job:
    """Build `formats` of the book at `path` into `out`, in up to `jobs` processes at once."""
    status(f"reading {path} …")
    book, design = load(path, encoding)
    return build_job(Job(book, design, out, jobs=jobs), formats)


def build_job(job: Job, formats: list[str]) -> Job:
    """Write `formats` of the book `job` holds; the job, with what the writers shared (the PDF's layout)."""
    book, design, out = job.book, job.design, job.out
    writers = [writer(name) for name in formats]
    for target in (w.target(job) for w in writers):
        if target.is_dir():
            raise InputError(f"{target} is a folder: the output cannot be written there; move it away", target)
    needs = {need for w in writers for need in w.needs}
    lays_out = LINES in needs
    if PAGE_MAP in needs and not lays_out:
        job.page_map = pagemap.recorded(book, design, out)
    if lays_out or (PAGE_MAP in needs and job.page_map is None):
        started = time.monotonic()
        status(f"typesetting {book.slug} …")
        job.lines = set_paragraphs(book, design)
        laid_out = [w for w in writers if LINES in w.needs] or [writer(PAGE_MAP_FROM)]
        report = sorted({w.prepare(job) for w in laid_out} - {""})
        if PAGE_MAP in needs:
            job.page_map = writer(PAGE_MAP_FROM).page_map(job)
        result(f"typeset {book.slug}: {', '.join(report)} ({time.monotonic() - started:.1f} s)")

    # From a fresh layout, every writer but the first runs in a process of its own, forked with the
    # layout in memory, while this one writes the first: the editions are joined side by side.
    beside = writers[1:] if lays_out and job.jobs > 1 else []
    waiting = []
    try:
        for w in beside:
            waiting.append(forked(lambda w=w: write(w, job)))
        for w in writers:
            if w not in beside:
                write(w, job)
        for task in waiting:
            task.wait()
    except BaseException:  # the tasks still running stopped (a finished one is not)
        stop_all(waiting)
        raise
    return job


def write(w, job: Job) -> None:
    """Write one output, saying what was written and how long it took."""
    target = w.target(job)
    status(f"writing {target} …")
    started = time.monotonic()
    w.write(job, target)
    size = target.stat().st_size
    result(f"wrote {target} ({size / 1024:.0f} KB, {time.monotonic() - started:.1f} s)")
