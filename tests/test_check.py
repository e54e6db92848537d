"""The preflight (cjkpress.preflight) on tiny PDFs, each made by plain WeasyPrint to break one rule."""

import re

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter

from cjkpress import preflight

# A 20 em measure (210 pt between 30 pt margins), 13 lines of 18 pt a page:
# with a 2 em indent a paragraph's first line holds 18 characters, the others 20.
CSS = """
@page { size: 270pt 300pt; margin: 30pt }
html { font: 10.5pt/18pt "Noto Serif CJK SC"; text-align: justify }
body { margin: 0 }
h1, h2 { font: bold 12pt/18pt "Noto Sans CJK SC"; margin: 0 }
p { margin: 0; text-indent: 2em }
"""
HALT = "font-feature-settings: 'halt'"


def han(n: int) -> str:
    return "永" * n


FIRST, FULL = han(18), han(20)  # a paragraph's first line and a whole line, exactly
# The checker finds the left margin from lines that are not a paragraph's first.
OPENING = f"<h1>标题</h1><p>{FIRST}{han(5)}。</p>"

CASES = {
    # Every line flush or last, marks compressed, Han and digits ¼ em apart; a half-width
    # opening mark is drawn ½ em left, so the paragraph that opens with one starts at 1½ em.
    "clean": f"<p>{FIRST}{FULL}{han(5)}。</p>"
    f"<p>他说“好<span style=\"{HALT}\">”</span>，然后走了。</p>"
    f"<p><span style=\"{HALT}\">“</span>好”他说，<span style=\"{HALT}\">《</span>书》在这。</p>"
    "<p>在<span style='margin: 0 .25em'>2021</span>年开会。</p>",
    # 。 may not start a line, so the line breaks a character early: 1 em short.
    "justification": f"<p>{han(17)}永。{han(10)}。</p>",
    "adjacent-punctuation": "<p>甲说“好”，然后走了。</p>"
    f"<p>乙说“好<span style=\"{HALT}\">”</span>，然后走了。</p>",
    "line-start": f"<p>{FIRST}<br>，后文。</p>",
    "line-end": f"<p>{han(17)}“<br>好”后文。</p>",
    "split-dash": f"<p>{han(17)}—<br>—后文。</p><p>{han(17)}…<br>…后文。</p>",
    "han-latin-spacing": "<p>在2021年开会。</p><p>在<span style='margin: 0 .25em'>2021</span>年开会。</p>"
    f"<p>{FIRST}<br><span style='margin: 0 .25em'>2021</span>年开会。</p>",
    "lone-character": f"<p>{FIRST}字。</p>",
    # 楷体 (LXGW WenKai) has another ascent and descent than the body face: at the line's own
    # line-height its box pushes its line, and the line after, down.
    "line-pitch": f"<p>{FIRST}{han(10)}<span style='font-family: \"LXGW WenKai\"'>楷体</span>{han(8)}{FULL}{han(5)}。</p>"
    f"<p>{FIRST}{han(10)}<span style='font-family: \"LXGW WenKai\"; line-height: 1'>楷体</span>{han(8)}{FULL}{han(5)}。</p>",
    # WeasyPrint keeps a heading with its text unless told otherwise.
    "heading-at-foot": "<p>正文。</p><h2 style='margin-top: 140pt; break-after: auto'>小标题</h2>"
    f"<p>{FIRST}{han(5)}。</p>",
    # 9 lines fill page 1 after the opening; the next paragraph's 2 lines straddle the break.
    "widow-orphan": f"<p style='orphans: 1; widows: 1'>{FIRST}{FULL * 7}{han(4)}。</p>"
    f"<p style='orphans: 1; widows: 1'>{FIRST}{han(5)}。</p>",
    "text-layer": "<p>中 文。</p><p>中<span style='letter-spacing: .2em'>文</span>字。</p>",
    "fallback-font": "<p>他说<span style='font-family: \"DejaVu Serif\"'>“</span>好。</p>",
    # A ragged paragraph before the first bookmarked page is front matter, not checked.
    "front-matter": f"<p>{han(17)}永。{han(10)}。</p>"
    f"<h1 style='break-before: page'>正文</h1><p>{FIRST}{han(5)}。</p>",
}


def build(body: str, path):
    # The <h1> is the bookmark that marks where the body pages begin.
    opening = "" if "<h1" in body else OPENING
    html = f'<html lang="zh-Hans"><style>{CSS}</style>{opening}{body}</html>'
    weasyprint.HTML(string=html).write_pdf(path)
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("check")
    return {name: build(body, folder / f"{name}.pdf") for name, body in CASES.items()}


