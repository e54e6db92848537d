"""HTML writer: the whole book as one standalone file, for a quick look in a browser."""

import os
from pathlib import Path

from . import render
from .output import atomic
from .tree import Book


def write_html(book: Book, out: Path) -> None:
    # Figures are linked relative to the output, so the file can be moved with build/.
    def asset_url(path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), out.parent.resolve())).as_posix()

    with atomic(out) as tmp:
        tmp.write_text(render.book_html(book, asset_url), encoding="utf-8")
