"""The command line, run as a user runs it."""

import hashlib
import subprocess
import sys

import lxml.html
from pypdf import PdfReader

from conftest import ROOT, SEED


def cjkpress(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "cjkpress", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def test_bare_txt_builds(tmp_path, book):
    paper = tmp_path / "paper.txt"
    paper.write_bytes((SEED / "source.txt").read_bytes())
    out = tmp_path / "out"
    run = cjkpress("build", paper, "--out", out, "--formats", "pdf,html")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [".cache", "paper.html", "paper.pdf"]
    reader = PdfReader(out / "paper.pdf")
    # Metadata comes from the text's own title block.
    assert reader.metadata.title == "新时代的中国网络法治建设"
    assert reader.metadata.author == "中华人民共和国国务院新闻办公室"
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [c.heading for c in book.chapters]
    html = lxml.html.parse(out / "paper.html")
    assert [p.text_content() for p in html.iterfind(".//main//p")] == [p.text for p in book.paragraphs()]


def test_same_sources_give_the_same_pdf(tmp_path, pdf_path):
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "pdf")
    assert run.returncode == 0, run.stderr
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (pdf_path, tmp_path / pdf_path.name)]
    assert digest[0] == digest[1]


def test_broken_input_names_file_and_line_and_writes_nothing(tmp_path):
    text = (SEED / "source.txt").read_text(encoding="utf-8")
    paper = tmp_path / "broken.txt"
    paper.write_text(text.replace("（一）保障个人信息权益", "（一）保障个人权益", 1), encoding="utf-8")
    out = tmp_path / "out"
    run = cjkpress("build", paper, "--out", out)
    assert run.returncode == 1
    assert f"{paper}:14: 目录 entry “（一）保障个人权益” does not match the heading at line 73" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists() or not any(out.iterdir())


def test_bad_book_yaml_and_bad_arguments(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
    (folder / "book.yaml").write_text("title: 书\ndesing:\n  page_size: A4\n", encoding="utf-8")
    run = cjkpress("build", folder, "--out", tmp_path / "out")
    assert run.returncode == 1
    assert f"{folder / 'book.yaml'}:2: unknown key “desing”; did you mean “design”?" in run.stderr
    run = cjkpress("build", folder, "--formats", "docx")
    assert run.returncode == 2 and "choose from pdf,epub,html" in run.stderr
    run = cjkpress("build", tmp_path / "nowhere")
    assert run.returncode == 1 and "no such book folder or text file" in run.stderr


def test_parallel_make_gives_the_bytes_of_a_serial_build(tmp_path):
    """Books build independently: make -j4 over several books equals one book at a time."""
    content = tmp_path / "content"
    for name in ("alpha", "beta", "gamma"):
        (content / name).mkdir(parents=True)
        (content / name / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
        (content / name / "book.yaml").write_bytes((SEED / "book.yaml").read_bytes())
    outputs = {}
    for jobs, out in (("-j4", tmp_path / "parallel"), ("-j1", tmp_path / "serial")):
        run = subprocess.run(["make", jobs, f"CONTENT={content}", f"OUT={out}", "pdf", "epub"], cwd=ROOT,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outputs[jobs] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.*")) if p.is_file()}
    assert len(outputs["-j4"]) == 12  # screen PDF, print PDF, cover spread and EPUB of each
    assert outputs["-j4"] == outputs["-j1"]


def test_epub_alone_uses_the_record_of_the_pdf(tmp_path):
    """An EPUB-only build after a PDF build reuses its layout's record, and gives the same EPUB."""
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "pdf,epub")
    assert run.returncode == 0, run.stderr
    first = (tmp_path / "cyberspace-rule-of-law.epub").read_bytes()
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "epub")
    assert run.returncode == 0 and "typesetting" not in run.stderr, run.stderr
    assert (tmp_path / "cyberspace-rule-of-law.epub").read_bytes() == first
    # A record that no longer matches its PDF is not trusted.
    (tmp_path / "cyberspace-rule-of-law.pdf").write_bytes(b"%PDF-1.7 another")
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "epub")
    assert run.returncode == 0 and "typesetting" in run.stderr
    assert (tmp_path / "cyberspace-rule-of-law.epub").read_bytes() == first


def test_forked_task_returns_its_result_and_raises_its_error():
    import pytest

    from cjkpress.errors import InputError
    from cjkpress.forked import forked

    assert forked(lambda: 6 * 7)() == 42

    def fails():
        raise InputError("bad line", "paper.txt", 3)

    with pytest.raises(InputError) as err:
        forked(fails)()
    assert str(err.value) == "paper.txt:3: bad line"
