"""Page labels (/PageLabels): a viewer's page box shows the folio printed on the page.

The cover leaf is 封一 and 封二 (its outside and inside); the front matter is
numbered in roman from the title page, as its folios are; the body in arabic
from the first chapter's opening. The page names come from the style sheet
(`page:` of the title page and the first chapter). An edition that leaves
pages out (the screen edition its blank pages, the print edition the cover)
labels the pages it keeps with the folios they have in the whole layout.
"""

from pikepdf import Dictionary, Name, String

TITLE_PAGE = "title"  # the @page name of the title page: the front matter's folios count from it
FIRST_CHAPTER = "first-chapter"  # the @page name of the first chapter: the body's folios count from it
COVER = ("封一", "封二")  # the cover's outside and inside

Folio = tuple[str, int | str]  # ("r", 3): roman iii; ("D", 1): arabic 1; ("P", "封一"): a name


def page_name(page) -> str | None:
    """A WeasyPrint page's @page name; None for a page left blank so that the next is a recto."""
    return None if page._page_box.page_type.blank else page._page_box.page_type.name


def folios(names: list[str | None]) -> list[Folio]:
    """The folio of each page of the whole layout (or of a unit of it without a title page: the cover
    leaf is before the title page), from their names (`page_name`). A blank page takes the folio it
    would have had."""
    title = names.index(TITLE_PAGE) if TITLE_PAGE in names else 0
    body = names.index(FIRST_CHAPTER) if FIRST_CHAPTER in names else len(names)
    return [("P", COVER[min(i, len(COVER) - 1)]) if i < title else ("r", i - title + 1) if i < body else ("D", i - body + 1)
            for i in range(len(names))]


def label_numbers(kept: list[Folio]) -> list:
    """The /PageLabels number tree's Nums for the pages an edition keeps, whose folios are `kept`."""
    numbers = []
    for index, (style, value) in enumerate(kept):
        before = kept[index - 1] if index else None
        if style == "P":
            numbers += [index, Dictionary(P=String(value))]
        elif not (before and before[0] == style and before[1] == value - 1):  # a new run of numbers
            entry = Dictionary(S=Name("/" + style))
            if value != 1:
                entry.St = value
            numbers += [index, entry]
    return numbers
