"""Readers: one module per input format, each turning its source into the document tree.

A reader module has two functions:

- `locate(path) -> Located | None`: whether `path` (a book folder or a file)
  is a book in its format, and then which files make it;
- `read(located, config, encoding) -> Manuscript`: the chapters, and what the
  text says of itself (title, date, issuer…), before book.yaml has its say.

`READERS` lists them in the order they are asked; the first to locate a book reads it.
"""

from . import whitepaper
from .manuscript import Located, Manuscript


READERS = (whitepaper,)
__all__ = ["READERS", "Located", "Manuscript"]
