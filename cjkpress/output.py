"""Outputs appear whole or not at all.

Each output is written to a temporary file beside its final name and renamed
over it only when complete, so an interrupted or failed build leaves the
previous good file (or none), never a truncated one that looks finished.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError


@contextmanager
def atomic(path: Path):
    """Yield a temporary path to write; on success it replaces `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def writable_folder(folder: Path) -> None:
    """Refuse an output folder that cannot be written, before any work: a file of that name, or a
    folder (it, or the nearest that exists, to make it in) this user may not write to."""
    existing = next(p for p in (folder, *folder.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise InputError(f"--out {folder}: {existing} is a file, not a folder; name a folder for the outputs",
                         existing)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"--out {folder}: {existing} cannot be written to; name a folder you may write to",
                         existing)
