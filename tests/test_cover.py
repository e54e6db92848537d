"""The cover spread (build/<book>-cover.pdf), read back from the PDF: its sheet, marks, spine, back and front."""

import math
import shutil
import subprocess
from dataclasses import replace
from functools import cache

import pdfplumber
import pytest
from pypdf import PdfReader

from cjkpress import fonts
from cjkpress.book import load
from cjkpress.typeset import Shaper
from cjkpress.errors import InputError
from conftest import PT_PER_MM, SEED, separation_lines, write

ISBN = "978-7-115-54608-1"
BLEED = 3  # mm


def cover_of(job, tmp_path_factory, paper: float, **metadata):
    """The cover spread of a laid-out book on `paper` (mm a leaf), with more metadata: the same layout."""
    changed = replace(job, design=replace(job.design, paper=paper),
                      book=replace(job.book, metadata=replace(job.book.metadata, **metadata)))
    return changed, write(changed, "cover", tmp_path_factory.mktemp("cover") / "cover.pdf")


@pytest.fixture(scope="session")
def seed_cover(job, tmp_path_factory):
    """The seed on a thick paper, so that its spine carries the title, with an ISBN and a price."""
    return cover_of(job, tmp_path_factory, 0.6, isbn=ISBN, price="定价：38.00元")


@pytest.fixture(scope="session")
def manual_cover(manual_job, tmp_path_factory):
    """The manual (a title with Latin in it) on a thick paper, no ISBN."""
    return cover_of(manual_job, tmp_path_factory, 0.5)


def mm(box) -> list[float]:
    return [float(v) / PT_PER_MM for v in box]


def in_spine(page, job):
    """The characters on the spine (pdfplumber's page)."""
    x = page.trimbox[0]
    left, right = job.design.page_width * PT_PER_MM, (job.design.page_width + spine(job)) * PT_PER_MM
    return [c for c in page.chars if left <= (c["x0"] + c["x1"]) / 2 - x <= right]


@cache
def spine(job) -> float:
    """The spine from the print edition as built: its pages, two a leaf, on the job's paper (built once a job)."""
    return math.ceil(len(PdfReader(write(job, "print")).pages) / 2) * job.design.paper


def test_the_sheet_is_two_covers_and_the_spine_with_bleed_and_marks(seed_cover):
    job, path = seed_cover
    reader = PdfReader(path)
    (page,) = reader.pages
    width = 2 * job.design.page_width + spine(job)
    assert mm(page["/TrimBox"]) == pytest.approx([0, 0, width, job.design.page_height], abs=0.1)
    assert mm(page["/BleedBox"]) == pytest.approx([-BLEED, -BLEED, width + BLEED, job.design.page_height + BLEED],
                                                  abs=0.1)
    media = mm(page.mediabox)
    assert media[0] < -BLEED - 5 and media[2] > width + BLEED + 5  # a slug round the bleed
    marks = separation_lines(reader, page)
    assert {(name, line_width) for name, line_width, _, _ in marks} == {("/All", 0.25)}
    # Crop marks at the corners, and fold marks above and below each edge of the spine, all outside the bleed.
    folds = sorted(x0 for _, _, (x0, y0), (x1, y1) in marks if x0 == x1 and 1 < x0 < width - 1)
    assert folds == pytest.approx(sorted([job.design.page_width] * 2 + [width - job.design.page_width] * 2), abs=0.01)
    assert len(marks) == 8 + 4
    for _, _, start, end in marks:
        for x, y in (start, end):
            assert max(-x, x - width, -y, y - job.design.page_height) >= BLEED


def test_the_cover_is_pdf_x4_in_cmyk(seed_cover):
    _, path = seed_cover
    reader = PdfReader(path)
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/DestOutputProfile"].get_object()["/N"] == 4
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in reader.xmp_metadata.rdf_root.toxml()
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        colours = {tuple(c["non_stroking_color"] or ()) for c in page.chars} | {
            tuple(r.get("non_stroking_color") or ()) for r in page.rects}
    assert len(colours) > 1 and all(len(colour) == 4 for colour in colours if colour)
    # The design's colours in the inks print-edition.css gives them: black text, the accent's red rule.
    assert {(0, 0, 0, 1), (0, 0.83, 0.83, 0.35)} <= {tuple(round(v, 4) for v in colour) for colour in colours}


