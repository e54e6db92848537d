"""Shared fixtures: the seed book, and each output built once per test run."""

import sys
from pathlib import Path

import pytest

from cjkpress.book import load
from cjkpress.typeset import set_paragraphs
from cjkpress.writers import Job, writer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "cyberspace-rule-of-law"
VARIANTS = ROOT / "tests" / "papers" / "variants.txt"  # a paper of the family showing what the seed does not
MANUAL = ROOT / "content" / "manual"  # the Markdown book
PT_PER_MM = 72 / 25.4
sys.path.insert(0, str(ROOT / "bench"))  # bench/papers.py makes longer papers for the tests too


def separation_lines(reader, page) -> list[tuple[str, float, list[float], list[float]]]:
    """(colourant, line width, start, end in mm) of every line a page strokes in a /Separation colour:
    what the press's marks are drawn in."""
    from pypdf.generic import ContentStream

    spaces = page["/Resources"]["/ColorSpace"]
    marks, colour, width, point = [], None, None, None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"CS":
            colour = spaces[operands[0]] if operands[0] in spaces else operands[0]
        elif operator == b"w":
            width = float(operands[0])
        elif operator == b"m":
            point = [float(v) / PT_PER_MM for v in operands]
        elif operator == b"l" and colour is not None and colour[0] == "/Separation":
            marks.append((colour[1], width, point, [float(v) / PT_PER_MM for v in operands]))
    return marks


def laid_out(path: Path, out: Path, boxes: bool = False) -> Job:
    """The book at `path` read, set and laid out, with its page map: what the pipeline has before it writes
    (with its units' boxes, as cjkpress serve keeps them, when `boxes`)."""
    book, design = load(path)
    job = Job(book, design, out, boxes=boxes)
    job.lines = set_paragraphs(book, design)
    job.page_map = writer("pdf").page_map(job)
    return job


def write(job: Job, fmt: str, target: Path | None = None) -> Path:
    """Write one format of `job` (to its usual place in job.out unless `target` is given)."""
    w = writer(fmt)
    target = target or w.target(job)
    w.write(job, target)
    return target


@pytest.fixture(scope="session")
def job(tmp_path_factory):
    return laid_out(SEED, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="session")
def book(job):
    return job.book


@pytest.fixture(scope="session")
def design(job):
    return job.design


@pytest.fixture(scope="session")
def layout(job):
    from cjkpress.writers.pdf import layout

    return layout(job)


@pytest.fixture(scope="session")
def page_map(job):
    return job.page_map


@pytest.fixture(scope="session")
def pdf_path(job):
    return write(job, "pdf")


@pytest.fixture(scope="session")
def epub_path(job):
    return write(job, "epub")


@pytest.fixture(scope="session")
def print_path(layout, tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "book-print.pdf"
    out.write_bytes(layout.print_pdf())
    return out


@pytest.fixture(scope="session")
def variants_job(tmp_path_factory):
    return laid_out(VARIANTS, tmp_path_factory.mktemp("variants"))


@pytest.fixture(scope="session")
def variants_pdf(variants_job):
    return write(variants_job, "pdf")


@pytest.fixture(scope="session")
def variants_epub(variants_job):
    return write(variants_job, "epub")


@pytest.fixture(scope="session")
def manual_job(tmp_path_factory):
    return laid_out(MANUAL, tmp_path_factory.mktemp("manual"))


@pytest.fixture(scope="session")
def manual_pdf(manual_job):
    return write(manual_job, "pdf")


def figure_book(folder: Path, caption: str = "") -> Path:
    """A small book whose chapter shows one image (chart.png), with `caption` as its 图 line if given."""
    from PIL import Image

    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (40, 30), "red").save(folder / "images" / "chart.png")
    caption_line = f"{caption}\n" if caption else ""
    (folder / "source.txt").write_text(
        "测试白皮书\n（2023年3月）\n测试机构\n目录\n前言\n一、图表\n"
        f"前言\n这是前言。\n一、图表\n[image: https://example.org/a/chart.png]\n{caption_line}图表之后的段落。\n",
        encoding="utf-8",
    )
    return folder
