"""Book-grade pages, measured on the PDFs: page labels, running heads and folios, on the seed, the
variants paper and the Markdown manual."""

import json
import math
import re
import shutil
import subprocess
from collections import Counter

import pdfplumber
import pytest
from pypdf import PdfReader

from cjkpress.book import load, settings
from cjkpress.design import TITLES, grid
from cjkpress.errors import InputError
from cjkpress.tree import NOTE_MARKS
from conftest import MANUAL, SEED, laid_out, write

FOLIO = re.compile(r"^([0-9]+|[ivxlc]+)$")


@pytest.fixture(scope="session", params=["seed", "variants", "manual"])
def book_pdf(request):
    """(job, screen PDF) of each book the page tests measure."""
    name = {"seed": ("job", "pdf_path"), "variants": ("variants_job", "variants_pdf"),
            "manual": ("manual_job", "manual_pdf")}[request.param]
    return tuple(request.getfixturevalue(fixture) for fixture in name)


def folios(path) -> list[str | None]:
    """The folio printed at the foot of each page (a number alone in the page's lowest eighth), or None."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            x0, top, x1, bottom = page.bbox
            words = page.within_bbox((x0, bottom - (bottom - top) / 8, x1, bottom)).extract_words()
            numbers = [w["text"] for w in words if FOLIO.match(w["text"])]
            found.append(numbers[-1] if numbers else None)
    return found


def test_page_labels_are_the_printed_folios(book_pdf, print_path):
    """The screen edition: 封一, then roman from the title page, arabic from the body, skipping the numbers
    of the blank pages it leaves out; the print edition: the book block alone, from i, its padding
    numbered on. A viewer's page box shows what the page prints."""
    job, path = book_pdf
    for edition in (path, print_path) if job.book.slug == "cyberspace-rule-of-law" else (path,):
        labels = PdfReader(edition).page_labels
        printed = folios(edition)
        front = labels[:labels.index("1")]
        if edition == path:
            assert front[:2] == ["封一", "i"]  # the cover's blank inside is left out
        else:
            assert front == ["i", "ii", "iii", "iv"]  # the book block starts at the title page
            assert labels[labels.index("1"):] == [str(n) for n in range(1, len(labels) - len(front) + 1)]
        body = [int(label) for label in labels[labels.index("1"):]]
        assert body == sorted(set(body)) and body[0] == 1
        numbered = [(i, folio) for i, folio in enumerate(printed) if folio]
        assert {"iii", "1"} <= {folio for _, folio in numbered}  # the 目录's first page, the body's
        assert all(labels[i] == folio for i, folio in numbered), [(i, labels[i], f) for i, f in numbered]


def baseline(char, page) -> float:
    """A glyph's baseline, from the page's top (pt)."""
    return page.height - char["matrix"][5]


def hairlines(page) -> list[dict]:
    """The horizontal rules under 1 pt drawn on a page: lines, thin rectangles, and the strip between two
    rectangles filled even-odd (as WeasyPrint draws a box's one-sided border)."""
    found = [r for r in page.lines + page.rects if r["bottom"] - r["top"] < 1]
    outer = [r for r in page.rects if r.get("evenodd")]
    for a in outer:
        for b in outer:
            if (a["x0"], a["x1"], a["top"]) == (b["x0"], b["x1"], b["top"]) and 0 < b["bottom"] - a["bottom"] < 1:
                found.append({"x0": a["x0"], "x1": a["x1"], "top": a["bottom"], "bottom": b["bottom"]})
    return found


@pytest.fixture(scope="session")
def furniture(book_pdf):
    """Per body page: (running head chars, folio chars, body baselines, horizontal rules), and the grid."""
    job, path = book_pdf
    g = grid(job.design)
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[PdfReader(path).page_labels.index("1"):]:
            chars = [c for c in page.chars if c["text"].strip()]
            head = [c for c in chars if baseline(c, page) < g.margin_top]
            foot = [c for c in chars if baseline(c, page) > page.height - g.margin_bottom]
            body = sorted({round(baseline(c, page), 1) for c in chars
                           if c not in head and c not in foot and round(c["size"], 1) == g.font_size})
            rules = [r for r in hairlines(page) if r["top"] < g.margin_top]
            found.append((head, foot, body, rules, page))
    return found, g


