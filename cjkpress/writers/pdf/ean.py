"""An ISBN's EAN-13 symbol (ISO/IEC 15420), as the back cover prints it: its bars encoded by python-barcode.

The symbol is drawn at 80 % of its nominal size, as Chinese books print it:
modules of 0.264 mm, bars 18.28 mm high, the guard bars 5 modules longer,
the quiet zones (11 modules left, 7 right) kept clear.
"""

import re
from dataclasses import dataclass

from barcode import EAN13

MODULE = 0.33 * 0.8  # mm
HEIGHT = 22.85 * 0.8  # mm: the bars, less the guards' extension
GUARD_EXTENSION = 5  # modules
QUIET = (11, 7)  # modules left and right
GUARDS = {0, 2, 46, 48, 92, 94}  # where the start, centre and end guard bars begin


@dataclass(frozen=True)
class Symbol:
    digits: str  # the 13 digits the human-readable line prints
    bars: tuple[tuple[int, int, bool], ...]  # (first module, modules wide, a guard bar)
    modules: int  # the symbol's width, quiet zones aside


def digits(isbn: str) -> str:
    return re.sub(r"^ISBN\s*|[-\s]", "", isbn)


def symbol(isbn: str) -> Symbol:
    """The bars of `isbn` (already checked by config.isbn_ok)."""
    pattern = EAN13(digits(isbn)).build()[0]
    bars = tuple((m.start(), len(m.group()), m.start() in GUARDS) for m in re.finditer("1+", pattern))
    return Symbol(digits(isbn), bars, len(pattern))
