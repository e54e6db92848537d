"""Page labels (/PageLabels): a viewer's page box shows the folio printed on the page.

The cover leaf is 封一 and 封二 (its outside and inside); the front matter is
numbered in roman from the title page, as its folios are; the body in arabic
from the first chapter's opening. The page names come from the style sheet
(`page:` of the title page and the first chapter).
"""

import pydyf
from weasyprint import Document

TITLE_PAGE = "title"  # the @page name of the title page: the front matter's folios count from it
FIRST_CHAPTER = "first-chapter"  # the @page name of the first chapter: the body's folios count from it
COVER = ("封一", "封二")  # the cover's outside and inside


def page_labels(document: Document) -> list[tuple[int, dict]]:
    """(first page index, label entry) of each numbering range, in order."""
    # A blank page left so that the next one is a recto takes that page's name.
    names = [None if page._page_box.page_type.blank else page._page_box.page_type.name for page in document.pages]
    ranges = [(index, {"P": prefix}) for index, prefix in enumerate(COVER[:len(names)])]
    if TITLE_PAGE in names:
        ranges.append((names.index(TITLE_PAGE), {"S": "r"}))
    if FIRST_CHAPTER in names:
        ranges.append((names.index(FIRST_CHAPTER), {"S": "D"}))
    return ranges


def label(document: Document, pdf: pydyf.PDF) -> None:
    """A write_pdf finisher: the document's page labels in the PDF's catalog."""
    numbers = pydyf.Array()
    for index, entry in page_labels(document):
        numbers.extend([index, pydyf.Dictionary({key: pydyf.String(value) if key == "P" else "/" + value
                                                 for key, value in entry.items()})])
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": numbers})
