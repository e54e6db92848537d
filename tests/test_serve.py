"""`cjkpress serve` in a real browser (Playwright driving Debian's Chromium): the pages shown, an edit
shown, an error shown, nothing served outside the book's outputs, on 127.0.0.1 only, Ctrl-C clean."""

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, SEED
from test_reading_system import ARGS, CHROMIUM

EDIT = ("互联网是人类文明发展的重要成果。", "互联网是人类文明进步的重要成果。")  # the preface's first sentence
TIMING = ROOT / "build" / "serve-timing.json"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve") / "book"
    shutil.copytree(SEED, folder)
    return folder


@pytest.fixture(scope="module")
def server(book):
    out = book.parent / "out"
    process = subprocess.Popen([sys.executable, "-m", "cjkpress", "serve", book, "--out", out, "--port", "0"],
                               cwd=ROOT, stderr=subprocess.PIPE, text=True)
    first = process.stderr.readline()
    address = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
    assert address, first
    yield process, address.group(1), out
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        # No host name is looked up, but the preview's own address is reached.
        args = [a + ", EXCLUDE 127.0.0.1" if a.startswith("--host-resolver-rules") else a for a in ARGS]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, server):
    page = browser.new_page(viewport={"width": 900, "height": 1000})
    page.goto(server[1])
    page.wait_for_function("document.body.dataset.generation >= 1 && document.getElementById('state').textContent"
                           ".includes('秒')", timeout=120_000)
    return page


def shown_pages(page) -> list[str]:
    return page.eval_on_selector_all("main img", "images => images.map(i => i.alt)")


def test_the_preview_shows_the_pdfs_pages(page, server):
    from pypdf import PdfReader

    pdf = server[2] / "book.pdf"
    texts = shown_pages(page)
    assert len(texts) == len(PdfReader(pdf).pages)
    assert "坚定不移走依法治网之路" in "".join(texts)
    # The pages near the top are drawn (loaded images), as PNG of the page's size.
    page.wait_for_function("[...document.images].slice(0, 3).every(i => i.complete && i.naturalWidth > 600)")
    assert page.eval_on_selector("a[href='/out/book.pdf']", "a => a.textContent") == "book.pdf"
    assert page.request.get(server[1] + "out/book.pdf").body() == pdf.read_bytes()


def test_an_edit_shows_up_quickly_at_its_page(page, book, server, tmp_path):
    source = book / "source.txt"
    text = source.read_text(encoding="utf-8")
    generation = int(page.evaluate("document.body.dataset.generation"))
    started = time.monotonic()
    source.write_text(text.replace(*EDIT, 1), encoding="utf-8")
    page.wait_for_function(
        f"""Number(document.body.dataset.generation) > {generation} &&
            [...document.images].some(i => i.alt.includes("{EDIT[1]}") && i.complete && i.naturalWidth > 0)""",
        timeout=60_000)
    seconds = time.monotonic() - started
    changed = int(page.evaluate("document.body.dataset.first"))
    assert EDIT[1] in shown_pages(page)[changed]  # scrolled to the page that changed: the preface's
    assert page.evaluate(f"document.getElementById('page-{changed}').getBoundingClientRect().top") < 100
    # Beside a cold build of the same book and formats, one after the other on this machine.
    started = time.monotonic()
    cold = subprocess.run([sys.executable, "-m", "cjkpress", "build", book, "--out", tmp_path, "--formats", "pdf"],
                          cwd=ROOT, capture_output=True, text=True)
    build = time.monotonic() - started
    assert cold.returncode == 0, cold.stderr
    TIMING.parent.mkdir(exist_ok=True)
    TIMING.write_text(json.dumps({"edit_to_page_s": round(seconds, 2), "cold_build_s": round(build, 2),
                                  "ratio": round(seconds / build, 2)}), encoding="utf-8")
    assert seconds / build <= 0.7, (seconds, build)
    # The outputs, once the build after the sketch is done, are what `cjkpress build` makes.
    page.wait_for_function("!document.getElementById('state').textContent.includes('正在')", timeout=60_000)
    assert (server[2] / "book.pdf").read_bytes() == (tmp_path / "book.pdf").read_bytes()


def test_an_error_shows_its_message_instead_of_the_pages(page, book):
    source = book / "source.txt"
    good = source.read_text(encoding="utf-8")
    generation = int(page.evaluate("document.body.dataset.generation"))
    source.write_text(good.replace("（一）保障个人信息权益", "（一）保障个人权益", 1), encoding="utf-8")
    page.wait_for_selector("#error", timeout=60_000)
    assert f"{source}:14: 目录 entry “（一）保障个人权益” does not match the heading" in page.inner_text("#error")
    assert shown_pages(page) == []
    source.write_text(good, encoding="utf-8")
    page.wait_for_function(f"Number(document.body.dataset.generation) > {generation + 1} && "
                           "document.images.length > 20", timeout=60_000)


