"""Outputs appear whole or not at all.

Each output is written to a temporary file beside its final name and renamed
over it only when complete, so an interrupted or failed build leaves the
previous good file (or none), never a truncated one that looks finished.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


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
