"""`cjkpress new`: a book folder that builds as it is and passes the preflight, its book.yaml naming every key."""

import re
import subprocess
import sys

import pytest

from cjkpress import config
from conftest import ROOT


def cjkpress(*args):
    return subprocess.run([sys.executable, "-m", "cjkpress", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Both kinds of new book, built (screen PDF and EPUB) and checked."""
    root = tmp_path_factory.mktemp("new")
    books = {}
    for kind in ("markdown", "whitepaper"):
        folder = root / f"{kind}-book"
        run = cjkpress("new", folder, f"--{kind}", "-v")
        assert run.returncode == 0, run.stderr
        assert f"cjkpress serve {folder}" in run.stderr  # says what to do next
        build = cjkpress("build", folder, "--out", root / "out", "--formats", "pdf,epub")
        assert build.returncode == 0, build.stderr
        books[kind] = (folder, root / "out" / f"{folder.name}.pdf", build.stderr)
    return books


def test_the_files_of_each_kind(made):
    assert sorted(p.name for p in made["markdown"][0].iterdir()) == ["01-chapter.md", "book.yaml"]
    assert sorted(p.name for p in made["whitepaper"][0].iterdir()) == ["book.yaml", "source.txt"]


@pytest.mark.parametrize("kind", ["markdown", "whitepaper"])
def test_a_new_book_builds_without_a_warning_and_passes_the_preflight(made, kind):
    folder, pdf, said = made[kind]
    assert "WARNING" not in said, said
    check = cjkpress("check", pdf)
    assert check.returncode == 0, check.stdout
    assert f"{pdf}: 0 problems" in check.stdout


@pytest.mark.parametrize("kind", ["markdown", "whitepaper"])
def test_book_yaml_shows_every_key_with_the_defaults(made, kind):
    text = (made[kind][0] / "book.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"^(?:#\s*)?([a-z_]+):", text, re.M))
    nested = set(re.findall(r"^#?\s+(?:#\s*)?([a-z_]+):", text, re.M))
    assert set(config.SCHEMA) <= named and set(config.DESIGN_SCHEMA) | set(config.RUN_IN_SCHEMA) <= nested
    # Every design key commented out, taken in, gives the defaults: what leaving it out gives.
    design = re.sub(r"^  # ", "  ", text, flags=re.M)
    assert config.parse(design, made[kind][0] / "book.yaml").design == config.DEFAULT_DESIGN


def test_the_white_papers_metadata_comes_from_its_title_block(made):
    from pypdf import PdfReader

    meta = PdfReader(made["whitepaper"][1]).metadata
    assert meta.title == "whitepaper-book" and meta.author == "发布机关"


def test_new_refuses_a_folder_that_holds_files(tmp_path):
    (tmp_path / "mine.md").write_text("# 我的稿子\n", encoding="utf-8")
    run = cjkpress("new", tmp_path)
    assert run.returncode == 1 and f"{tmp_path}: is not an empty folder" in run.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mine.md"]
    assert (tmp_path / "mine.md").read_text(encoding="utf-8") == "# 我的稿子\n"
