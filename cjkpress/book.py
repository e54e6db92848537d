"""A book on disk → the tree: find the source and book.yaml, read, merge metadata.

A book is either a folder holding `source.txt` and `book.yaml` (and
`images/`), or a bare white-paper `.txt`, whose metadata then comes from its
own title block.
"""

import logging
import uuid
from pathlib import Path

from . import config as config_module
from . import fonts
from .errors import InputError
from .reader import RunInRule, read
from .tree import Book, Box, Design, Figure, Metadata, Paragraph, Subheading

log = logging.getLogger(__name__)

SOURCE = "source.txt"
CONFIG = "book.yaml"


def locate(path: Path) -> tuple[str, Path, Path | None]:
    """(slug, source text, book.yaml or None) for a book folder or a bare .txt."""
    if path.is_dir():
        source = path / SOURCE
        if not source.is_file():
            raise InputError(f"no {SOURCE} in the book folder; put the white paper's text there", path)
        yaml_path = path / CONFIG
        return path.resolve().name, source, yaml_path if yaml_path.is_file() else None
    if path.is_file():
        return path.stem, path, None
    raise InputError("no such book folder or text file", path)


def load(path: Path, encoding: str | None = None) -> Book:
    """The book at `path`; `encoding` names the text's encoding when it is not UTF-8 or UTF-16."""
    slug, source, yaml_path = locate(path)
    config = config_module.load(yaml_path)
    rule = RunInRule(
        max_length=config.run_in.get("max_length", RunInRule.max_length),
        include=tuple(config.run_in.get("include", ())),
        exclude=tuple(config.run_in.get("exclude", ())),
    )
    document = read(source.read_bytes(), source, source.parent / "images", rule, encoding, config.boxes)
    values = config.values
    title = values.get("title", document.title)
    date = values.get("date", document.date)
    creator = values.get("creator", document.issuer)
    metadata = Metadata(
        title=title,
        subtitle=values.get("subtitle", document.subtitle),
        date=date,
        date_label=document.date_label,
        creator=creator,
        publisher=values.get("publisher", creator),
        language=values.get("language", "zh-Hans"),
        # A bare text gets an identifier derived from what names it, so rebuilds agree.
        identifier=values.get("identifier", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, title + date)}"),
        description=values.get("description", ""),
        source_note=document.source_note,
        credit=document.credit,
    )
    width, height = config.page_size()
    design = Design(
        page_width=width,
        page_height=height,
        body_font=config.design["body_font"],
        heading_font=config.design["heading_font"],
        fallback_font=config.design["fallback_font"],
    )
    book = Book(slug, source, metadata, design, document.chapters)
    # A missing family, or a character the fonts lack, would otherwise be drawn
    # silently in some other font, or as a box.
    faces = {}
    for key, bold in (("body_font", False), ("heading_font", True), ("fallback_font", False)):
        try:
            faces[key] = fonts.find(config.design[key], bold=bold) if config.design[key] else None
        except InputError as err:
            raise InputError(err.message, config.path, config.line(f"design.{key}")) from None
    fallback = fonts.code_points(faces["fallback_font"]) if faces["fallback_font"] else ()
    for text, line, key in texts(book):
        drawn = fonts.code_points(faces[key])
        for char in sorted({c for c in text if not c.isspace() and ord(c) not in drawn}, key=text.index):
            where = f"character “{char}” (U+{ord(char):04X}) is not in the font {faces[key].family}"
            if ord(char) in fallback:
                log.warning("%s:%d: %s; it is drawn in the fallback font %s", source, line, where,
                            faces["fallback_font"].family)
                continue
            raise InputError(
                f"{where}; replace it, or choose a font that has it (design.{key} in book.yaml), "
                "or name one for such characters (design.fallback_font)",
                source,
                line,
            )
    return book


def texts(book: Book):
    """(text, source line, font key) of everything printed from the source."""
    for chapter in book.chapters:
        yield chapter.heading, chapter.line, "heading_font"
        yield from ((s.heading, s.line, "heading_font") for s in chapter.sections)
        for block in chapter.blocks_in_order():
            if isinstance(block, Paragraph):
                yield block.lead, block.line, "heading_font"
                yield block.rest, block.line, "body_font"
                yield from ((note.text, note.line, "body_font") for note in block.notes)
            elif isinstance(block, Subheading):
                yield block.heading, block.line, "heading_font"
            elif isinstance(block, Box):
                yield block.title, block.line, "heading_font"
            elif isinstance(block, Figure):
                yield block.caption, block.line, "heading_font"