def raw_get(address: str, path: str) -> str:
    """The status line the server answers `path` with, sent as is (no client tidies the path first)."""
    host, port = re.match(r"http://([\d.]+):(\d+)/", address).groups()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        return connection.makefile("rb").readline().decode().strip()


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/out/../../etc/passwd", "/out/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                  "/out/", "/out/.cache", "/out/book.pdf/..", "/page/../../etc/passwd.png",
                                  "/book.pdf", "/%2e%2e/etc/passwd", "/etc/passwd"])
def test_nothing_outside_the_outputs_is_served(page, server, path):
    assert raw_get(server[1], path).startswith("HTTP/1.0 404"), path


def test_a_file_of_the_build_folder_that_is_no_output_is_not_served(page, server):
    (server[2] / "notes.txt").write_text("private")
    assert raw_get(server[1], "/out/notes.txt").startswith("HTTP/1.0 404")
    assert raw_get(server[1], "/out/book.pdf").startswith("HTTP/1.0 200")


def machine_addresses() -> set[str]:
    """The machine's own addresses other than loopback: its interfaces' (hostname -I), the one a packet
    out would leave from (a UDP socket's, connected without sending), and its name's."""
    found = set()
    if shutil.which("hostname"):
        found |= set(subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split())
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
            found.add(probe.getsockname()[0])
    except OSError:
        pass
    try:
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    except socket.gaierror:
        pass
    return {address for address in found if not address.startswith("127.") and address != "::1"}


def test_it_listens_on_127_0_0_1_only(page, server):
    port = int(server[1].rstrip("/").rsplit(":", 1)[1])
    others = {"127.0.0.2", "::1"}
    others |= machine_addresses()
    for host in sorted(others):
        with pytest.raises(OSError):
            socket.create_connection((host, port), timeout=3).close()


def test_it_watches_every_file_of_the_book_and_cjkpresss_templates_and_styles(tmp_path):
    """An mdBook project's SUMMARY, book.toml, chapters, included listings and images, and the templates
    and styles; not the build folder inside the project, nor hidden files."""
    from cjkpress.serve.watch import changes, roots, snapshot

    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "mdbook", project)
    (project / "book").mkdir()
    (project / "book" / "project.pdf").write_bytes(b"%PDF")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref")
    seen = snapshot(roots(project), project / "book")
    names = {str(Path(name).relative_to(project)) for name in seen if name.startswith(str(project))}
    assert {"book.toml", "src/SUMMARY.md", "src/ch01.md", "listings/hello.rs"} <= names
    assert any(name.startswith("src/img/") for name in names)
    assert not any(name.startswith(("book/", ".git/")) for name in names)
    assert str(ROOT / "styles" / "print.css") in seen and str(ROOT / "templates" / "pdf" / "book.html") in seen
    (project / "src" / "ch02.md").write_text("# 改了\n", encoding="utf-8")
    (project / "book" / "project.pdf").write_bytes(b"%PDF-1.7 new")
    assert changes(seen, snapshot(roots(project), project / "book")) == [str(project / "src" / "ch02.md")]
    # A book's source.txt or book.yaml stands for its folder; a lone text brings its images/ folder.
    assert roots(SEED / "source.txt")[0] == SEED
    assert roots(tmp_path / "paper.txt")[:2] == [tmp_path / "paper.txt", tmp_path / "images"]


def test_a_port_in_use_is_named(server):
    port = int(server[1].rstrip("/").rsplit(":", 1)[1])
    run = subprocess.run([sys.executable, "-m", "cjkpress", "serve", SEED, "--port", str(port)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and f"port {port} on 127.0.0.1 cannot be listened on" in run.stderr


def test_ctrl_c_stops_it_cleanly_and_keeps_the_outputs(page, server):
    process, _, out = server
    pdf = (out / "book.pdf").read_bytes()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert "stopped" in process.stderr.read()
    assert (out / "book.pdf").read_bytes() == pdf
    assert not list(out.glob(".*.part"))


def test_a_page_is_known_again_by_its_boxes_and_a_new_image_makes_it_new(tmp_path):
    """Two layouts of the same book give the same fingerprints, page for page; the same image file
    written anew (same name, other pixels) changes its page's, and only its page's."""
    from PIL import Image

    from cjkpress.writers.pdf.preview import Images
    from conftest import figure_book, laid_out

    folder = figure_book(tmp_path / "book")
    images = Images()
    first = images.draw(laid_out(folder, tmp_path / "a", boxes=True).shared["pdf"].document)
    assert images.draw(laid_out(folder, tmp_path / "b", boxes=True).shared["pdf"].document) == first
    Image.new("RGB", (40, 30), "blue").save(folder / "images" / "chart.png")
    again = images.draw(laid_out(folder, tmp_path / "c", boxes=True).shared["pdf"].document)
    changed = [i for i, (a, b) in enumerate(zip(first, again)) if a != b]
    assert len(changed) == 1 and "图表之后的段落" in again[changed[0]].text
    assert images.png[again[changed[0]].key] != images.png[first[changed[0]].key]
