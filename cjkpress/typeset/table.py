"""Tables for print: the columns' widths found here, so that each cell's lines can be set like a paragraph's.

A column asks for what its widest cell needs on one line. If every column
gets that, the spare width is shared out in proportion; if not, columns
that need less than an equal share keep what they need and the rest share
what is left in proportion to their needs, never below their widest stretch
that cannot break. Widths are in em of the table's type (the note size),
each column with PADDING em around its text (print.css).
"""

import math
from dataclasses import dataclass

from ..tree import Table
from .setter import Segment, Setter

PADDING = 1.0  # em: half an em either side of a cell's text


@dataclass(frozen=True)
class SetTable:
    columns: tuple[float, ...]  # em of the table's type, padding included; they add up to the measure
    header: list[list[list[list[Segment]]]]  # per cell: its pieces, as a paragraph's
    rows: list[list[list[list[list[Segment]]]]]
    whole: bool = False  # short enough to be kept on one page

    @property
    def height(self) -> int:
        """Lines the table takes: its header's and rows' tallest cells'."""
        return sum(max((sum(len(piece) for piece in cell) for cell in row), default=1)
                   for row in ([self.header] if self.header else []) + self.rows)


def column_widths(needs: list[float], floors: list[float], measure: float) -> list[float]:
    """Text widths for columns that need `needs` em on one line and at least `floors` em, in `measure` em."""
    if sum(needs) <= measure:
        spare = measure - sum(needs)
        total = sum(needs) or 1.0
        return [n + spare * n / total if sum(needs) else measure / len(needs) for n in needs]
    widths = [0.0] * len(needs)
    left, open_ = measure, set(range(len(needs)))
    while open_:
        share = left / len(open_)
        narrow = {j for j in open_ if needs[j] <= share}
        if not narrow:
            break
        for j in narrow:
            widths[j] = needs[j]
            left -= needs[j]
        open_ -= narrow
    total = sum(needs[j] for j in open_)
    for j in open_:
        widths[j] = max(floors[j], left * needs[j] / total)
    return widths


def set_table(table: Table, plain: Setter, strong: Setter, measure: float) -> SetTable:
    """`table` set in `measure` em of its type: `plain` sets the body cells, `strong` the header's."""
    count = max(len(row) for row in (table.header, *table.rows))
    cells = [(strong, table.header)] * bool(table.header) + [(plain, row) for row in table.rows]
    needs, floors = [0.0] * count, [0.0] * count
    for setter, row in cells:
        for j, cell in enumerate(row):
            need, floor = setter.widths(cell)
            needs[j], floors[j] = max(needs[j], need), max(floors[j], floor)
    widths = column_widths(needs, floors, measure - PADDING * count)

    def set_row(setter: Setter, row) -> list:
        result = []
        for j, cell in enumerate(row):
            setter.measure = widths[j]
            result.append(setter.pieces(cell))
        return result

    # Rounded down: columns a hair too wide would widen the table past the measure.
    return SetTable(tuple(math.floor((w + PADDING) * 1e4) / 1e4 for w in widths),
                    set_row(strong, table.header) if table.header else [],
                    [set_row(plain, row) for row in table.rows])
