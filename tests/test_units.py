"""A book laid out by units (writers/pdf/units.py): the same book as laid out whole, made again from
what changed."""

import logging
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from cjkpress.build import build
from cjkpress.writers.pdf import layout
from conftest import ROOT, SEED, laid_out

MDBOOK = ROOT / "tests" / "mdbook"  # parts, a link from the preface into later chapters


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    def flat(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from flat(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item)
    return list(flat(reader.outline))


def links(reader: PdfReader) -> list[tuple[int, int]]:
    """(page, page it goes to) of every link within the book."""
    names = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or ():
            target = annotation.get_object().get("/Dest")
            if target in names:
                found.append((number, reader.get_destination_page_number(names[target])))
    return found


def facts(pdf: bytes, folder: Path) -> dict:
    path = folder / "book.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(path)
    return {"texts": [page.extract_text() for page in reader.pages], "outline": outline(reader),
            "labels": reader.page_labels, "links": links(reader),
            "tags": len(reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0]["/K"])}


@pytest.mark.parametrize("source", [SEED, MDBOOK], ids=["seed", "mdbook"])
def test_a_book_laid_out_by_chapters_is_the_book_laid_out_whole(source, tmp_path):
    by_units = layout(laid_out(source, tmp_path / "units"))
    job = laid_out(source, tmp_path / "whole")
    whole = layout(job, by_units=False)
    assert [page.name for page in by_units.pages] == [page.name for page in whole.pages]
    assembled, one = facts(by_units.pdf, tmp_path / "units"), facts(whole.pdf, tmp_path / "whole")
    assert assembled == one
    assert len(assembled["outline"]) > 5 and assembled["labels"][-1] != assembled["labels"][0]
    body = assembled["labels"].index("1")
    assert source == SEED or any(target > page + 1 for page, target in assembled["links"] if page >= body)  # into a later chapter
    if source == MDBOOK:  # a book without a date: the print edition's XMP dates are not the build's time
        assert b"<xmp:CreateDate>1970-01-01T00:00:00+00:00</xmp:CreateDate>" in whole.print_pdf()
    for a, b in ((by_units.pdf, whole.pdf), (by_units.print_pdf(), whole.print_pdf())):
        i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), None)
        assert a == b, (a[i - 300:i + 80], b[i - 300:i + 80])


class Renders(logging.Handler):
    """Counts the documents WeasyPrint lays out."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += record.getMessage().startswith("Step 1 ")


def laid_out_documents(build_again) -> int:
    """How many documents WeasyPrint lays out in `build_again()`."""
    progress, renders = logging.getLogger("weasyprint.progress"), Renders()
    progress.addHandler(renders)
    level = progress.level
    progress.setLevel(logging.INFO)
    try:
        build_again()
    finally:
        progress.removeHandler(renders)
        progress.setLevel(level)
    return renders.count


def test_after_an_edit_only_the_chapter_it_changed_is_laid_out_and_the_bytes_are_a_cold_builds(tmp_path):
    folder, out = tmp_path / "book", tmp_path / "out"
    shutil.copytree(SEED, folder)
    build(folder, out, ["pdf", "print"], jobs=2)
    source = folder / "source.txt"
    text = source.read_text(encoding="utf-8")
    assert text.count("中国司法的一张亮丽名片") == 1
    source.write_text(text.replace("中国司法的一张亮丽名片", "中国司法的一张名片"), encoding="utf-8")
    # The edited chapter, laid out again till it settles; no other unit, nor the front matter: its 目录
    # and 版权页 print the same.
    assert 1 <= laid_out_documents(lambda: build(folder, out, ["pdf", "print"], jobs=2)) <= 3
    edited = {name: (out / name).read_bytes() for name in ("book.pdf", "book-print.pdf")}
    assert laid_out_documents(lambda: build(folder, out, ["pdf", "print"], jobs=2)) == 0  # nothing changed
    cold = tmp_path / "cold"  # in one process: units drawn beside the layout are drawn the same
    build(folder, cold, ["pdf", "print"], jobs=1)
    for name, data in edited.items():
        assert data == (out / name).read_bytes() == (cold / name).read_bytes()