def grid_lines(pages, g) -> tuple[float, float]:
    """The baselines of the grid's first and last lines: body lines keep the grid's pitch from the type
    area's top, so any of them says where the first is; no text stands below the last."""
    offsets = Counter(round((b - g.margin_top) % g.line_pitch, 1) for _, _, body, _, _ in pages for b in body)
    first = g.margin_top + offsets.most_common(1)[0][0]
    last = first + (g.lines - 1) * g.line_pitch
    assert max(body[-1] for _, _, body, _, _ in pages if body) <= last + 0.1
    return first, last


def test_running_heads_stand_clear_of_the_text_over_a_rule(furniture):
    pages, g = furniture
    first, last = grid_lines(pages, g)
    headed = [p for p in pages if p[0]]
    assert headed
    for head, _, body, rules, page in pages:
        if not head:
            assert not rules  # chapter openings and blank pages: no head, no 眉线
            continue
        drop = first - max(baseline(c, page) for c in head)
        assert 1.5 * g.line_pitch - 1 <= drop <= 2 * g.line_pitch, page.page_number
        assert len(rules) >= 1 and all(r["x1"] - r["x0"] == pytest.approx(g.chars * g.font_size, abs=1) for r in rules)
        # The 眉线 lies between the head's glyphs and the first line's.
        assert max(c["bottom"] for c in head) < min(r["top"] for r in rules)
        assert max(r["bottom"] for r in rules) < first - g.font_size


def test_folios_stand_below_the_last_line_at_the_outer_edge(book_pdf, furniture):
    pages, g = furniture
    last = grid_lines(pages, g)[1]
    labels = PdfReader(book_pdf[1]).page_labels
    for _, foot, _, _, page in pages:
        if not foot:
            continue
        number = int(labels[page.page_number - 1])  # the screen edition leaves out blank pages
        assert "".join(c["text"] for c in foot) == str(number)
        assert 1.5 * g.line_pitch - 1 <= baseline(foot[0], page) - last <= 1.5 * g.line_pitch + 1
        left, right = min(c["x0"] for c in foot), max(c["x1"] for c in foot)
        if number % 2:  # a recto: the outer edge is the right one
            assert right == pytest.approx(page.width - g.margin_outside, abs=0.5)
        else:
            assert left == pytest.approx(g.margin_outside, abs=0.5)


def test_contents_title_centred_leaders_and_number_column_alike(book_pdf):
    job, path = book_pdf
    g = grid(job.design)
    labels = PdfReader(path).page_labels
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[labels.index("iii")]
        chars = [c for c in page.chars if c["text"].strip()]
        title = [c for c in chars if c["size"] > 15]
        assert "".join(c["text"] for c in title) == "目录"
        centre = (title[0]["x0"] + title[-1]["x1"]) / 2
        assert centre == pytest.approx(g.margin_inside + g.chars * g.font_size / 2, abs=0.5)  # a recto
        rows = {}
        for c in chars:
            if c not in title and baseline(c, page) < page.height - g.margin_bottom:
                rows.setdefault(round(baseline(c, page), 1), []).append(c)
        gaps, ends, faces = [], [], set()
        for row in rows.values():
            row.sort(key=lambda c: c["x0"])
            dots = [i for i, c in enumerate(row) if c["text"] == "."]
            if not dots:
                continue  # a part's title, or a heading's first line
            number = row[dots[-1] + 1:]
            assert number and "".join(c["text"] for c in number).isdigit()
            gaps.append(number[0]["x0"] - row[dots[-1]]["x1"] + sum(c["x1"] - c["x0"] for c in number))
            ends.append(number[-1]["x1"])
            faces |= {(c["fontname"], round(c["size"], 1)) for c in number + [row[i] for i in dots]}
        assert len(gaps) >= 5
        assert max(ends) - min(ends) < 0.3  # numbers flush right
        assert max(gaps) - min(gaps) < 0.3  # the leader ends as far from every number's column
        assert len(faces) == 1  # dots and figures in one face and size at every level


