"""`cjkpress new DIR`: a book folder that builds as it is, with every book.yaml key shown and explained.

A Markdown book gets book.yaml and a sample chapter; a white paper gets
book.yaml and a source.txt skeleton in the published plain-text layout. The
files come from templates/new/; the folder appears whole or not at all.
"""

import datetime
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .config import DEFAULT_DESIGN, PAGE_SIZES, PAPERS
from .errors import InputError
from .progress import result

SKELETONS = Path(__file__).resolve().parent.parent / "templates" / "new"


def new(folder: Path, kind: str, today: datetime.date | None = None) -> list[Path]:
    """Make the book folder `folder` of `kind` ("markdown" or "whitepaper"); the files made."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError("is not an empty folder; name a new one (cjkpress new never writes over files)", folder)
    today = today or datetime.date.today()
    skeleton = sorted(p.name for p in (SKELETONS / kind).iterdir())  # the chapter, or source.txt
    values = {
        "title": folder.resolve().name, "issuer": "发布机关", "markdown": kind == "markdown", "chapters": skeleton,
        "month": f"{today:%Y-%m}", "year": today.year, "month_number": today.month, "design": DEFAULT_DESIGN,
        "page_sizes": "、".join(PAGE_SIZES), "papers": "、".join(PAPERS),
        # A new book's own identity, drawn once: the identifier must not change between its builds.
        "identifier": f"urn:uuid:{uuid.uuid4()}",
    }
    env = Environment(loader=FileSystemLoader(SKELETONS), undefined=StrictUndefined, keep_trailing_newline=True)
    files = {"book.yaml": env.get_template("book.yaml").render(values)}
    for name in skeleton:
        files[name] = env.get_template(f"{kind}/{name}").render(values)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        os.chmod(staging, 0o755)
        if folder.exists():
            folder.rmdir()  # empty, as checked
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    made = [folder / name for name in files]
    result(f"made {folder}/ ({', '.join(files)}); build it: cjkpress build {folder}, or watch it as you write: "
           f"cjkpress serve {folder}")
    return made
