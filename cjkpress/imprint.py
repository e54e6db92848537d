"""The 版本记录 of the 版权页 (GB/T 12450): 开本, 印张, 字数, 版次 and 印次.

印张 and 字数 count the pages of the finished layout, so the PDF writer
asks for them once it knows how many pages the book has.
"""

import math
from dataclasses import dataclass

from .design import Design, grid
from .tree import Metadata

# The full sheets books are cut from (mm): 正度 and 大度.
SHEETS = ((787, 1092), (889, 1194))


@dataclass(frozen=True)
class Imprint:
    size: str  # 开本: "185 mm × 260 mm，16开"
    sheets: str  # 印张: "1.75"
    characters: str  # 字数 (版面字数): "34千字"
    edition: str  # 版次: "2023年3月第1版"
    printing: str  # 印次: "2023年3月第1次印刷"


def folds(width: float, height: float) -> int:
    """The 开数 of a page size: the pages one side of a sheet makes, from the sheet that wastes least."""
    best = None
    for sheet_w, sheet_h in SHEETS:
        fit = sheet_w * sheet_h / (width * height)
        if fit < 1:
            continue
        count = 2 ** math.floor(math.log2(fit))
        waste = 1 - count / fit
        if best is None or waste < best[0]:
            best = (waste, count)
    return best[1] if best else 1


def imprint(meta: Metadata, design: Design, pages: int) -> Imprint:
    """The 版本记录 of a book of `pages` pages (the book block: from the title page on, in whole signatures)."""
    g = grid(design)
    n = folds(design.page_width, design.page_height)
    sheets = math.ceil(pages / n * 4) / 4  # to a quarter sheet, as printers count
    thousands = max(1, round(g.chars * g.lines * pages / 1000))
    return Imprint(
        size=f"{design.page_width:g} mm × {design.page_height:g} mm，{n}开",
        sheets=f"{sheets:g}",
        characters=f"{thousands}千字",
        edition=meta.edition or f"{meta.date_label}第1版",
        printing=meta.printing or f"{meta.date_label}第1次印刷",
    )


def spine_width(pages: int, design: Design) -> float:
    """The spine's width in mm: the book block's leaves (two pages each) on its paper, stacked."""
    return math.ceil(pages / 2) * design.paper