@pytest.fixture(scope="session")
def imprinted(tmp_path_factory):
    """The seed with a book.yaml that gives a 版权页 everything, and section heads after 2 pages."""
    folder = tmp_path_factory.mktemp("imprinted") / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text(
        "isbn: 978-7-115-54608-1\nedition: 2024年5月第2版\ncip: |\n  新时代的中国网络法治建设 / 国务院新闻办公室著.\n"
        "  —北京：人民出版社，2023.3\n  ISBN 978-7-115-54608-1\ndesign:\n  section_heads_after: 2\n", encoding="utf-8")
    job = laid_out(folder, folder.parent / "out")
    return job, write(job, "pdf")


def heads_and_titles(path, g):
    """Per body page: (its folio, its running head, the chapter's title, the title of the section in force:
    the first to begin on the page, or else the last before it)."""
    found, chapter, section = [], None, None
    labels = PdfReader(path).page_labels
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[labels.index("1"):]:
            chars = [c for c in page.chars if c["text"].strip()]
            head = "".join(c["text"] for c in chars if baseline(c, page) < g.margin_top)
            titles = {}  # size → the titles of that size, a line each, in order
            for c in chars:
                titles.setdefault(round(c["size"]), {}).setdefault(round(baseline(c, page)), []).append(c["text"])
            if 16 in titles:
                chapter, section = "".join(sum(titles[16].values(), [])), None
            sections = ["".join(line) for line in titles.get(12, {}).values()]
            found.append((int(labels[page.page_number - 1]), head, chapter, sections[0] if sections else section))
            section = sections[-1] if sections else section
    return found


def test_running_heads_name_the_book_the_chapter_and_in_long_chapters_the_section(job, pdf_path, imprinted):
    g = grid(job.design)
    title = job.book.metadata.title
    for path, long in ((pdf_path, False), (imprinted[1], True)):
        pages = heads_and_titles(path, g)
        sections = 0
        for number, head, chapter, section in pages:
            if not head:
                continue
            if number % 2 == 0:
                assert head == title
            elif long and section:
                assert head == section, number
                sections += 1
            else:
                assert head == chapter, number
        assert bool(sections) == long


def test_the_colophon_gives_the_imprint_from_the_finished_layout(imprinted):
    """印张 and 字数 count the pages of the book block the printer gets: the print edition's."""
    job, path = imprinted
    g = grid(job.design)
    reader = PdfReader(path)
    pages = len(PdfReader(write(job, "print")).pages)
    assert pages % 16 == 0
    text = re.sub(r"\s+", "", reader.pages[reader.page_labels.index("ii")].extract_text())
    assert "开本185mm×260mm，16开" in text
    assert f"印张{math.ceil(pages / 16 * 4) / 4:g}" in text
    assert f"字数{round(g.chars * g.lines * pages / 1000)}千字" in text
    assert "版次2024年5月第2版" in text and "印次2023年3月第1次印刷" in text
    assert "书号ISBN978-7-115-54608-1" in text and "图书在版编目（CIP）数据" in text and "人民出版社" in text
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[reader.page_labels.index("ii")]
        lowest = max(baseline(c, page) for c in page.chars)
        # It stands at the foot: its last line on the type area's last line (9 pt type, within a line).
        assert page.height - g.margin_bottom - g.line_pitch < lowest < page.height - g.margin_bottom


