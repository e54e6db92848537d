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
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make check` installs it (or, as root: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def opened(browser, epub: Path, name: str, folder: Path):
    """The EPUB's document `name` in a new page about a tablet's screen (in CSS pixels), its fonts loaded."""
    with zipfile.ZipFile(epub) as z:
        z.extractall(folder)
    page = browser.new_page(viewport={"width": 768, "height": 1024})
    page.goto((folder / name).as_uri())
    page.evaluate("document.fonts.ready")
    return page


@pytest.fixture(scope="module")
def page(browser, epub_path, tmp_path_factory):
    return opened(browser, epub_path, CHAPTER, tmp_path_factory.mktemp("unpacked"))


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


def test_note_calls_are_small_raised_marks(browser, variants_epub, tmp_path):
    """A note's call, as in the printed book: 0.7 of the text's size, raised, not underlined."""
    page = opened(browser, variants_epub, "EPUB/text/preface.xhtml", tmp_path)
    call, text = page.evaluate("""() => {
        const a = document.querySelector('a.noteref'), p = a.closest('p');
        const box = r => ({size: parseFloat(getComputedStyle(r).fontSize), bottom: r.getBoundingClientRect().bottom,
                           line: getComputedStyle(r).textDecorationLine});
        const range = document.createRange();
        range.setStart(a.previousSibling, a.previousSibling.length - 1);
        range.setEnd(a.previousSibling, a.previousSibling.length);
        return [box(a), {size: parseFloat(getComputedStyle(p).fontSize), bottom: range.getBoundingClientRect().bottom}];
    }""")
    assert call["size"] == pytest.approx(0.7 * text["size"], abs=0.5)
    assert call["bottom"] < text["bottom"] - 0.2 * text["size"]  # raised above the character it follows
    assert call["line"] == "none"
