"""The files a preview watches: the book's own (its folder, or a lone file and its images) and cjkpress's
templates and styles, each by its modification time and size."""

import os
from pathlib import Path

from ..book import book_path
from ..writers.markup import STYLES, TEMPLATES

Snapshot = dict[str, tuple[int, int]]


def roots(path: Path) -> list[Path]:
    """What to watch for the book at `path`: its folder, or a lone text and its images/ folder."""
    book = book_path(path)
    own = [book] if book.is_dir() else [book, book.parent / "images"]
    return own + [TEMPLATES, STYLES]


def snapshot(watched: list[Path], skip: Path) -> Snapshot:
    """Every file under `watched` (not under `skip`, the build folder, nor hidden) → (mtime, size)."""
    found: Snapshot = {}
    skip_at = str(skip.resolve())
    for root in watched:
        if root.is_file():
            stat = root.stat()
            found[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, folders, files in os.walk(root):
            folders[:] = [f for f in folders if not f.startswith(".") and f != "__pycache__"
                          and str(Path(folder, f).resolve()) != skip_at]
            for name in files:
                if not name.startswith("."):
                    try:
                        stat = os.stat(os.path.join(folder, name))
                    except OSError:  # gone between the listing and the look: a save in progress
                        continue
                    found[os.path.join(folder, name)] = (stat.st_mtime_ns, stat.st_size)
    return found


def changes(old: Snapshot, new: Snapshot) -> list[str]:
    """The files added, removed or changed between two snapshots."""
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
