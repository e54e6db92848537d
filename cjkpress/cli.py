"""Command line: `cjkpress build|serve|new|check …`; with no arguments, the list of commands."""

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import DEFAULT_DESIGN
from .errors import InputError
from .output import writable_folder
from .progress import console
from .writers import WRITERS

# What `make` builds of a book: the screen PDF, the print edition and its cover spread, the EPUB.
DEFAULT_FORMATS = ["pdf", "print", "cover", "epub"]
SERVE_FORMATS = ["pdf"]
CORES = len(os.sched_getaffinity(0))
FORMATS_HELP = ("pdf (screen), print (PDF/X for the printer), cover (the print edition's cover spread), epub, "
                "html; comma-separated")
COMMANDS = {
    "build": "build a book's outputs: screen PDF, print PDF, cover spread and EPUB",
    "serve": "preview a book in the browser, built again each time a file is saved",
    "new": "start a new book folder that builds as it is",
    "check": "preflight typeset PDFs against the clreq rules",
}
DESCRIPTION = "Typeset Chinese books by the W3C clreq rules as PDF, EPUB and HTML."


def formats(value: str) -> list[str]:
    chosen = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in WRITERS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from {','.join(WRITERS)} (got {value!r})")
    return chosen


def jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a number of processes, 1 or more (got {value!r})")
    return int(value)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cjkpress", description=DESCRIPTION)
    p.add_argument("--version", action="version", version=f"cjkpress {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    talk = argparse.ArgumentParser(add_help=False)
    loud = talk.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity", default=0,
                      help="print errors only")
    loud.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity",
                      help="say each stage and output, on a terminal or not")
    book = argparse.ArgumentParser(add_help=False)
    book.add_argument("path", type=Path, help="a book folder (source.txt, book.yaml, Markdown chapters, "
                                              "book.toml), its source.txt or book.yaml, or a lone .txt or .md")
    book.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    book.add_argument("--encoding", help="the text's encoding when it is not UTF-8 or UTF-16, e.g. gb18030")

    build = sub.add_parser("build", parents=[book, talk], help=COMMANDS["build"], description=COMMANDS["build"])
    build.add_argument("--formats", type=formats, default=DEFAULT_FORMATS,
                       help=f"{FORMATS_HELP} (default: {','.join(DEFAULT_FORMATS)}, what `make` builds)")
    build.add_argument("-j", "--jobs", type=jobs, default=CORES,
                       help=f"processes at once: chapters drawn beside the layout, outputs written side by side "
                            f"(default: the cores this process may use, here {CORES}; 1: all in one process)")

    serve = sub.add_parser("serve", parents=[book, talk], help=COMMANDS["serve"], description=COMMANDS["serve"])
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000; 0: any free one)")
    serve.add_argument("--formats", type=formats, default=SERVE_FORMATS,
                       help=f"{FORMATS_HELP}: built on each save; the preview shows the screen PDF's pages "
                            f"(default: {','.join(SERVE_FORMATS)})")

    new = sub.add_parser("new", parents=[talk], help=COMMANDS["new"], description=COMMANDS["new"])
    new.add_argument("path", type=Path, metavar="DIR", help="the new book's folder (must not exist, or be empty)")
    kind = new.add_mutually_exclusive_group()
    kind.add_argument("--markdown", action="store_const", const="markdown", dest="kind", default="markdown",
                      help="a Markdown book: book.yaml and chapter files (the default)")
    kind.add_argument("--whitepaper", action="store_const", const="whitepaper", dest="kind",
                      help="a white paper: book.yaml and source.txt in the published plain-text layout")

    check = sub.add_parser("check", parents=[talk], help=COMMANDS["check"], description=COMMANDS["check"])
    check.add_argument("pdfs", type=Path, nargs="+", metavar="PDF|BOOK",
                       help="PDFs to check, or books: the screen PDF built of each, by its design's tolerances")
    check.add_argument("--out", type=Path, default=Path("build"), help="where books were built (default: build)")
    return p


def commands() -> str:
    """What `cjkpress` alone prints: what it is, and each command in a line."""
    width = max(map(len, COMMANDS))
    listed = "\n".join(f"  {name:<{width}}  {what}" for name, what in COMMANDS.items())
    return (f"cjkpress {__version__}: {DESCRIPTION}\n\nusage: cjkpress COMMAND [options]\n\ncommands:\n{listed}\n\n"
            "`cjkpress COMMAND --help` tells a command's options; `make` builds every book of content/.\n")


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
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(commands(), end="")
        return 0
    args = parser().parse_args(argv)
    screen = console(args.verbosity)
    try:
        if args.command == "check":
            from .preflight import run  # imported on demand: pdfplumber is slow to import

            return run(checked(args.pdfs, args.out))
        if args.command == "new":
            from .new import new

            new(args.path, args.kind)
            return 0
        writable_folder(args.out)  # before any work, not after every page is typeset
        if args.command == "serve":
            from .serve import serve

            serve(args.path, args.out, args.formats, args.encoding, args.port)
            return 0
        from .build import build

        build(args.path, args.out, args.formats, args.encoding, args.jobs)
    except InputError as err:
        screen.clear()
        print(f"{err}", file=sys.stderr)
        return 1
    except OSError as err:
        screen.clear()
        print(f"cjkpress: {err.filename or 'output'}: {err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Outputs are renamed into place only when complete: nothing half-written is left.
        screen.clear()
        print("cjkpress: interrupted; outputs not finished were not written", file=sys.stderr)
        return 130
    finally:
        screen.clear()
    return 0