@pytest.fixture(scope="module")
def reports(pdfs):
    return {name: preflight.check(path) for name, path in pdfs.items()}


def broken(report) -> dict[str, int]:
    return {rule: report.count(rule) for rule in preflight.RULES if report.count(rule)}


def lines(report, rule) -> list[str]:
    return [place.line for place in report.places[rule]]


def edited_fonts(source, target, edit):
    """A copy of `source` with `edit(font)` applied to each Type0 font (to make what WeasyPrint never makes)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        edit(font.get_object())
    writer.write(target)
    return target


def test_clean_pdf_passes(reports):
    report = reports["clean"]
    assert broken(report) == {}
    assert report.ok
    assert report.em == 10.5
    assert report.measure == pytest.approx(20 * 10.5)


def test_ragged_line(reports):
    assert broken(reports["justification"]) == {"justification": 1}
    assert reports["justification"].places["justification"][0].detail == "ends 1.00 em short of the right edge"


def test_uncompressed_marks_counted_and_halt_accepted(reports):
    report = reports["adjacent-punctuation"]
    assert broken(report) == {"adjacent-punctuation": 1}
    assert lines(report, "adjacent-punctuation") == ["甲说“好”，然后走了。"]


@pytest.mark.parametrize("case, expected", [
    ("line-start", {"line-start": 1}),
    ("line-end", {"line-end": 1}),
    ("split-dash", {"split-dash": 2}),
])
def test_forbidden_line_breaks(reports, case, expected):
    assert broken(reports[case]) == expected


def test_han_latin_spacing(reports):
    report = reports["han-latin-spacing"]
    assert broken(report) == {"han-latin-spacing": 3}
    details = [place.detail for place in report.places["han-latin-spacing"]]
    # 在2 and 1年 unspaced; the spaced paragraph passes; the indented line start does not.
    assert details == ["在2 0.00 em apart", "1年 0.00 em apart", "starts 0.25 em right of the left edge"]


def test_line_pitch(reports):
    """The first paragraph's 楷体 run, deeper than the body face, pushes the line after it down; the
    second's, a line high, leaves it where it was."""
    report = reports["line-pitch"]
    assert broken(report) == {"line-pitch": 1}
    (found,) = report.places["line-pitch"]
    assert found.line == FULL and found.detail == "1.81 em below the line before, not 1.71"


def test_lone_character(reports):
    assert broken(reports["lone-character"]) == {"lone-character": 1}
    assert lines(reports["lone-character"], "lone-character") == ["字。"]


def test_heading_at_foot(reports):
    assert broken(reports["heading-at-foot"]) == {"heading-at-foot": 1}
    assert reports["heading-at-foot"].places["heading-at-foot"][0].page == 1


def test_a_heading_over_code_at_the_foot_is_no_fault(tmp_path):
    """Code is set smaller than the body: in a tagged PDF its lines are content under the heading still."""
    html = (f'<html lang="zh-Hans"><style>{CSS}</style>'
            f"{OPENING}<p>正文。</p><h2 style='margin-top: 120pt'>小标题</h2><pre style='font-size: 8pt; margin: 0'>"
            "code\n</pre><p>后文。</p></html>")
    path = tmp_path / "code.pdf"
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    assert len(PdfReader(path).pages) == 2 and "小标题" in PdfReader(path).pages[0].extract_text()
    assert "code" in PdfReader(path).pages[0].extract_text()
    assert preflight.check(path).count("heading-at-foot") == 0


def test_widow_and_orphan(reports):
    report = reports["widow-orphan"]
    assert broken(report) == {"widow": 1, "orphan": 1}
    assert [(p.page, p.line) for p in report.places["orphan"] + report.places["widow"]] == [
        (1, FIRST),
        (2, han(5) + "。"),
    ]


def test_spaces_and_gaps_between_han_in_the_text_layer(reports):
    report = reports["text-layer"]
    assert broken(report) == {"text-layer": 2}
    assert [p.detail for p in report.places["text-layer"]] == [
        "space U+0020 between CJK characters",
        "文字 0.20 em apart: read as two words",
    ]


