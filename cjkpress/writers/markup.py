"""Tree → markup, through the Jinja2 templates in templates/: what every writer renders with.

Templates hold the markup and styles/ the design; writers hand them the tree,
the set lines and the few numbers that are computed (the page grid).
Autoescaping is on for every template: the text is data, never markup.
"""

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..design import TITLES, Design, grid
from ..tree import (Book, Box, Code, CodeBlock, Definitions, Emphasis, Figure, Image, LineBreak, Link, ListBlock,
                    Listing, NoteRef, Paragraph, Quote, Rule, Strikethrough, Strong, Styled, Subheading, Table, toc_heading)

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"
# The node types templates tell apart: `{% if b is paragraph %}`.
NODE_TESTS = {"paragraph": Paragraph, "figure": Figure, "subheading": Subheading, "box": Box, "list_block": ListBlock,
              "quote": Quote, "listing": Listing, "code_block": CodeBlock, "table": Table, "rule": Rule, "definitions": Definitions,
              "strong": Strong, "emphasis": Emphasis, "strikethrough": Strikethrough, "styled": Styled,
              "code": Code, "link": Link, "line_break": LineBreak, "image": Image, "note_ref": NoteRef}


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(c if c.isalnum() or c in " -_" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{escaped}"')


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["toc_heading"] = toc_heading
    for name, node_type in NODE_TESTS.items():
        env.tests[name] = lambda node, node_type=node_type: isinstance(node, node_type)
    return env


def stylesheet(*names: str) -> Markup:
    """Our own style sheets, trusted: inserted into <style> as they are."""
    return Markup("".join((STYLES / name).read_text(encoding="utf-8") for name in names))


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def link_urls(book: Book, document=lambda chapter_id: ""):
    """A template's `link_url(target)`: an external target as it is, an internal one ("#id") as the
    URL of `document(chapter id)` (the one-file book: "") and the id; None for an id the book lacks."""
    anchors = book.anchors()

    def link_url(target: str) -> str | None:
        if not target.startswith("#"):
            return target
        ident = book.aliases.get(target[1:], target[1:])
        chapter = anchors.get(ident)
        return None if chapter is None else f"{document(chapter)}#{ident}"

    return link_url


def part_openers(book: Book) -> set[str]:
    """The ids of the chapters that open a part (an mdBook SUMMARY's part title goes before them)."""
    chapters = book.chapters
    return {c.id for i, c in enumerate(chapters) if c.part and (i == 0 or chapters[i - 1].part != c.part)}


def book_wide(book: Book, design: Design) -> dict:
    """What any part of the one-file book reads of the whole book: its 目录, its anchors, its parts, the
    style sheets. Made once for the many units of a layout (writers/pdf/units.py)."""
    return dict(book=book, meta=book.metadata, toc=book.contents(), design=design, grid=grid(design),
                stylesheet=stylesheet("print.css", "screen.css"), link_url=link_urls(book), titles=TITLES,
                part_openers=part_openers(book))


def one_file_book(template: str, book: Book, design: Design, asset_url, imprint=None, long_chapters=frozenset(),
                  front: bool = True, chapters=None, start: int | None = None, closing: bool = False,
                  folios=None, wide: dict | None = None, **context) -> str:
    """The whole book as one HTML file (templates/book.html, filled in by `template`), or a unit of it.

    `asset_url(path)` turns a figure's local path into the URL written in the HTML; a printed book has
    its 版本记录 (`imprint`), the ids of the chapters whose sections are running heads, and the folios
    its 目录 prints (`folios`, by heading id). A unit of a printed book is its front matter (`front`)
    or `chapters`, whose pages count from `start`, `closing` where another unit follows it; `wide` is
    `book_wide` of the book, when made already.
    """
    return render(template, **(wide or book_wide(book, design)), asset_url=asset_url, imprint=imprint,
                  long_chapters=long_chapters, front=front, chapters=book.chapters if chapters is None else chapters,
                  start=start, closing=closing, folios=folios or {}, **context)
