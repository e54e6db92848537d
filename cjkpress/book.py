"""A book on disk → the tree: find the source and book.yaml, read, merge metadata.

A book is either a folder holding `source.txt` and `book.yaml` (and
`images/`), or a bare white-paper `.txt`, whose metadata then comes from its
own title block.
"""

import uuid
from pathlib import Path

from . import config as config_module
from . import fonts
from .errors import InputError
from .reader import RunInRule, read
from .tree import Book, Design, Metadata

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


def load(path: Path) -> Book:
    slug, source, yaml_path = locate(path)
    config = config_module.load(yaml_path)
    rule = RunInRule(
        max_length=config.run_in.get("max_length", RunInRule.max_length),
        include=tuple(config.run_in.get("include", ())),
        exclude=tuple(config.run_in.get("exclude", ())),
    )
    document = read(source.read_bytes(), source, source.parent / "images", rule)
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
    )
    # A missing family would otherwise be replaced silently by another font.
    for key, bold in (("body_font", False), ("heading_font", True)):
        try:
            fonts.find(config.design[key], bold=bold)
        except InputError as err:
            raise InputError(err.message, config.path, config.line(f"design.{key}")) from None
    return Book(slug, source, metadata, design, document.chapters)