def test_the_front_is_the_books_cover_page(seed_cover, pdf_path):
    """Every glyph of the screen edition's cover page, at the same place on the front panel."""
    job, path = seed_cover
    offset = (job.design.page_width + spine(job)) * PT_PER_MM
    with pdfplumber.open(pdf_path) as book, pdfplumber.open(path) as cover:
        page = [(c["text"], round(c["x0"], 1), round(c["top"], 1), c["fontname"]) for c in book.pages[0].chars]
        x, y = cover.pages[0].trimbox[:2]  # pdfplumber's top-down coordinates of the trim's corner
        front = [(c["text"], round(c["x0"] - x - offset, 1), round(c["top"] - y, 1), c["fontname"])
                 for c in cover.pages[0].chars if c["x0"] - x >= offset]
    assert page and front == page


def test_the_spine_sets_the_title_down_it(seed_cover, manual_cover):
    """Han characters upright, one under another on the spine's axis; Latin turned, reading downwards;
    the title first, the publisher below it."""
    for job, path in (seed_cover, manual_cover):
        meta = job.book.metadata
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[0]
            chars = sorted(in_spine(page, job), key=lambda c: c["top"])
            x = page.trimbox[0]
        text = "".join(c["text"] for c in chars).replace(" ", "")
        assert text == (meta.title + meta.publisher).replace(" ", "")
        axis = (job.design.page_width + spine(job) / 2) * PT_PER_MM
        han = [c for c in chars if c["upright"]]
        latin = [c for c in chars if not c["upright"]]
        assert han and all(abs((c["x0"] + c["x1"]) / 2 - x - axis) < 0.5 for c in han)
        assert all(b["top"] >= a["bottom"] - 0.5 for a, b in zip(han, han[1:]))  # one under another
        if any(c.isascii() and c.isalpha() for c in meta.title):
            # A turned run's em box on the axis as the Han's: its baseline (the glyph origin, which the
            # text matrix gives) half an em, less the face's ideographic bottom, left of the axis.
            to_page = han[0]["matrix"][4] - han[0]["x0"]  # from the text matrix to pdfplumber's x
            em_middle = 0.5 + ideographic_bottom(job)
            assert latin and all(c["matrix"][1] < 0 for c in latin)  # turned clockwise: reads downwards
            # (pdfplumber's box of a turned glyph is an em wide: x1 - x0 is its size)
            assert all(c["matrix"][4] - to_page - x + em_middle * (c["x1"] - c["x0"]) == pytest.approx(axis, abs=0.1)
                       for c in latin)


def ideographic_bottom(job) -> float:
    """Where the heading face's em box begins under the baseline, in em (negative): its BASE table's."""
    face = fonts.face(job.design, "strong")
    font = Shaper.font(face)
    return font.get_layout_baseline("ideo", "ltr", "hani", "ZHS ") / font.face.upem


def test_a_thin_spine_is_left_blank(job, tmp_path_factory):
    """70 g 胶版纸: a book of a few leaves has a spine under 5 mm, too thin to print on."""
    thin, path = cover_of(job, tmp_path_factory, 0.09)
    assert spine(thin) < 5
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        assert not in_spine(page, thin)


def test_the_back_has_the_description_the_isbn_and_the_price(seed_cover, tmp_path):
    """The EAN-13 symbol, read back from the pixels by zbar, is the ISBN; over it the ISBN, under it the price."""
    job, path = seed_cover
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        back = "".join(c["text"] for c in page.chars if c["x1"] - page.trimbox[0] <= job.design.page_width * PT_PER_MM)
    assert "".join(job.book.metadata.description.split()) in back
    assert f"ISBN {ISBN}" in back and "定价：38.00元" in back and "9787115546081" in back
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(path), str(tmp_path / "cover")], check=True)
    found = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "cover.png")], capture_output=True,
                           text=True, check=True).stdout.split()
    assert found == ["9787115546081"]


def test_the_cover_is_reproducible(seed_cover, tmp_path):
    job, path = seed_cover
    assert write(job, "cover", tmp_path / "again.pdf").read_bytes() == path.read_bytes()


@pytest.mark.parametrize("paper, leaf", [("70 g/m² 胶版纸", 0.09), ("80g轻型纸", 0.14), ("0.12", 0.12)])
def test_a_paper_by_its_name_or_its_leaf(tmp_path, paper, leaf):
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text(f"design:\n  paper: {paper}\nprice: 38\n", encoding="utf-8")
    book, design = load(folder)
    assert design.paper == leaf and book.metadata.price == "定价：38.00元"


@pytest.mark.parametrize("paper", ["宣纸", "3"])
def test_a_bad_paper_is_an_error_with_its_line(tmp_path, paper):
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text(f"title: 书\ndesign:\n  paper: {paper}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(folder)
    assert str(err.value).startswith(f"{folder / 'book.yaml'}:3: unknown paper “{paper}”")
