"""The command line, run as a user runs it."""

import hashlib
import os
import re
import subprocess
import sys

import lxml.html
import pytest
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
    # Not on a terminal (a CI log): no stages, no results, the warnings alone.
    assert [line for line in run.stderr.splitlines() if not line.startswith("WARNING: ")] == [], run.stderr
    assert "image" not in run.stderr  # the seed says in book.yaml that it goes without its one image
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
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "pdf,epub", "-q")
    assert run.returncode == 0 and run.stderr == "", run.stderr  # -q: errors only
    first = (tmp_path / "cyberspace-rule-of-law.epub").read_bytes()
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "epub", "-v")
    assert run.returncode == 0 and "typesetting" not in run.stderr, run.stderr
    assert f"cjkpress: wrote {tmp_path / 'cyberspace-rule-of-law.epub'}" in run.stderr  # -v says what it made
    assert (tmp_path / "cyberspace-rule-of-law.epub").read_bytes() == first
    # A record that no longer matches its PDF is not trusted.
    (tmp_path / "cyberspace-rule-of-law.pdf").write_bytes(b"%PDF-1.7 another")
    run = cjkpress("build", SEED, "--out", tmp_path, "--formats", "epub", "-v")
    assert run.returncode == 0 and "typesetting" in run.stderr
    assert (tmp_path / "cyberspace-rule-of-law.epub").read_bytes() == first


def test_forked_task_returns_its_result_and_raises_its_error():
    from cjkpress.errors import InputError
    from cjkpress.forked import forked

    assert forked(lambda: 6 * 7).wait() == 42

    def fails():
        raise InputError("bad line", "paper.txt", 3)

    with pytest.raises(InputError) as err:
        forked(fails).wait()
    assert str(err.value) == "paper.txt:3: bad line"


def test_a_forked_task_stopped_ends_at_once_and_does_not_go_on(tmp_path):
    import time

    from cjkpress.forked import forked

    late = tmp_path / "late"
    task = forked(lambda: (time.sleep(20), late.write_text("written")))
    pid, started = task.pid, time.monotonic()
    task.stop()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):  # gone, and waited for
        os.waitpid(pid, 0)
    assert not late.exists()


def test_no_arguments_lists_the_commands_and_version_says_the_version():
    from cjkpress import __version__
    from cjkpress.cli import COMMANDS

    run = cjkpress()
    assert run.returncode == 0, run.stderr
    listed = [line.split()[0] for line in run.stdout.splitlines() if line.startswith("  ")]
    assert listed == ["build", "serve", "new", "check"] == list(COMMANDS)
    run = cjkpress("--version")
    assert run.returncode == 0 and run.stdout.strip() == f"cjkpress {__version__}"


def test_every_mistake_of_book_yaml_is_reported_in_one_run(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
    (folder / "book.yaml").write_text("title: 书\ndat: 2023\ndesign:\n  page_size: 64开\n  toc_depth: 9\n"
                                      "isbn: 978-7-115-54608-2\n", encoding="utf-8")
    run = cjkpress("build", folder, "--out", tmp_path / "out")
    assert run.returncode == 1
    yaml_file = folder / "book.yaml"
    assert [line.split(": ")[0] for line in run.stderr.splitlines()] == [f"{yaml_file}:{n}" for n in (2, 4, 5, 6)]
    assert "did you mean “date”" in run.stderr and "“64开”" in run.stderr and "ISBN" in run.stderr
    assert not (tmp_path / "out").exists()


def test_the_source_or_the_settings_of_a_book_folder_build_that_book(tmp_path):
    folder = tmp_path / "白皮书"
    folder.mkdir()
    (folder / "source.txt").write_bytes((SEED / "source.txt").read_bytes())
    (folder / "book.yaml").write_text("title: 书名来自设置\n", encoding="utf-8")
    for given in ("source.txt", "book.yaml"):
        out = tmp_path / given
        run = cjkpress("build", folder / given, "--out", out, "--formats", "html")
        assert run.returncode == 0, run.stderr
        assert [p.name for p in out.glob("*.html")] == ["白皮书.html"]  # named after the folder, not source.*
        assert lxml.html.parse(out / "白皮书.html").findtext(".//title") == "书名来自设置"


def test_a_bad_out_folder_is_refused_before_any_work(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    run = cjkpress("build", SEED, "--out", blocker / "out", "-v")
    assert run.returncode == 1
    assert f"--out {blocker / 'out'}: {blocker} is a file, not a folder" in run.stderr
    assert "reading" not in run.stderr and "typesetting" not in run.stderr
    out = tmp_path / "out"
    (out / "cyberspace-rule-of-law.pdf").mkdir(parents=True)
    run = cjkpress("build", SEED, "--out", out, "-v")
    assert run.returncode == 1 and "cyberspace-rule-of-law.pdf is a folder" in run.stderr
    assert "typesetting" not in run.stderr


def test_the_default_formats_are_makes_and_are_stated():
    import re

    from cjkpress.cli import DEFAULT_FORMATS

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    made = {f for found in re.findall(r"cjkpress build .*--formats (\S+)", makefile) for f in found.split(",")}
    assert made - {"html"} == set(DEFAULT_FORMATS)  # `make` builds the HTML only when asked (make html)
    assert f"default: {','.join(DEFAULT_FORMATS)}" in " ".join(cjkpress("build", "--help").stdout.split())
    assert f"`{','.join(DEFAULT_FORMATS)}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_terminal_sees_the_stages_and_the_pages_laid_out(tmp_path):
    """On a terminal (a pseudo-terminal here) the build shows its stage and count of pages on one line,
    rewritten in place, and a line for each output; the warnings print above it."""
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: cjkpress on the terminal
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-m", "cjkpress", "build", str(SEED), "--out", str(tmp_path),
                                  "--formats", "pdf"])
    said = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child has closed the terminal
            break
        if not data:
            break
        said += data
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, said
    shown = said.decode().split("\r")
    pages = [int(m.group(1)) for line in shown if (m := re.search(r"typesetting cyberspace-rule-of-law: page (\d+)", line))]
    # Shown once the work has taken a second, then page after page (the body's folios, chapter by chapter,
    # a chapter's again from its first when it is laid out again).
    assert len(pages) > 10 and sum(b == a + 1 for a, b in zip(pages, pages[1:])) >= 10 and max(pages) >= 23
    assert all(line.startswith("\x1b[K") for line in shown if "page " in line and "typesetting" in line)
    assert f"cjkpress: wrote {tmp_path / 'cyberspace-rule-of-law.pdf'}" in said.decode()


def test_the_ci_matrix_lists_the_books_make_builds(tmp_path):
    """`make books` (which .github/workflows/books.yml makes its matrix of) lists the books of CONTENT."""
    import json

    for name in ("alpha", "beta"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "source.txt").write_text("x", encoding="utf-8")
    (tmp_path / "not-a-book").mkdir()
    run = subprocess.run(["make", "-s", "books", f"CONTENT={tmp_path}"], cwd=ROOT, capture_output=True, text=True)
    assert json.loads(run.stdout) == ["alpha", "beta"]
    assert json.loads(subprocess.run(["make", "-s", "books"], cwd=ROOT, capture_output=True, text=True).stdout) == \
        sorted(p.parent.name for p in (ROOT / "content").glob("*/book.yaml"))
    workflow = (ROOT / ".github" / "workflows" / "books.yml").read_text(encoding="utf-8")
    assert "make -s books" in workflow and "cjkpress build content/${{ matrix.book }}" in workflow