def test_invisible_and_unmapped_characters(pdfs, tmp_path):
    # WeasyPrint drops U+200B and never leaves a glyph unmapped: edit the ToUnicode maps
    # so that the space reads U+200B, 文 reads U+FFFD and 字 reads nothing.
    def remap(font):
        cmap = font["/ToUnicode"].get_object()
        data = re.sub(rb" <0020>\n", b" <200b>\n", cmap.get_data())
        data = re.sub(rb" <6587>\n", b" <fffd>\n", data)
        data = re.sub(rb"<[0-9a-f]+> <5b57>\n", b"", data)
        cmap.set_data(data)

    report = preflight.check(edited_fonts(pdfs["text-layer"], tmp_path / "remapped.pdf", remap))
    assert broken(report) == {"text-layer": 4}
    details = [p.detail for p in report.places["text-layer"]]
    assert details[0] == "U+200B (zero-width space)"
    assert details[1] == details[2]  # 文 in both paragraphs
    assert re.fullmatch(r"glyph without text: U\+FFFD in \w+\+Noto-Serif-CJK-SC", details[1])
    assert re.fullmatch(r"glyph without text: \(cid:\d+\) in \w+\+Noto-Serif-CJK-SC", details[3])


def test_fallback_font(reports):
    report = reports["fallback-font"]
    assert broken(report) == {"fallback-font": 1}
    assert report.places["fallback-font"][0].detail.startswith("“ in ")
    assert "DejaVu-Serif" in report.places["fallback-font"][0].detail


def test_font_not_embedded(pdfs, tmp_path):
    def strip(font):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            descriptor.pop(key, None)

    report = preflight.check(edited_fonts(pdfs["clean"], tmp_path / "bare.pdf", strip))
    assert broken(report) == {"fonts": 2}  # the heading's and the body's font
    assert all(p.detail.endswith("is not embedded") for p in report.places["fonts"])


def test_front_matter_is_not_checked(reports):
    report = reports["front-matter"]
    assert report.first_body_page == 2
    assert broken(report) == {}


def test_report_format(reports):
    text = reports["han-latin-spacing"].format(limit=2).splitlines()
    assert text[0].endswith("han-latin-spacing.pdf: 3 problems (body 10.5 pt from page 1, type area 20.00 em)")
    assert "  justification: 0" in text
    at = text.index("  han-latin-spacing: 3")
    assert text[at + 1 : at + 4] == [
        "    p. 1: 在2021年开会。 — 在2 0.00 em apart",
        "    p. 1: 在2021年开会。 — 1年 0.00 em apart",
        "    … and 1 more",
    ]
    rules = [line.split(":")[0].strip() for line in text if line.startswith("  ") and not line.startswith("    ")]
    assert rules == list(preflight.RULES)


def test_run_prints_reports_and_returns_the_status(pdfs, tmp_path, capsys):
    assert preflight.run([(pdfs["clean"], 0.08)]) == 0
    assert preflight.run([(pdfs["clean"], 0.08), (pdfs["lone-character"], 0.08)]) == 1
    out = capsys.readouterr().out
    assert "clean.pdf: 0 problems" in out and "lone-character.pdf: 1 problem " in out


def test_run_on_a_file_that_is_not_a_pdf(tmp_path, capsys):
    junk = tmp_path / "junk.pdf"
    junk.write_text("not a pdf")
    assert preflight.run([(junk, 0.08), (tmp_path / "absent.pdf", 0.08)]) == 1
    err = capsys.readouterr().err
    assert f"{junk}: cannot check:" in err and "absent.pdf: cannot check:" in err


def test_footnotes_and_cells_are_checked_in_their_own_size(tmp_path):
    """A tagged PDF's Note elements (as cjkpress's engine tags them) and table cells are paragraphs of
    their own size: a ragged first line and digits run against Han are found there as in the body."""
    import cjkpress.writers.pdf.engine  # noqa: F401 (tags footnotes as Note)

    note = (".footnote { float: footnote; font: 9pt/14pt 'Noto Serif CJK SC'; text-align: left; text-indent: 0 }"
            ".footnote::footnote-call, .footnote::footnote-marker { content: none }")
    body = (f"<h1>标题</h1><p>{FIRST}{FULL * 3}{han(5)}。</p>"
            f"<p>正文①。<span class='footnote' id='n1'>注文写于2023年。</span>"
            f"<span class='footnote' id='n2'>{han(30)}。</span></p>"
            "<table style='font-size: 9pt'><tr><td>甲</td><td>建于1998年</td></tr></table>")
    html = f'<html lang="zh-Hans"><style>{CSS}{note}</style>{body}</html>'
    path = tmp_path / "note.pdf"
    weasyprint.HTML(string=html).write_pdf(path, pdf_tags=True)
    report = preflight.check(path)
    # 23 Han of 9 pt fill 207 of the 210 pt measure: the second note's first line ends 0.33 em short.
    assert broken(report) == {"justification": 1, "han-latin-spacing": 4}
    assert sorted(lines(report, "han-latin-spacing")) == ["建于1998年"] * 2 + ["注文写于2023年。"] * 2