def test_a_wrong_isbn_is_an_error_with_its_line(tmp_path):
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text("title: 书\nisbn: 978-7-115-54608-2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(folder)
    assert err.value.line == 2 and "check digit" in str(err.value)


def test_a_wrong_guess_of_the_counts_changes_no_byte(pdf_path, print_path, tmp_path):
    """The layout starts from the last build's page count and decisions: whatever they say, the PDF is
    the same."""
    cache = tmp_path / ".cache" / "cyberspace-rule-of-law.units.json"
    cache.parent.mkdir()
    cache.write_text('{"pages": 3, "units": {"0": {"printed": {}, "longer": [["ch-1", 2]]}}}', encoding="utf-8")
    job = laid_out(SEED, tmp_path)
    assert write(job, "pdf").read_bytes() == pdf_path.read_bytes()
    record = json.loads(cache.read_text(encoding="utf-8"))
    assert record["pages"] == len(PdfReader(print_path).pages)
    assert len(record["units"]) == len(job.book.chapters) and "0" not in record["units"]


def test_a_long_title_breaks_into_balanced_lines_on_the_cover(tmp_path):
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    (folder / "book.yaml").write_text("title: 新时代的中国军控、裁军与防扩散\n", encoding="utf-8")
    job = laid_out(folder, tmp_path / "out")
    g = grid(job.design)
    with pdfplumber.open(write(job, "pdf")) as pdf:
        rows = {}
        for c in pdf.pages[0].chars:
            if round(c["size"]) == TITLES["cover"][0]:
                rows.setdefault(round(c["top"]), []).append(c)
    lines = ["".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])) for _, row in sorted(rows.items())]
    # Filled first, it would be 新时代的中国军控、裁军与防扩 / 散.
    assert lines == ["新时代的中国军控、", "裁军与防扩散"]
    for row in rows.values():
        assert max(c["x1"] for c in row) - min(c["x0"] for c in row) <= g.chars * g.font_size


def test_justified_lines_are_spread_evenly(book_pdf):
    """The preflight's spacing: no justified line opens its Han characters wider than the book allows,
    most far less (the seed: 0.087 em at worst before 挤进 and the drawing fix); and each line's gaps
    are one width, as laid out (WeasyPrint's drawing drifted by a thousandth of an em a glyph)."""
    from cjkpress.preflight import check
    from cjkpress.preflight.glyphs import read
    from cjkpress.preflight.rules import is_han

    job, path = book_pdf
    allowed = settings(job.book.config.parent if job.book.config else job.book.source)[1].design["max_spread"]
    report = check(path, allowed)
    assert report.count("spacing") == 0 and 0 < report.spread(1) <= allowed
    assert report.spread(0.95) <= 0.06
    pages = read(path, PdfReader(path))
    for line in pages.body:
        # Code is never spaced inside.
        gaps = [b.x0 - a.x1 for a, b in zip(line.ink, line.ink[1:])
                if is_han(a.text) and is_han(b.text) and "Mono" not in a.font + b.font]
        if not line.last and gaps:
            assert max(gaps) - min(gaps) < 0.003 * pages.em, (line.page, "".join(g.text for g in line.ink))


def test_every_text_is_set_by_the_rules(book_pdf):
    """A quarter em between Han and Latin in all text, not only the body's paragraphs: the cover, the
    title page, the 版权页 ("2023年3月", "185 mm × 260 mm，16开"), the 目录, headings and notes (not code,
    nor the running heads: artifacts); and copying still gives the text as written."""
    from cjkpress.preflight.rules import is_han, is_latin

    job, path = book_pdf
    labels = PdfReader(path).page_labels
    gaps = {}
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            rows = {}
            for c in page.chars:
                if c["mcid"] is not None and c["text"].strip() and "Mono" not in c["fontname"]:
                    rows.setdefault(round(baseline(c, page)), []).append(c)
            for row in rows.values():
                row.sort(key=lambda c: c["x0"])
                for a, b in zip(row, row[1:]):
                    if is_han(a["text"]) and is_latin(b["text"]) or is_latin(a["text"]) and is_han(b["text"]):
                        where = "front" if number < labels.index("1") else "body"
                        gaps.setdefault(where, []).append(((b["x0"] - a["x1"]) / min(a["size"], b["size"]),
                                                           page.page_number, a["text"] + b["text"]))
    assert len(gaps["front"]) >= 10  # a date on the cover, the title page and in the 版权页; its 开本…
    assert min(gaps["front"])[0] >= 0.2 and min(gaps["body"])[0] >= 0.2, (min(gaps["front"]), min(gaps["body"]))
    title = str(labels.index("i") + 1)
    title_page = subprocess.run(["pdftotext", "-f", title, "-l", title, str(path), "-"], capture_output=True,
                                text=True, check=True).stdout
    assert f"（{job.book.metadata.date_label}）" in title_page


