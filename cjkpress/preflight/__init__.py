"""Preflight: the clreq rules for horizontal Simplified Chinese, checked on a finished PDF.

`check(pdf)` reads nothing but the PDF's glyphs (pdfplumber: text, font, size,
position) and its outline and fonts (pypdf); it knows nothing of the source
text, so it judges any PDF the way a reader would see it. `run(paths)` is
the command: it prints one report per PDF and returns the exit status.

`glyphs` reads the glyphs into lines and finds the body text, `rules` holds
the rules, `report` the places found and how they are printed.
"""

import sys
from pathlib import Path

from pdfplumber.utils.exceptions import PdfminerException
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .glyphs import CheckError, read, smaller
from .report import Report
from .rules import CHECKS, LINE_CHECKS, MAX_SPREAD, RULES, spacing, spreads, unembedded_fonts

__all__ = ["ACCEPTED_KEY", "RULES", "CheckError", "Report", "check", "run"]

# The document-information key in which cjkpress's build names the body pages (their folios) where it left
# a widow or an orphan rather than a page short (writers/pdf writes it).
ACCEPTED_KEY = "/CjkpressAcceptedLoneLines"


def accepted_pages(reader: PdfReader) -> set[int]:
    """The pages (1-based) on which the build says it left a line alone: by their page labels."""
    try:
        folios = str((reader.trailer.get("/Info") or {}).get(ACCEPTED_KEY, "")).split()
        labels = reader.page_labels
    except (KeyError, ValueError, TypeError, PyPdfError):
        return set()
    return {number for number, label in enumerate(labels, 1) if label in folios}


def check(pdf_path, max_spread: float = MAX_SPREAD) -> Report:
    """Check one PDF against every rule, its justified lines spread `max_spread` em at most; raises
    CheckError if it cannot be read."""
    pdf_path = Path(pdf_path)
    try:
        reader = PdfReader(pdf_path)
        pages = read(pdf_path, reader)
        font_places = list(unembedded_fonts(reader))
    except (PdfminerException, PyPdfError) as err:
        raise CheckError(f"not a readable PDF ({err})") from err
    smaller_places = [p for text in smaller(pages) for c in LINE_CHECKS for p in c(text)]
    places = {rule: [] for rule in RULES}
    spread_places = list(spacing(pages, max_spread))
    accepted = accepted_pages(reader)
    for rule, where in [p for c in CHECKS for p in c(pages)] + spread_places + smaller_places + font_places:
        if rule in ("widow", "orphan") and where.page in accepted:
            rule = "accepted-lone-line"
        places[rule].append(where)
    return Report(str(pdf_path), pages.em, pages.measure, pages.first_body, places, spreads(pages), max_spread)


def run(paths, out=None) -> int:
    """The `cjkpress check` command: a report per (PDF, the spread it allows) of `paths` on `out`
    (stdout); 0 if all pass, else 1."""
    status = 0
    for path, max_spread in paths:
        try:
            report = check(path, max_spread)
        except (CheckError, OSError) as err:
            print(f"{path}: cannot check: {err}", file=sys.stderr)
            status = 1
            continue
        print(report.format(), file=out or sys.stdout)
        status = status or int(not report.ok)
    return status
