"""Reader: mdBook and GitBook projects, as they are on the web, → the document tree.

An mdBook project is a folder with `book.toml` (`[book]`: title, authors,
language, description, `src`; the other tables are for mdBook's back ends
and are ignored) and `src/SUMMARY.md`. A GitBook project has `SUMMARY.md`
at its root, or in the folder `book.json`'s `root` names, and `README.md` as
its introduction. A `book.yaml` beside them adds cjkpress's own keys (design,
publisher, identifier…) and wins over book.toml.

SUMMARY.md gives the chapters in order (summary.py); each file is read as
Markdown (markdown.py) after mdBook's preprocessing (include.py), a
sub-chapter's headings one level down: its `#` is a section of the chapter
before it. Rustdoc's hidden lines are left out of Rust code.
"""

import json
import logging
import re
import tomllib
from pathlib import Path

from .. import config as config_module
from ..config import Config
from ..errors import InputError
from .include import preprocess
from .manuscript import Located, Manuscript
from .markdown import BookReader
from .summary import Entry, entries
from .text import decode

log = logging.getLogger(__name__)
MISSING_LETTERS = "warning"  # see readers/__init__.py

TOML = "book.toml"
GITBOOK = "book.json"
SUMMARY = "SUMMARY.md"
CONFIG = "book.yaml"
FALLBACK_FONT = "DejaVu Sans"  # fonts-dejavu-core: Latin, Greek, Cyrillic, symbols# mdBook's language codes for Chinese → BCP 47 with the script, as the EPUB and the PDF name it.
LANGUAGES = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hans": "zh-Hans",
             "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant", "zh-hant": "zh-Hant"}


def locate(path: Path) -> Located | None:
    """A folder with book.toml (mdBook), or with SUMMARY.md at its root or book.json's root (GitBook)."""
    if not path.is_dir():
        return None
    config = path / CONFIG if (path / CONFIG).is_file() else None
    if (path / TOML).is_file():
        source = path / str(book_table(path / TOML).get("src", "src"))
        if not (source / SUMMARY).is_file():
            raise InputError(f"book.toml names the source folder “{source.name}”, which has no {SUMMARY}; "
                             "write one (mdBook's list of chapters)", path / TOML)
        return Located(path.resolve().name, source / SUMMARY, config, path)
    root = path / gitbook_root(path / GITBOOK) if (path / GITBOOK).is_file() else path
    if (root / SUMMARY).is_file():
        return Located(path.resolve().name, root / SUMMARY, config, path)
    return None


def book_table(toml: Path) -> dict:
    """book.toml's [book] table."""
    try:
        values = tomllib.loads(decode(toml.read_bytes(), toml))
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"line (\d+)", str(err))
        raise InputError(f"not valid TOML: {err}", toml, int(where.group(1)) if where else None) from None
    book = values.get("book", {})
    return book if isinstance(book, dict) else {}


def gitbook_values(path: Path) -> dict:
    """book.json's settings (title, author, language, root…)."""
    try:
        values = json.loads(decode(path.read_bytes(), path))
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON: {err.msg}", path, err.lineno) from None
    return values if isinstance(values, dict) else {}


def gitbook_root(path: Path) -> str:
    return str(gitbook_values(path).get("root", "."))


def configure(located: Located, encoding: str | None = None) -> Config:
    """book.yaml if there is one, with what book.toml's [book] (or book.json) says where book.yaml is silent."""
    config = config_module.load(located.config)
    toml, gitbook = located.images / TOML, located.images / GITBOOK
    book = book_table(toml) if toml.is_file() else gitbook_values(gitbook) if gitbook.is_file() else {}
    authors = book.get("authors", book.get("author", []))
    found = {"title": book.get("title"), "description": book.get("description"),
             "creator": "、".join(authors) if isinstance(authors, list) else str(authors),
             "language": LANGUAGES.get(str(book.get("language", "")).lower(), book.get("language"))}
    for key, value in found.items():
        if value and isinstance(value, str):
            config.values.setdefault(key, value)
    # Books of the web quote every script: what the CJK faces lack is drawn, with a warning, not refused.
    # They number their chapters as mdBook does (GitBook does not), and have sections worth a running head.
    defaults = {"fallback_font": FALLBACK_FONT, "chapter_numbers": (located.images / TOML).is_file(),
                "running_heads": "chapter"}
    for key, value in defaults.items():
        if f"design.{key}" not in config.lines:
            config.design[key] = value
    return config


def read(located: Located, config: Config, encoding: str | None = None) -> Manuscript:
    project = located.images
    listed = [e for e in book_entries(located, encoding) if usable(e, located)]
    files = [e.path.resolve() for e in listed]
    book = BookReader(located, config, single=False, rustdoc=True, chapter_files=set(files))
    inputs = [project / TOML] if (project / TOML).is_file() else []
    seen = set()
    for entry, file in zip(listed, files):
        if file in seen:
            log.warning("%s:%d: %s is listed twice; it is printed once", located.source, entry.line, entry.path.name)
            continue
        seen.add(file)
        text = decode(entry.path.read_bytes(), entry.path, encoding)
        done = preprocess(text, entry.path, project, encoding)
        number = chapter_number(entry.number) if config.design["chapter_numbers"] else ""
        book.read_text(entry.path, done.text, done.lines, entry.depth, entry.title, entry.part, number)
        inputs += done.files
    manuscript = book.finish()
    manuscript.inputs = sorted(set(inputs))
    return manuscript


def chapter_number(number: tuple[int, ...]) -> str:
    """How a Chinese book prints mdBook's numbers: 第3章 for a chapter, 3.1 for a sub-chapter."""
    if not number:
        return ""
    return f"第{number[0]}章\u3000" if len(number) == 1 else ".".join(map(str, number)) + "\u3000"


def book_entries(located: Located, encoding: str | None) -> list[Entry]:
    """SUMMARY's entries; for GitBook, README.md first when SUMMARY does not list it."""
    found = entries(located.source, encoding)
    readme = located.source.parent / "README.md"
    gitbook = not (located.images / TOML).is_file()
    if gitbook and readme.is_file() and all(e.path is None or e.path.resolve() != readme.resolve() for e in found):
        found.insert(0, Entry("", readme, 0, False, "", 1))
    return found


def usable(entry: Entry, located: Located) -> bool:
    """Whether the entry has a file to read: a draft is left out with a word; a missing file is a mistake."""
    if entry.path is None:
        log.warning("%s:%d: draft chapter “%s” (no file) left out", located.source, entry.line, entry.title)
        return False
    if not entry.path.resolve().is_relative_to(located.images.resolve()):
        raise InputError(f"{SUMMARY} names “{entry.path}”, outside the project folder; keep chapters inside it",
                         located.source, entry.line)
    if not entry.path.is_file():
        raise InputError(f"{SUMMARY} names “{entry.path.relative_to(located.source.parent)}”, which does not "
                         "exist; correct the link or write the file", located.source, entry.line)
    return True
