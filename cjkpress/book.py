"""A book on disk → its tree and its design: find the reader, read, merge book.yaml, check the fonts.

What the text says of itself (title, date, issuer) is the default; book.yaml
overrides it. Every character printed must be drawn by the face it is set
in, or by the design's fallback face (with a warning): anything else would be
drawn silently in some other font, or as a box.
"""

import logging
import re
import unicodedata
import uuid
from pathlib import Path

from . import config as config_module
from . import fonts
from .design import STYLE_KEYS, Design, texts
from .errors import InputError
from .readers import READERS, whitepaper
from .tree import Book, Metadata

log = logging.getLogger(__name__)


# A book's own settings file or white-paper text stands for its folder: `cjkpress build content/x/book.yaml`
# (or content/x/source.txt) builds the book, with its settings.
BOOK_FILES = ("book.yaml", "book.toml", whitepaper.SOURCE)


def book_path(path: Path) -> Path:
    """The book `path` names: its folder, when it is one of the folder's own files."""
    return path.parent if path.name in BOOK_FILES and path.is_file() else path


def locate(path: Path):
    """(the reader of the book at `path`, what it located there)."""
    path = book_path(path)
    reader, located = next(((r, found) for r in READERS if (found := r.locate(path))), (None, None))
    if located is None:
        if path.is_dir():
            raise InputError("no source.txt in the book folder; put the white paper's text there", path)
        raise InputError("no such book folder or text file", path)
    return reader, located


def settings(path: Path) -> tuple[str, config_module.Config]:
    """(the slug, the settings) of the book at `path`, without reading its text."""
    reader, located = locate(path)
    return located.slug, reader.configure(located, None)


def load(path: Path, encoding: str | None = None) -> tuple[Book, Design]:
    """The book at `path`; `encoding` names the text's encoding when it is not UTF-8 or UTF-16."""
    reader, located = locate(path)
    config = reader.configure(located, encoding)
    found = reader.read(located, config, encoding)
    for name in config.values.get("images_left_out", []):
        if name not in config.images_missing:
            log.warning("%s:%s: images_left_out lists %s, which no figure of the book misses; take it off the list",
                        config.path, config.line("images_left_out"), name)
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
        creator_role=found.issuer_role,
        edition=values.get("edition", ""),
        printing=values.get("printing", ""),
        isbn=values.get("isbn", ""),
        price=price_label(values.get("price", "")),
        cip=values.get("cip", "").strip(),
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
        section_heads_after=config.design["section_heads_after"],
        note_numbering=config.design["note_numbering"],
        signature=config.design["signature"],
        paper=config.paper(),
    )
    book = Book(located.slug, located.source, metadata, found.chapters, located.config, found.aliases, found.inputs,
                located.images)
    check_coverage(book, design, config, strict=reader.MISSING_LETTERS == "error")
    return book, design


def price_label(price: str) -> str:
    """定价 as a back cover prints it: a bare amount is in yuan, to the fen."""
    if re.fullmatch(r"\d+(\.\d+)?", price):
        return f"定价：{float(price):.2f}元"
    return price if not price or price.startswith("定价") else f"定价：{price}"


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
        path = chapter.source or book.source
        # (line, face, what becomes of them) → the characters: one warning a line, however many letters
        # of some other script it quotes.
        missing: dict[tuple[int, str, str], list[str]] = {}
        for text, line, style in texts(chapter):
            key = STYLE_KEYS[style]
            drawn = face(key, lambda: fonts.face(design, style))
            # Variation selectors and joiners draw nothing of their own.
            for char in sorted({c for c in text if not c.isspace() and unicodedata.category(c) != "Cf"
                                and not "\ufe00" <= c <= "\ufe0f"}, key=text.index):
                fate = fate_of(char, drawn, fallback, symbols, key, path, line, strict)
                chars = missing.setdefault((line, drawn.family, fate), []) if fate else []
                if fate and char not in chars:
                    chars.append(char)
        for (line, family, fate), chars in missing.items():
            log.warning("%s:%d: %s not in the font %s%s", path, line, named(chars), family, fate)


def named(chars: list[str]) -> str:
    listed = ", ".join(f"“{c}” (U+{ord(c):04X})" for c in chars)
    return f"character {listed} is" if len(chars) == 1 else f"characters {listed} are"


def fate_of(char: str, face: fonts.Face, fallback: fonts.Face | None, symbols: fonts.Face | None,
            key: str, path, line: int, strict: bool) -> str:
    """What becomes of a character its face lacks, for the warning: drawn by the fallback, or a symbol
    drawn by the symbol face ("": nothing to say), or else left to whatever font the system finds (an
    emoji is no reason to stop a book); or a mistake."""
    drawn_by = fonts.face_for(char, face, (fallback, symbols))
    if drawn_by is face or (drawn_by is symbols and unicodedata.category(char).startswith("S")):
        return ""
    if drawn_by is not None:
        return f"; drawn in the fallback font {drawn_by.family}"
    if unicodedata.category(char).startswith("S"):
        return ("; a symbol may print as a box: install fonts-noto-color-emoji, or name a font that has it "
                "in design.fallback_font")
    if not strict and (system := fonts.system_face(char)):
        return f", nor in any font of the design; drawn in {system.family}, which fontconfig finds"
    if not strict:
        return ", nor in any font installed; it may print as a box: install a font that has it"
    raise InputError(
        f"{named([char])} not in the font {face.family}; replace it, or choose a font that has it "
        f"(design.{key} in book.yaml), or name one for such characters (design.fallback_font)",
        path,
        line,
    )