def test_footnotes_hang_their_marks_and_are_justified(manual_job, manual_pdf):
    """A note's mark stands at the type area's left edge; every line of its text starts after the
    widest mark and an en space; its lines but the last end flush at the right edge."""
    from cjkpress.preflight.glyphs import read

    g = grid(manual_job.design)
    pages = read(manual_pdf, PdfReader(manual_pdf))
    notes = {}
    for line in pages.lines:
        if line.block and line.block.kind == "/Note":
            notes.setdefault(line.block.key, []).append(line)
    long_notes = [lines for lines in notes.values() if len(lines) > 1]
    assert len(notes) >= 5 and long_notes
    hang = manual_job.lines.note_hang * g.note_size
    assert hang == pytest.approx(1.5 * g.note_size, abs=0.1)  # the circled marks are an em wide
    for lines in notes.values():
        left = pages.left[pages.sides[lines[0].page]]  # by folio: blank pages are left out
        mark, text = lines[0].ink[0], lines[0].ink[1]
        assert mark.text in "①②③④⑤⑥⑦⑧⑨⑩" and mark.x0 == pytest.approx(left, abs=0.3)
        assert text.x0 == pytest.approx(left + hang, abs=0.3)
        for line in lines[1:]:
            assert line.ink[0].x0 == pytest.approx(left + hang, abs=0.3), line.text
        for line in lines[:-1]:
            end = line.ink[-1].x1 if line.ink[-1].text not in "，。、；：" else line.ink[-1].x0 + g.note_size
            assert end == pytest.approx(left + pages.measure, abs=0.05 * g.note_size), line.text


def test_long_headings_break_into_balanced_lines(tmp_path):
    """A heading longer than the measure, at its size, breaks into lines as even as clreq's break
    rules allow: never one character alone, never inside a Latin word; its Han and Latin a quarter
    em apart."""
    from cjkpress.preflight.rules import is_han, is_latin

    folder = tmp_path / "book"
    folder.mkdir()
    chapter = "在数字时代构建面向未来的中文排版与出版流水线的若干设想与实践"  # 29 of 24.9 em at 16 pt
    section = "用WeasyPrint与HarfBuzz把每一行中文按照规则先排好再交给排版引擎分页的做法"
    (folder / "book.md").write_text(f"---\ntitle: 书\n---\n# {chapter}\n\n正文。\n\n## {section}\n\n正文。\n",
                                    encoding="utf-8")
    job = laid_out(folder / "book.md", tmp_path / "out")
    g = grid(job.design)
    labels = PdfReader(path := write(job, "pdf")).page_labels
    found = {}
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[labels.index("1")]
        for c in page.chars:
            if round(c["size"]) in (TITLES["chapter-title"][0], TITLES["section-title"][0]) and c["mcid"] is not None:
                found.setdefault(round(c["size"]), {}).setdefault(round(baseline(c, page)), []).append(c)
    for size, text in ((TITLES["chapter-title"][0], chapter), (TITLES["section-title"][0], section)):
        rows = [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(found[size].items())]
        lines = ["".join(c["text"] for c in row) for row in rows]
        assert "".join(lines) == text and len(lines) == 2, lines
        widths = [row[-1]["x1"] - row[0]["x0"] for row in rows]
        assert max(widths) - min(widths) <= 2 * size, (lines, widths)  # filled first: 24 em + 5, 33 + 8
        assert all(not (is_latin(a[-1]) and is_latin(b[0])) for a, b in zip(lines, lines[1:]))
        for row in rows:
            assert row[-1]["x1"] - row[0]["x0"] <= g.chars * g.font_size
            for a, b in zip(row, row[1:]):
                if is_han(a["text"]) and is_latin(b["text"]) or is_latin(a["text"]) and is_han(b["text"]):
                    assert b["x0"] - a["x1"] >= 0.2 * size


