"""Command line: `cjkpress build PATH [--out DIR] [--formats pdf,epub,html]`, `cjkpress check PDF...`."""

import argparse
import logging
import sys
import time
from pathlib import Path

from . import __version__
from .book import load
from .errors import InputError

FORMATS = ("pdf", "epub", "html")


def writer(fmt: str):
    # Imported on demand: WeasyPrint alone takes most of a second to import.
    if fmt == "pdf":
        from .pdf import write_pdf
        return write_pdf
    if fmt == "epub":
        from .epub import write_epub
        return write_epub
    from .html import write_html
    return write_html


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
    build.add_argument("--formats", type=formats, default=["pdf", "epub"], help="pdf,epub,html (default: pdf,epub)")
    check = sub.add_parser("check", help="preflight typeset PDFs against the clreq rules")
    check.add_argument("pdfs", type=Path, nargs="+", metavar="PDF", help="PDFs to check")
    return p


def build(path: Path, out: Path, chosen: list[str]) -> None:
    book = load(path)
    for fmt in chosen:
        target = out / f"{book.slug}.{fmt}"
        started = time.monotonic()
        print(f"cjkpress: writing {target} …", file=sys.stderr, flush=True)
        writer(fmt)(book, target)
        size = target.stat().st_size
        print(f"cjkpress: wrote {target} ({size / 1024:.0f} KB, {time.monotonic() - started:.1f} s)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    if args.command == "check":
        from .check import run  # imported on demand: pdfplumber is slow to import

        return run(args.pdfs)
    try:
        build(args.path, args.out, args.formats)
    except InputError as err:
        print(f"{err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"cjkpress: cannot write the output: {err}", file=sys.stderr)
        return 1
    return 0
