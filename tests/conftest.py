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
