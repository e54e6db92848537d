"""Facts about the typeset PDF itself: outline, text, fonts, pages, metadata."""

import re
import subprocess

import pdfplumber
import pytest
from pypdf import PdfReader

from cjkpress.design import grid
from cjkpress.tree import Paragraph

PT_PER_MM = 72 / 25.4


@pytest.fixture(scope="session")
def reader(pdf_path):
    return PdfReader(pdf_path)


def type_area(pdf_path, design):
    """Per page: (left, top, width, height) of the type area in pt, with 2 pt to spare."""
    g = grid(design)
    with pdfplumber.open(pdf_path) as pdf:
        return [(0, g.margin_top - 2, p.width, p.height - g.margin_top - g.margin_bottom + 4) for p in pdf.pages]


@pytest.fixture(scope="session")
def pages(pdf_path, design):
    """Per page: (text of the type area, text above it, text below it), as pdfplumber reads it."""
    result = []
    with pdfplumber.open(pdf_path) as pdf:
        for page, (x, top, width, height) in zip(pdf.pages, type_area(pdf_path, design)):
            area = page.within_bbox((x, top, width, top + height)).extract_text()
            head = page.within_bbox((0, 0, page.width, top)).extract_text()
            foot = page.within_bbox((0, top + height, page.width, page.height)).extract_text()
            result.append((area, head, foot))
    return result


@pytest.fixture(scope="session")
def glyph_text(pdf_path, design, reader):
    """The text layer of the body: the text of every glyph in the type area, in drawing order."""
    first = reader.get_destination_page_number(reader.outline[0])
    texts = []
    with pdfplumber.open(pdf_path) as pdf:
        for page, (x, top, width, height) in list(zip(pdf.pages, type_area(pdf_path, design)))[first:]:
            texts.extend(c["text"] for c in page.within_bbox((x, top, width, top + height)).chars)
    return "".join(texts)


@pytest.fixture(scope="session")
def pdftotext(pdf_path, design):
    """What poppler's pdftotext (and a viewer's copy) gives for the type area of every page."""
    texts = []
    for number, (x, top, width, height) in enumerate(type_area(pdf_path, design), 1):
        crop = [f"-{k}" for k in "xyWH"]
        values = [str(round(v)) for v in (x, top, width, height)]
        args = [a for pair in zip(crop, values) for a in pair]
        run = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), *args, str(pdf_path), "-"],
                             capture_output=True, text=True, check=True)
        texts.append(run.stdout)
    return "".join(texts)


def outline(reader, items=None):
    """The bookmarks as nested (title, [children]) pairs."""
    items = reader.outline if items is None else items
    result = []
    for item in items:
        if isinstance(item, list):
            result[-1][1].extend(outline(reader, item))
        else:
            result.append((item.title, []))
    return result


def test_bookmarks_equal_the_headings(reader, book):
    expected = [(c.heading, [(s.heading, []) for s in c.sections]) for c in book.chapters]
    assert outline(reader) == expected


def test_bookmarks_point_at_the_heading_pages(reader, pages, book):
    flat = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                flat.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    for title, number in flat:
        assert title in pages[number][0].replace("\n", ""), title


def assert_paragraphs_in_order(text, book):
    position = 0
    for paragraph in book.paragraphs():
        found = text.find(paragraph.text, position)
        assert found >= 0, f"paragraph of line {paragraph.line} not found verbatim: {paragraph.text[:30]}"
        position = found + len(paragraph.text)


def test_text_layer_is_the_source_text(glyph_text, book):
    # Spacing is drawn, never written: no inserted spaces, joiners or other characters.
    assert_paragraphs_in_order(glyph_text, book)
    assert not set(glyph_text) & {"\u200b", "\u2060", "\u00ad", "\ufeff"}
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef] | [\u3000-\u9fff\uff00-\uffef]", glyph_text)


def test_pdftotext_gives_every_paragraph_verbatim(pdftotext, book):
    assert_paragraphs_in_order(pdftotext.replace("\n", "").replace("\f", ""), book)


def test_fonts_are_embedded_subsets_of_the_sc_faces(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    names = {re.sub(r"^/?[A-Z]{6}\+", "", name) for name in fonts}
    assert all(re.match(r"^/?[A-Z]{6}\+", name) for name in fonts), "fonts are subsets"
    # Body in the serif, headings and run-in heads in the bold sans; no fallback face.
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= names
    assert all(re.fullmatch(r"Noto-(Serif|Sans)-CJK-SC(-Bold)?", name) for name in names), names


def test_the_cjk_faces_are_compact_cff_drawing_each_cid_as_the_face_does(reader, design):
    """Noto CJK is embedded as a bare CID-keyed CFF (FontFile3 /CIDFontType0C) holding only the glyphs the
    text uses, each under its CID (the code the text draws it by): its outline is the installed face's
    glyph of that id, so the page draws what the layout measured."""
    import io

    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont
    from fontTools.cffLib import CFFFontSet

    from cjkpress import fonts as faces

    checked = 0
    for page in reader.pages[4:6]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            cid_font = font["/DescendantFonts"][0].get_object()
            file = cid_font["/FontDescriptor"]["/FontFile3"].get_object()
            assert file["/Subtype"] == "/CIDFontType0C" and cid_font["/Subtype"] == "/CIDFontType0"
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(file.get_data()), None)
            top = cff[cff.fontNames[0]]
            held = {int(name[3:]) for name in top.charset if name.startswith("cid")}
            assert 10 < len(held) < 3000  # the glyphs the book uses, not the 63 000 ids up to the last one
            family = "Noto Serif CJK SC" if "Serif" in str(font["/BaseFont"]) else "Noto Sans CJK SC"
            face = faces.find(family, bold="Bold" in str(font["/BaseFont"]))
            installed = TTFont(face.path, fontNumber=face.index, lazy=True)
            strings, order = installed["CFF "].cff.topDictIndex[0].CharStrings, installed.getGlyphOrder()
            for cid in sorted(held)[1::max(1, len(held) // 20)]:
                ours, theirs = BoundsPen(None), BoundsPen(None)
                top.CharStrings[f"cid{cid:05d}"].draw(ours)
                strings[order[cid]].draw(theirs)
                assert ours.bounds == theirs.bounds, (family, cid)
                checked += 1
    assert checked > 20


def test_document_metadata(reader, book):
    info = reader.metadata
    assert info.title == book.metadata.title
    assert info.author == book.metadata.creator
    assert info["/CreationDate"].startswith("D:202303")
    assert reader.trailer["/Root"]["/Lang"] == "zh-Hans"


def test_page_size_is_16kai(reader):
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / PT_PER_MM), round(float(box.height) / PT_PER_MM)) == (185, 260)


