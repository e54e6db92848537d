"""Readers: one module per input format, each turning its source into the document tree.

A reader module has three functions:

- `locate(path) -> Located | None`: whether `path` (a book folder or a file)
  is a book in its format, and then which files make it;
- `configure(located, encoding) -> Config`: its settings (book.yaml, or what
  stands for it in the format, as a Markdown file's front matter);
- `read(located, config, encoding) -> Manuscript`: the chapters, and what the
  text says of itself (title, date, issuer…), before the settings have their say.

and says with `MISSING_LETTERS` ("error" or "warning") whether a letter no
face can draw stops the book: a white paper is checked to the last
character; a Markdown or mdBook book from the web may quote any script.

`READERS` lists them in the order they are asked; the first to locate a book reads it.
"""

from . import markdown, mdbook, whitepaper
from .manuscript import Located, Manuscript

# mdBook first: a project may hold a book.yaml too; the white-paper reader takes any text file: it comes last.
READERS = (mdbook, markdown, whitepaper)
__all__ = ["READERS", "Located", "Manuscript"]
