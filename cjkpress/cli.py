"""Command line: `cjkpress build PATH [--out DIR] [--formats pdf,epub,html]`, `cjkpress check PDF...`."""

import argparse
import logging
import sys
import time
from pathlib import Path

from . import __version__, edition
from .book import load
from .tree import Book
from .errors import InputError
from .forked import forked
from .output import atomic

FORMATS = ("pdf", "epub", "html", "print")


def formats(value: str) -> list[str]:
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {','.join(FORMATS)} (got {value!r})")
    return chosen


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cjkpress", description="Typeset a Chinese white paper as PDF, EPUB and HTML.")
    p.add_argument("--version", action="version", version=f"cjkpress {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the outputs of one book")
    build.add_argument("path", type=Path, help="a book folder (source.txt, book.yaml) or a bare .txt")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    build.add_argument("--formats", type=formats, default=["pdf", "epub"],
                       help="pdf (screen), print (PDF/X for the printer), epub, html (default: pdf,epub)")
    build.add_argument("--encoding", help="the text's encoding when it is not UTF-8 or UTF-16, e.g. gb18030")
    check = sub.add_parser("check", help="preflight typeset PDFs against the clreq rules")
    check.add_argument("pdfs", type=Path, nargs="+", metavar="PDF", help="PDFs to check")
    return p


def build(path: Path, out: Path, chosen: list[str], encoding: str | None = None) -> None:
    book = load(path, encoding)
    # The EPUB takes its page list and cover from the PDF's layout: one layout
    # serves both, or the record of the PDF built last from the same inputs.
    layout = None
    if {"pdf", "print"} & set(chosen) or ("epub" in chosen and not (layout := edition.recorded(book, out))):
        # Imported on demand: WeasyPrint alone takes most of a second to import.
        from .pdf import layout as typeset

        started = time.monotonic()
        print(f"cjkpress: typesetting {book.slug} …", file=sys.stderr, flush=True)
        layout = typeset(book)
        print(f"cjkpress: {len(layout.document.pages)} pages ({time.monotonic() - started:.1f} s)", file=sys.stderr)

    def epub_and_its_cover() -> bytes:
        write(book, out, "epub", layout)
        return layout.cover

    # From a fresh layout, the EPUB (and the cover it needs) is written in a
    # second process while this one writes the PDFs: the machine has two cores.
    epub = forked(epub_and_its_cover) if {"pdf", "epub"} <= set(chosen) else None
    cover = None
    for fmt in chosen:
        if fmt == "epub" and epub:
            cover = epub()
        else:
            write(book, out, fmt, layout)
    if "pdf" in chosen:
        edition.record(book, out, layout.pdf, edition.Edition(layout.pages, cover or layout.cover))


def write(book: Book, out: Path, fmt: str, layout) -> None:
    """Write one output from the book and its layout, saying what was written and how long it took."""
    target = out / (f"{book.slug}-print.pdf" if fmt == "print" else f"{book.slug}.{fmt}")
    started = time.monotonic()
    if fmt == "print":
        with atomic(target) as tmp:
            tmp.write_bytes(layout.print_pdf())
    elif fmt == "pdf":
        layout.write(target)
    elif fmt == "epub":
        from .epub import write_epub

        write_epub(book, target, layout)
    else:
        from .html import write_html

        write_html(book, target)
    size = target.stat().st_size
    print(f"cjkpress: wrote {target} ({size / 1024:.0f} KB, {time.monotonic() - started:.1f} s)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    if args.command == "check":
        from .check import run  # imported on demand: pdfplumber is slow to import

        return run(args.pdfs)
    try:
        build(args.path, args.out, args.formats, args.encoding)
    except InputError as err:
        print(f"{err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"cjkpress: {err.filename or 'output'}: {err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Outputs are renamed into place only when complete: nothing half-written is left.
        print("cjkpress: interrupted; outputs not finished were not written", file=sys.stderr)
        return 130
    return 0
