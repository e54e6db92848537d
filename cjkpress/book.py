"""A book on disk → its tree and its design: find the reader, read, merge book.yaml, check the fonts.

What the text says of itself (title, date, issuer) is the default; book.yaml
overrides it. Every character printed must be drawn by the face it is set
in, or by the design's fallback face (with a warning): anything else would be
drawn silently in some other font, or as a box.
"""

import logging
import unicodedata
import uuid
from pathlib import Path

from . import config as config_module
from . import fonts
from .design import STYLE_KEYS, Design, texts
from .errors import InputError
from .readers import READERS
from .tree import Book, Metadata

log = logging.getLogger(__name__)


def load(path: Path, encoding: str | None = None) -> tuple[Book, Design]:
    """The book at `path`; `encoding` names the text's encoding when it is not UTF-8 or UTF-16."""
    reader, located = next(((r, found) for r in READERS if (found := r.locate(path))), (None, None))
    if located is None:
        if path.is_dir():
            raise InputError("no source.txt in the book folder; put the white paper's text there", path)
        raise InputError("no such book folder or text file", path)
    config = reader.configure(located, encoding)
    found = reader.read(located, config, encoding)
    values = config.values
    title = values.get("title", found.title)
    date = values.get("date", found.date)
    creator = values.get("creator", found.issuer)
    metadata = Metadata(
        title=title,
        subtitle=values.get("subtitle", found.subtitle),
        date=date,
        date_label=found.date_label,
        creator=creator,
        publisher=values.get("publisher", creator),
        language=values.get("language", "zh-Hans"),
        # A bare text gets an identifier derived from what names it, so rebuilds agree.
        identifier=values.get("identifier", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, title + date)}"),
        description=values.get("description", ""),
        source_note=found.source_note,
        credit=found.credit,
    )
    width, height = config.page_size()
    design = Design(
        page_width=width,
        page_height=height,
        body_font=config.design["body_font"],
        heading_font=config.design["heading_font"],
        fallback_font=config.design["fallback_font"],
        emphasis_font=config.design["emphasis_font"],
        code_font=config.design["code_font"],
        toc_depth=config.design["toc_depth"],
        running_heads=config.design["running_heads"],
    )
    book = Book(located.slug, located.source, metadata, found.chapters, located.config, found.aliases, found.inputs,
                located.images)
    check_coverage(book, design, config, strict=reader.MISSING_LETTERS == "error")
    return book, design


def check_coverage(book: Book, design: Design, config: config_module.Config, strict: bool) -> None:
    """Every printed character has a face to draw it: its own, or the fallback (warned of)."""
    faces = {}

    def face(key, find):
        if key not in faces:
            try:
                faces[key] = find()
            except InputError as err:
                raise InputError(err.message, config.path, config.line(f"design.{key}")) from None
        return faces[key]

    fallback = face("fallback_font", lambda: fonts.fallback(design))
    symbols = fonts.symbols()
    for chapter in book.chapters:
        for text, line, style in texts(chapter):
            key = STYLE_KEYS[style]
            drawn = face(key, lambda: fonts.face(design, style))
            # Variation selectors and joiners draw nothing of their own.
            for char in sorted({c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"
                                and not "\ufe00" <= c <= "\ufe0f"}, key=text.index):
                check_character(char, drawn, fallback, symbols, key, chapter.source or book.source, line, strict)


def check_character(char: str, face: fonts.Face, fallback: fonts.Face | None, symbols: fonts.Face | None,
                    key: str, path, line: int, strict: bool) -> None:
    """A character its face lacks: drawn by the fallback (a warning), or a symbol drawn by the symbol
    face, or else left to whatever font the system finds (a warning: an emoji is no reason to stop a
    book), or a mistake."""
    drawn_by = fonts.face_for(char, face, (fallback, symbols))
    if drawn_by is face or (drawn_by is symbols and unicodedata.category(char).startswith("S")):
        return
    where = f"character “{char}” (U+{ord(char):04X}) is not in the font {face.family}"
    if drawn_by is not None:
        log.warning("%s:%d: %s; it is drawn in the fallback font %s", path, line, where, drawn_by.family)
    elif unicodedata.category(char).startswith("S"):
        log.warning("%s:%d: %s; the symbol may print as a box: install fonts-noto-color-emoji, or name a "
                    "font that has it in design.fallback_font", path, line, where)
    elif not strict and (system := fonts.system_face(char)):
        log.warning("%s:%d: %s, nor in any font of the design; it is drawn in %s, which fontconfig finds",
                    path, line, where, system.family)
    elif not strict:
        log.warning("%s:%d: %s, nor in any font installed; it may print as a box: install a font that has it",
                    path, line, where)
    else:
        raise InputError(
            f"{where}; replace it, or choose a font that has it (design.{key} in book.yaml), "
            "or name one for such characters (design.fallback_font)",
            path,
            line,
        )