def test_all_text_has_han_latin_spacing_but_code_and_furniture(tmp_path):
    """Front matter and headings are checked for the quarter em too, in their own size; a code block
    (tagged Code by cjkpress's engine) and the running heads (artifacts) are not."""
    import cjkpress.writers.pdf.engine  # noqa: F401 (tags code and furniture)

    css = "@page { @top-center { content: '第2章'; font-size: 9pt; vertical-align: top } }"
    body = ("<p style='text-indent: 0'>2023年3月</p>"
            f"<h1 style='break-before: page'>第1章</h1><p>{FIRST}{FULL}{han(5)}。</p>"
            "<pre style='font: 9pt \"Noto Sans Mono CJK SC\"'># 构建PDF</pre>")
    path = tmp_path / "all.pdf"
    weasyprint.HTML(string=f'<html lang="zh-Hans"><style>{CSS}{css}</style>{body}</html>').write_pdf(
        path, pdf_tags=True)
    report = preflight.check(path)
    assert broken(report) == {"han-latin-spacing": 5}
    assert [(p.page, p.detail) for p in report.places["han-latin-spacing"]] == [
        (1, "3年 0.00 em apart"), (1, "年3 0.00 em apart"), (1, "3月 0.00 em apart"),
        (2, "第1 0.00 em apart"), (2, "1章 0.00 em apart")]


def test_short_pages_are_reported_and_accepted(tmp_path):
    """齐脚: page 1 ends a line short (the next paragraph's two lines go overleaf together, as orphans and
    widows ask), while its chapter goes on: reported with its page, but the PDF passes. Page 2 is full
    (its 13 lines show where the foot is); page 3, the chapter's last before the next chapter's title,
    may end short."""
    body = (f"{OPENING}<p>{FIRST}{FULL * 7}{han(4)}。</p><p>{FIRST}{han(5)}。</p><p>{FIRST}{FULL * 9}{han(5)}。</p>"
            f"<p>{FIRST}{han(5)}。</p><h1 style='break-before: page'>二</h1><p>{FIRST}{FULL}{han(5)}。</p>")
    report = preflight.check(build(body, tmp_path / "short.pdf"))
    assert [(p.page, p.detail) for p in report.places["short-page"]] == [(1, "the page ends 1 line above the foot")]
    assert report.ok and report.problems == 0
    assert "  short-page: 1 (accepted: no paragraph on these pages could be set a line longer)" in report.format()


@pytest.mark.parametrize("place, expected", [("top", []), ("bottom", [
    (1, "above the page's first line"), (1, "below the type area's last line"),
    (2, "above the page's first line"), (2, "below the type area's last line"),
    (3, "above the page's first line"), (3, "below the type area's last line")])])
def test_running_heads_and_folios_stand_clear_of_the_text(tmp_path, place, expected):
    """Tagged as artifacts by cjkpress's engine: a head set at the foot of the top margin (1.1 pitches
    over the first line) reads as a line of the text, a folio at the edge of a 50 pt margin (about 3
    pitches under the last line) is adrift; at the top of the margin and under the text, they are clear."""
    import cjkpress.writers.pdf.engine  # noqa: F401 (tags the page's furniture as artifacts)

    css = (f"@page {{ margin-bottom: 50pt; @top-center {{ content: '书名'; font-size: 9pt; vertical-align: {place} }}"
           f" @bottom-center {{ content: counter(page); font-size: 9pt; vertical-align: {place} }} }}")
    body = f"<h1>一</h1><p>{FIRST}{FULL * 24}{han(5)}。</p>"
    path = tmp_path / "heads.pdf"
    weasyprint.HTML(string=f'<html lang="zh-Hans"><style>{CSS}{css}</style>{body}</html>').write_pdf(
        path, pdf_tags=True)
    report = preflight.check(path)
    assert [(p.page, re.sub(r"^[0-9.]+ line pitches |, not.*", "", p.detail))
            for p in report.places["running-head"]] == expected
