"""The EPUB in a real reader engine: headless Chromium (Debian's) shows the text in the embedded font subsets.

Chromium says through the DevTools protocol which fonts it drew each node's
glyphs with (CSS.getPlatformFontsForNode): a web font (`isCustomFont`) is one
loaded from the EPUB, so an installed Noto CJK of the same name cannot pass
for it, and a second font in the answer would be a fallback for missing glyphs.
"""

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from cjkpress import fonts

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# No sandbox (root cannot have one), no background services, and no host name
# lookups at all: the book is read from files, so nothing may go online.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND"]
CHAPTER = "EPUB/text/ch-1.xhtml"  # chapter 一: headings, paragraphs and run-in heads
SCREENSHOT = ROOT / "build" / "reading-system-ch-1.png"


@pytest.fixture(scope="module")
def page(epub_path, tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make check` installs it (or, as root: apt-get install chromium)")
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(epub_path) as z:
        z.extractall(unpacked)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        # About a tablet's screen, in CSS pixels.
        page = browser.new_page(viewport={"width": 768, "height": 1024})
        page.goto((unpacked / CHAPTER).as_uri())
        page.evaluate("document.fonts.ready")
        yield page
        browser.close()


@pytest.fixture(scope="module")
def faces(design):
    return {"body": fonts.find(design.body_font), "heading": fonts.find(design.heading_font, bold=True)}


def test_embedded_fonts_load(page, faces):
    loaded = page.evaluate("[...document.fonts].map(f => [f.family, f.status])")
    assert sorted(loaded) == sorted([face.family, "loaded"] for face in faces.values())


# Chromium answers for a node's whole text: a paragraph with a run-in head is set in both faces.
@pytest.mark.parametrize("selector, roles", [("p:not(.has-run-in)", ["body"]), ("p.has-run-in", ["body", "heading"]),
                                             ("h1", ["heading"]), ("strong.run-in", ["heading"])])
def test_glyphs_come_from_the_embedded_subsets(page, faces, selector, roles):
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    assert nodes, selector
    expected = sorted((faces[r].family, faces[r].postscript_name, True) for r in roles)
    for node in nodes:  # every one in the chapter, so that no glyph anywhere falls back
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert sorted((f["familyName"], f["postScriptName"], f["isCustomFont"]) for f in used) == expected, selector


def test_screenshot_of_the_first_page(page):
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOT)
    assert SCREENSHOT.stat().st_size > 10_000  # a page of text, not a blank one
