"""HTML writer: the whole book as one standalone file, for a quick look in a browser."""

import os
from pathlib import Path

from ..output import atomic
from . import Job, Writer
from .markup import one_file_book


class Html(Writer):
    format = "html"
    suffix = ".html"

    def write(self, job: Job, target: Path) -> None:
        # Figures are linked relative to the output, so the file can be moved with build/.
        def asset_url(path: Path) -> str:
            return Path(os.path.relpath(path.resolve(), target.parent.resolve())).as_posix()

        with atomic(target) as tmp:
            tmp.write_text(one_file_book("html/book.html", job.book, job.design, asset_url), encoding="utf-8")
