"""What a reader hands on: which files make the book, and what it found in them."""

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..tree import Chapter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Located:
    slug: str  # names the outputs
    source: Path  # the text read
    config: Path | None  # its book.yaml, if any
    images: Path  # the only folder figures are taken from


@dataclass
class Manuscript:
    """What a reader found in the source: the chapters, and the front matter it gives."""

    title: str
    date: str  # W3C date
    date_label: str  # as printed: "2023年3月"
    issuer: str
    subtitle: str = ""
    source_note: str = ""  # a news agency's lead-in, kept for the colophon
    credit: str = ""  # a closing credit such as （新华社北京3月16日电）
    issuer_role: str = "发布"  # what the colophon calls the issuer: 发布 for a white paper, 作者 for a book
    chapters: list[Chapter] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # see tree.Book
    inputs: list[Path] = field(default_factory=list)


def missing_image(config: Config | None, name: str, where: Path, line: int, message: str) -> None:
    """Warn that the image `name` a figure of `where` names is missing and its figure left out, unless
    book.yaml's `images_left_out` says the book knowingly goes without it."""
    if config is not None and name in config.values.get("images_left_out", ()):
        config.images_missing.add(name)
        log.info("%s:%d: image %s left out, as book.yaml says", where, line, name)
    else:
        log.warning("%s:%d: %s", where, line, message)
