"""Shared fixtures: the seed book, and each output built once per test run."""

import sys
from pathlib import Path

import pytest

from cjkpress.book import load

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "cyberspace-rule-of-law"
sys.path.insert(0, str(ROOT / "bench"))  # bench/papers.py makes longer papers for the tests too


@pytest.fixture(scope="session")
def book():
    return load(SEED)


@pytest.fixture(scope="session")
def layout(book):
    from cjkpress.pdf import layout

    return layout(book)


@pytest.fixture(scope="session")
def pdf_path(book, layout, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / f"{book.slug}.pdf"
    layout.write(out)
    return out


@pytest.fixture(scope="session")
def epub_path(book, layout, tmp_path_factory):
    from cjkpress.epub import write_epub

    out = tmp_path_factory.mktemp("epub") / f"{book.slug}.epub"
    write_epub(book, out, layout)
    return out


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