def test_short_pages_are_filled_by_setting_a_paragraph_a_line_longer(pdf_path, tmp_path, monkeypatch):
    """齐脚 by 伸行: the seed laid out as WeasyPrint leaves it has pages that end short (orphans and
    widows avoided); the build sets a paragraph on each of them a line longer where one can be, so
    those pages end on the foot, and nothing moves to another page (the page count stays)."""
    import cjkpress.writers.pdf.units as units
    from cjkpress.preflight import check
    from cjkpress.writers.pdf.foot import short_pages

    monkeypatch.setattr(units, "fill_short_pages", lambda document, book, lines, pitch, done, loose:
                        short_pages(document, pitch))
    folder = tmp_path / "book"
    shutil.copytree(SEED, folder)
    unfilled = write(laid_out(folder, tmp_path / "out"), "pdf")
    before = {p.page for p in check(unfilled).places["short-page"]}
    after = {p.page for p in check(pdf_path).places["short-page"]}
    assert after < before, (before, after)
    assert len(PdfReader(unfilled).pages) == len(PdfReader(pdf_path).pages)


def marks_by_page(path, g) -> list[tuple[list[str], list[str]]]:
    """Per page: the note calls in the text (raised, at 0.7 of its size), and the marks at the foot, in order."""
    found = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            marks = [c for c in sorted(page.chars, key=lambda c: (round(c["top"]), c["x0"])) if c["text"] in NOTE_MARKS]
            found.append(([c["text"] for c in marks if c["size"] == pytest.approx(0.7 * g.font_size, abs=0.05)],
                          [c["text"] for c in marks if c["size"] == pytest.approx(g.note_size, abs=0.05)]))
    return found


def test_notes_numbered_by_page_start_again_at_one_on_every_page(tmp_path):
    """A note stands at the foot of its call's page; with design.note_numbering: page, ① begins each page."""
    folder = tmp_path / "manual"
    shutil.copytree(MANUAL, folder)
    with (folder / "05-design.md").open("a", encoding="utf-8") as chapter:  # the chapter's third note, pages on
        chapter.write("\n页码也是这样排的[^folio]。\n\n[^folio]: 书眉和页码都从版心推算。\n")
    chapter_job = laid_out(folder, tmp_path / "chapter")
    config = folder / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("design:\n", "design:\n  note_numbering: page\n"),
                      encoding="utf-8")
    page_job = laid_out(folder, tmp_path / "page")
    g = grid(page_job.design)
    by_chapter, by_page = marks_by_page(write(chapter_job, "pdf"), g), marks_by_page(write(page_job, "pdf"), g)
    assert any(foot and foot[0] != "①" for _, foot in by_chapter)  # the chapter's count goes on over pages
    assert len(by_page) == len(by_chapter)
    for (text, foot), (text_before, foot_before) in zip(by_page, by_chapter):
        assert text == foot == NOTE_MARKS[:len(foot)]  # ① again on each page, calls and notes alike
        assert text_before == foot_before  # never a note overleaf from its call
        assert len(text) == len(text_before)  # the same notes on the same pages


def test_a_page_no_paragraph_can_fill_takes_a_lone_line_instead(pdf_path, tmp_path):
    """孤行 rather than 不齐脚: where no paragraph ending on a short page can be set a line longer, the next
    page's first paragraph may leave a line alone. The build names those pages in the PDF; the preflight
    finds the widow or orphan there (in a tagged PDF, whose paragraphs are an element a page) and accepts
    it. The same PDF without the build's word fails."""
    from pypdf import PdfWriter

    from cjkpress.preflight import ACCEPTED_KEY, check

    report = check(pdf_path)
    accepted = report.places["accepted-lone-line"]
    assert accepted and report.ok
    assert not report.places["widow"] and not report.places["orphan"]
    labels = PdfReader(pdf_path).page_labels
    named = str(PdfReader(pdf_path).trailer["/Info"][ACCEPTED_KEY]).split()
    assert {labels[p.page - 1] for p in accepted} <= set(named)
    writer = PdfWriter(clone_from=pdf_path)
    del writer._info.get_object()[ACCEPTED_KEY]
    writer.write(tmp_path / "unsaid.pdf")
    bare = check(tmp_path / "unsaid.pdf")
    assert len(bare.places["widow"]) + len(bare.places["orphan"]) == len(accepted) and not bare.ok
