"""Command line: `cjkpress build PATH [--out DIR] [--formats pdf,print,cover,epub,html]`, `cjkpress check PDF|BOOK...`."""

import argparse
import logging
import sys
from pathlib import Path

from . import __version__
from .config import DEFAULT_DESIGN
from .errors import InputError
from .writers import WRITERS

DEFAULT_FORMATS = ["pdf", "epub"]


def formats(value: str) -> list[str]:
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in WRITERS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {','.join(WRITERS)} (got {value!r})")
    return chosen


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cjkpress", description="Typeset a Chinese white paper as PDF, EPUB and HTML.")
    p.add_argument("--version", action="version", version=f"cjkpress {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the outputs of one book")
    build.add_argument("path", type=Path, help="a book folder (source.txt, book.yaml) or a bare .txt")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    build.add_argument("--formats", type=formats, default=DEFAULT_FORMATS,
                       help="pdf (screen), print (PDF/X for the printer), cover (its cover spread), epub, html "
                            "(default: pdf,epub)")
    build.add_argument("--encoding", help="the text's encoding when it is not UTF-8 or UTF-16, e.g. gb18030")
    check = sub.add_parser("check", help="preflight typeset PDFs against the clreq rules")
    check.add_argument("pdfs", type=Path, nargs="+", metavar="PDF|BOOK",
                       help="PDFs to check, or books: the screen PDF built of each, by its design's tolerances")
    check.add_argument("--out", type=Path, default=Path("build"), help="where books were built (default: build)")
    return p


def checked(paths: list[Path], out: Path) -> list[tuple[Path, float]]:
    """(PDF, the spread it may have) for each path: a PDF is held to the default design, a book to its own."""
    from .book import settings

    result = []
    for path in paths:
        if path.suffix.lower() == ".pdf":
            result.append((path, DEFAULT_DESIGN["max_spread"]))
        else:
            slug, config = settings(path)
            result.append((out / f"{slug}.pdf", config.design["max_spread"]))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    try:
        if args.command == "check":
            from .preflight import run  # imported on demand: pdfplumber is slow to import

            return run(checked(args.pdfs, args.out))
        from .build import build

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
