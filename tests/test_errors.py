"""Bad, hostile and interrupted input: clear messages, nothing fetched, nothing half-written."""

import http.server
import signal
import subprocess
import sys
import threading
import time
import zipfile

import lxml.html
from lxml import etree
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjkpress.errors import InputError
from cjkpress.readers.whitepaper import parse
from conftest import ROOT, SEED

TEXT = (SEED / "source.txt").read_text(encoding="utf-8")


def cjkpress(*args):
    return subprocess.run([sys.executable, "-m", "cjkpress", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def paper(tmp_path, text=TEXT, name="paper.txt", data=None):
    path = tmp_path / name
    if data is None:
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def fails(tmp_path, path, *messages, line=None, extra=()):
    """Build `path` and check: exit 1, each message, file (and line) named, nothing written, no traceback."""
    out = tmp_path / "out"
    run = cjkpress("build", path, "--out", out, *extra)
    assert run.returncode == 1, run.stderr
    where = f"{path}:{line}: " if line else f"{path}"
    assert where in run.stderr, run.stderr
    for message in messages:
        assert message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists() or not any(out.iterdir())
    return run


@pytest.mark.parametrize("data, message", [
    (b"", "the text is empty"),
    (b" \n\t\n\xe3\x80\x80\n", "the text is empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "this is a PNG image, not a text file"),
    (b"\x00\x01\x02abc\xff\xfe\x00", "binary file"),
])
def test_not_a_paper(tmp_path, data, message):
    fails(tmp_path, paper(tmp_path, data=data), message)


def test_gb18030_is_named_and_builds_with_encoding(tmp_path):
    path = paper(tmp_path, data=TEXT.encode("gb18030"))
    fails(tmp_path, path, "looks like GB18030/GBK", "--encoding gb18030", line=1)
    run = cjkpress("build", path, "--out", tmp_path / "ok", "--formats", "html", "--encoding", "gb18030")
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("data", [
    b"\xff\xfe" + TEXT.encode("utf-16-le"),
    b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"),
])
def test_utf16_and_utf8_with_bom_and_crlf_build(tmp_path, data, book):
    run = cjkpress("build", paper(tmp_path, data=data), "--out", tmp_path / "out", "--formats", "html")
    assert run.returncode == 0, run.stderr
    html = lxml.html.parse(tmp_path / "out" / "paper.html")
    assert [p.text_content() for p in html.iterfind(".//main//p")] == [p.text for p in book.paragraphs()]


BODY = TEXT.index("\u3000\u3000前言", 200)  # where the body begins, after the 目录
PREFACE = TEXT[TEXT.index("\u3000\u3000互联网是人类文明") : TEXT.index("\u3000\u3000一、", BODY)]


@pytest.mark.parametrize("old, new, everywhere, line, message", [
    ("\u3000\u3000目录\n", "", False, 5, "no 目录"),
    ("\u3000\u3000三、保障网络空间规范有序\n", "\u3000\u3000四、保障网络空间规范有序\n", True, 71,
     "out of order after “二、夯实网络空间法制基础” (line 48): expected number 3"),
    ("\u3000\u3000（二）健全数字经济法治规则\n", "\u3000\u3000（一）健全数字经济法治规则\n", True, 57,
     "out of order after “（一）建立网络权益保障法律制度” (line 51): expected number 2"),
    ("\u3000\u3000前言\n", "\u3000\u3000（一）前言\n", True, 33, "comes before the first chapter heading"),
    (PREFACE, "", False, 33, "“前言” has no text"),
])
def test_structure_mistakes_name_the_line(tmp_path, old, new, everywhere, line, message):
    """Doctored copies of the seed; `everywhere` changes the 目录 too, so that its own check agrees."""
    text = TEXT.replace(old, new) if everywhere else TEXT.replace(old, new, 1)
    fails(tmp_path, paper(tmp_path, text), message, line=line)


def test_character_no_font_draws(tmp_path):
    text = TEXT.replace("互联网是人类文明发展的重要成果。", "互联网是人类文明发展的重要成果न。", 1)
    fails(tmp_path, paper(tmp_path, text), "character “न” (U+0928) is not in the font Noto Serif CJK SC", line=34)


def test_emoji_come_from_the_symbol_face_and_a_symbol_no_face_has_is_a_warning(tmp_path):
    """An emoji is drawn in Noto Color Emoji (the design's symbol face); a symbol no face has stops no
    book: it is warned of, with its line. The text layer keeps both."""
    text = TEXT.replace("互联网是人类文明发展的重要成果。", "互联网是人类文明发展的重要成果😀🬀🬁。", 1)
    run = cjkpress("build", paper(tmp_path, text), "--out", tmp_path / "out", "--formats", "pdf")
    assert run.returncode == 0, run.stderr
    # One warning for the line, however many such symbols it has.
    assert "paper.txt:34: characters “🬀” (U+1FB00), “🬁” (U+1FB01) are not in the font Noto Serif CJK SC" in run.stderr
    assert run.stderr.count("paper.txt:34:") == 1
    assert "U+1F600" not in run.stderr
    pdf = tmp_path / "out" / "paper.pdf"
    assert "Noto-Color-Emoji" in subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    pdftext = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    assert "重要成果😀🬀🬁。" in pdftext.replace("\n", "")


def test_very_large_input_fails_cleanly(tmp_path):
    fails(tmp_path, paper(tmp_path, TEXT[:BODY] + TEXT[BODY:] * 50), "MB, more than the 2 MB", "split it into volumes")


def test_output_folder_that_cannot_be_written(tmp_path):
    blocked = tmp_path / "out"
    blocked.write_text("a file where the folder should be")
    run = cjkpress("build", SEED, "--out", blocked, "--formats", "html")
    assert run.returncode == 1 and str(blocked) in run.stderr and "Traceback" not in run.stderr


def test_disk_full_keeps_the_previous_output(tmp_path, job, monkeypatch):
    from pathlib import Path

    from conftest import write

    out = write(job, "html", tmp_path / "book.html")
    before = out.read_bytes()

    def full(self, data, *args, **kwargs):
        with open(self, "w", encoding="utf-8") as f:
            f.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OSError):
        write(job, "html", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.html"]


def test_markup_in_the_text_is_printed_literally(tmp_path):
    hostile = "<script>alert(1)</script>&amp;{{ 7*7 }}{% include 'book.html' %}"
    text = TEXT.replace("互联网是人类文明发展的重要成果。", "互联网是人类文明发展的重要成果。" + hostile, 1)
    run = cjkpress("build", paper(tmp_path, text), "--out", tmp_path / "out", "--formats", "pdf,epub,html")
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "out" / "paper.epub") as epub:
        preface = etree.fromstring(epub.read("EPUB/text/preface.xhtml"))
    assert not preface.xpath("//*[local-name()='script']")
    assert any(hostile in "".join(p.itertext()) for p in preface.iter("{http://www.w3.org/1999/xhtml}p"))
    html = lxml.html.parse(tmp_path / "out" / "paper.html")
    assert not html.xpath("//main//script")
    assert any(hostile in p.text_content() for p in html.iterfind(".//main//p"))
    pdftext = subprocess.run(["pdftotext", tmp_path / "out" / "paper.pdf", "-"], capture_output=True, text=True).stdout
    assert hostile in pdftext.replace("\n", "")


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list = []

    def do_GET(self):
        Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_image_references_fetch_nothing_and_read_nothing_outside(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    book = tmp_path / "book"
    (book / "images").mkdir(parents=True)
    (book / "images" / "linked.png").symlink_to(tmp_path / "secret.png")
    refs = [f"http://127.0.0.1:{port}/a.png", "https://example.org/b.png", "file:///etc/passwd",
            "../../secret.png", "/etc/passwd", "linked.png"]
    images = "".join(f"[image: {ref}]\n" for ref in refs)
    (book / "source.txt").write_text(TEXT.replace("\u3000\u3000自1994年", images + "\u3000\u3000自1994年", 1), encoding="utf-8")
    try:
        run = cjkpress("build", book, "--out", tmp_path / "out", "--formats", "pdf,epub,html")
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr
    assert Recorder.requests == []
    assert run.stderr.count("the figure is left out") == 7 and "links are not followed" in run.stderr
    assert b"secret" not in (tmp_path / "out" / "book.pdf").read_bytes()
    with zipfile.ZipFile(tmp_path / "out" / "book.epub") as epub:
        assert [name for name in epub.namelist() if "images/" in name] == ["EPUB/images/cover.png"]
    assert "<img" not in (tmp_path / "out" / "book.html").read_text(encoding="utf-8")


def test_interrupted_build_leaves_the_previous_output(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "cyberspace-rule-of-law.pdf").write_bytes(b"the previous good PDF")
    process = subprocess.Popen([sys.executable, "-m", "cjkpress", "build", SEED, "--out", out, "-v"], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    # Wait until it is typesetting, then press Ctrl-C.
    while "typesetting" not in process.stderr.readline():
        pass
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    assert (out / "cyberspace-rule-of-law.pdf").read_bytes() == b"the previous good PDF"
    assert sorted(p.name for p in out.iterdir()) == ["cyberspace-rule-of-law.pdf"]


LINES = st.sampled_from([
    "新时代的中国网络法治建设", "（2023年3月）", "中华人民共和国国务院新闻办公室", "目录", "目  录", "前言", "结束语",
    "一、坚定不移走依法治网之路", "二、夯实网络空间法制基础", "（一）建立网络权益保障法律制度", "1.核政策",
    "附录1：法律", "注①：说明。", "图1 统计", "专栏一 案例", "（新华社北京3月16日电）", "[image: http://x/y.png]",
    "——坚持以人民为中心。中国的网络法治建设坚持人民主体地位。", "互联网是人类文明发展的重要成果①。", "", "\u3000\u3000",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(LINES, max_size=30).map("\n".join), st.text(max_size=300)))
def test_reader_returns_a_tree_or_an_input_error(tmp_path, text):
    try:
        parse(text.encode("utf-8"), tmp_path / "paper.txt", tmp_path / "images")
    except InputError:
        pass


def test_a_fallback_font_draws_what_the_others_lack(tmp_path):
    """With design.fallback_font, a character the CJK faces lack is warned of and drawn in it, in every output."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "source.txt").write_text(TEXT.replace("互联网是人类文明发展的重要成果。", "互联网是人类文明发展的重要成果（CO₂）。", 1),
                                     encoding="utf-8")
    run = cjkpress("build", book, "--out", tmp_path / "stopped")
    assert run.returncode == 1 and "“₂” (U+2082) is not in the font Noto Serif CJK SC" in run.stderr
    assert "design.fallback_font" in run.stderr
    (book / "book.yaml").write_text("design:\n  fallback_font: DejaVu Serif\n", encoding="utf-8")
    out = tmp_path / "out"
    run = cjkpress("build", book, "--out", out, "--formats", "pdf,epub")
    assert run.returncode == 0, run.stderr
    assert f"{book / 'source.txt'}:34: character “₂” (U+2082)" in run.stderr and "fallback font DejaVu Serif" in run.stderr
    pdftext = subprocess.run(["pdftotext", out / "book.pdf", "-"], capture_output=True, text=True).stdout
    assert "（CO₂）" in pdftext.replace("\n", "")
    from cjkpress.preflight import check
    from cjkpress.preflight.report import ACCEPTED

    report = check(out / "book.pdf")
    # The preflight names exactly that character as drawn in a fallback font, and nothing else (short
    # pages are accepted: this trimmed seed leaves some no paragraph can fill).
    assert [rule for rule, places in report.places.items() if places and rule not in ACCEPTED] == ["fallback-font"]
    with zipfile.ZipFile(out / "book.epub") as epub:
        names = epub.namelist()
        css = epub.read("EPUB/styles/book.css").decode()
    assert "EPUB/fonts/DejaVuSerif.otf" in names or "EPUB/fonts/DejaVuSerif.ttf" in names
    assert '"DejaVu Serif"' in css