def folio(foot):
    return foot.strip() if foot and foot.strip().isdigit() else None


def test_toc_page_numbers_are_the_printed_folios(pages, book):
    toc = next(area for area, _, _ in pages if area.startswith("目 录") or area.startswith("目录"))
    entries = dict(re.findall(r"^(\S+?)\.*\s?(\d+)$", toc.replace(" ", ""), re.M))
    for chapter in book.chapters:
        printed = int(entries[chapter.heading])
        page = next(i for i, (area, _, _) in enumerate(pages) if area.replace("\n", "").startswith(chapter.heading))
        # A chapter opening page carries its folio at the foot.
        assert folio(pages[page][2]) == str(printed), chapter.heading


@pytest.fixture(scope="session")
def labels(reader):
    return reader.page_labels


def test_chapters_open_on_right_hand_pages_numbered_from_one(pages, book, labels):
    """On an odd folio, as printed; the screen edition leaves out the blank pages before them, so one
    may follow the last page of the chapter before it (另面起)."""
    opening = [i for i, (area, _, _) in enumerate(pages) if area.replace("\n", "").startswith(tuple(c.heading for c in book.chapters))]
    assert len(opening) == len(book.chapters)
    assert all(int(labels[i]) % 2 == 1 for i in opening), "odd page numbers are right-hand pages"
    assert folio(pages[opening[0]][2]) == "1"
    assert any(int(labels[i]) - int(labels[i - 1]) == 2 for i in opening[1:])  # a blank verso left out


def test_running_heads(pages, book, labels):
    title = book.metadata.title
    chapters = [c.heading for c in book.chapters]
    left = [head for i, (_, head, _) in enumerate(pages) if head and int(labels[i]) % 2 == 0]
    right = [head for i, (_, head, _) in enumerate(pages) if head and int(labels[i]) % 2 == 1]
    assert left and all(head.strip() == title for head in left)
    assert right and all(head.strip() in chapters for head in right)
    # Chapter opening pages carry no running head.
    for area, head, _ in pages:
        if area.replace("\n", "").startswith(tuple(chapters)):
            assert not head


def test_preflight_passes(pdf_path):
    from cjkpress.preflight import check

    report = check(pdf_path)
    assert report.ok, report.format()


def test_engine_extensions_are_installed():
    # cjkpress.engine replaces three WeasyPrint functions; if WeasyPrint's
    # drawing or tagging moved, the pdftotext and structure tests fail with it.
    import weasyprint.document
    import weasyprint.draw
    import weasyprint.pdf.tags

    from cjkpress.writers.pdf import engine

    assert weasyprint.draw.draw_inline_level is engine.draw_inline_level
    assert weasyprint.document.draw_page is engine.draw_page
    assert weasyprint.pdf.tags._build_box_tree is engine.build_box_tree


def test_page_starts_are_the_tops_of_the_printed_pages(page_map, pages, book, pdf_path):
    from cjkpress.writers.pagemap import page_tops

    tops = {c.id: page_tops(c) for c in book.chapters}
    printed = PdfReader(pdf_path).page_labels
    first_body = printed.index("1")
    assert [start.label for start in page_map.pages] == [str(n) for n in range(1, int(printed[-1]) + 1)]
    for start in page_map.pages:
        top = tops[start.chapter][start.block]
        expected = top.text[start.offset:][:12] if isinstance(top, Paragraph) else top.heading
        # A blank verso (left out of the screen edition) begins where the next page does.
        following = [i for i, label in enumerate(printed) if i >= first_body and int(label) >= int(start.label)]
        area = pages[following[0]][0]
        # pdfplumber reads the quarter em between Han and digits as a space.
        assert re.sub(r"\s", "", area).startswith(expected), (start, area[:20])


def test_front_matter_titles_are_centred(pdf_path, book, design):
    g = grid(design)
    with pdfplumber.open(pdf_path) as pdf:
        for number in (0, PdfReader(pdf_path).page_labels.index("i")):  # the cover, the title page: rectos
            page = pdf.pages[number]
            title = [c for c in page.chars if c["text"] in book.metadata.title and c["size"] > 15]
            middle = (min(c["x0"] for c in title) + max(c["x1"] for c in title)) / 2
            type_area_middle = g.margin_inside + (page.width - g.margin_inside - g.margin_outside) / 2
            # 1.5 pt: the cover title's letter-spacing follows its last character too.
            assert middle == pytest.approx(type_area_middle, abs=1.5), number
