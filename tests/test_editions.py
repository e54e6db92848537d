"""The two PDF editions, read back as objects: a tagged screen PDF and a PDF/X print PDF."""

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from cjkpress.writers.pdf.join import BFCHAR, cid_widths
from conftest import PT_PER_MM, separation_lines


def structure(reader: PdfReader):
    """Every structure element, depth first: (tag, element, page index)."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    found = []

    def walk(element, page):
        element = element.get_object()
        if "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
        if "/S" in element:
            found.append((element["/S"], element, page))
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid, page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return found


def mcids_of(element) -> list[int]:
    """The marked-content ids an element (pikepdf) holds itself."""
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    return [int(kid) for kid in kids if isinstance(kid, int)] + [
        int(kid.MCID) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid]


def mcids(element) -> list[int]:
    kids = element.get("/K", [])
    result = []
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, int):
            result.append(kid)
        elif isinstance(kid, dict):
            result += mcids(kid)
    return result


@pytest.fixture(scope="session")
def screen(pdf_path):
    return PdfReader(pdf_path)


@pytest.fixture(scope="session")
def marked_text(pdf_path):
    """(page index, marked-content id) → text, and the text drawn as artifacts."""
    by_mcid, artifacts = {}, []
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("tag") == "Artifact":
                    artifacts.append((i, char["text"]))
                elif char.get("mcid") is not None:
                    by_mcid[i, char["mcid"]] = by_mcid.get((i, char["mcid"]), "") + char["text"]
    return by_mcid, artifacts


def test_headings_in_the_structure_tree_are_the_books(screen, marked_text, book):
    by_mcid, _ = marked_text
    headings = [(tag, "".join(by_mcid.get((page, m), "") for m in mcids(element)))
                for tag, element, page in structure(screen) if tag in ("/H1", "/H2", "/H3")]
    expected = []
    for chapter in book.chapters:
        expected.append(("/H1", chapter.heading))
        expected += [("/H2", section.heading) for section in chapter.sections]
    assert headings == expected


def test_paragraphs_contents_and_furniture(screen, marked_text, book):
    tags = [tag for tag, _, _ in structure(screen)]
    assert tags.count("/P") >= len(book.paragraphs())
    entries = sum(len(top.flat()) for top in book.contents())
    assert tags.count("/TOCI") == entries and tags.count("/TOC") >= 1
    assert "/L" not in tags[tags.index("/TOC"): tags.index("/TOC") + 2 * entries]
    # Running heads and folios are artifacts, not content.
    _, artifacts = marked_text
    furniture = "".join(text for _, text in artifacts)
    assert book.metadata.title in furniture and sum(c.heading in furniture for c in book.chapters) >= 4
    assert "1" in furniture and "23" in furniture  # folios


def test_screen_edition_is_marked_for_assistive_technology(screen):
    root = screen.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/Lang"] == "zh-Hans"
    xmp = screen.xmp_metadata.rdf_root.toxml()
    assert 'pdfuaid:part="1"' in xmp


def test_print_edition_boxes_and_marks(print_path):
    """MediaBox > BleedBox > TrimBox: the 3 mm bleed inside a slug that holds the crop marks, 0.25 pt in
    the registration colour, each from 3 mm outside the trim outwards along a trim edge."""
    reader = PdfReader(print_path)
    for page in reader.pages:
        trim = [float(v) / PT_PER_MM for v in page["/TrimBox"]]
        bleed = [float(v) / PT_PER_MM for v in page["/BleedBox"]]
        media = [float(v) / PT_PER_MM for v in page.mediabox]
        assert trim == pytest.approx([0, 0, 185, 260], abs=0.01)
        assert bleed == pytest.approx([-3, -3, 188, 263], abs=0.01)
        assert media[0] < -3 - 5 and media[1] < -3 - 5 and media[2] > 188 + 5 and media[3] > 263 + 5  # a slug
        marks = separation_lines(reader, page)
        assert len(marks) == 8
        for name, line_width, (x0, y0), (x1, y1) in marks:
            assert name == "/All" and line_width == 0.25
            on_edge = [v == pytest.approx(edge, abs=0.01) for v, edge in ((x0, 0), (x0, 185), (y0, 0), (y0, 260))]
            assert (x0 == x1 and any(on_edge[:2])) or (y0 == y1 and any(on_edge[2:]))  # along a trim edge
            # outside the bleed: every point of the mark 3 mm or more from the trim box
            for x, y in ((x0, y0), (x1, y1)):
                outside = max(-x, x - 185, -y, y - 260)
                assert outside >= 3, (x, y)


def test_print_edition_is_the_book_block_in_whole_signatures(pdf_path, print_path, design):
    """From the title page (the cover is printed apart) to blank pages that fill the last signature."""
    screen, printed = PdfReader(pdf_path), PdfReader(print_path)
    assert len(printed.pages) % design.signature == 0
    title = screen.page_labels.index("i")
    assert printed.pages[0].extract_text() == screen.pages[title].extract_text()
    padding = len(printed.pages) - max(i for i, p in enumerate(printed.pages) if p.extract_text().strip()) - 1
    assert 0 <= padding < design.signature


def test_print_edition_is_pdf_x4_with_an_output_intent(print_path):
    reader = PdfReader(print_path)
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX" and "/DestOutputProfile" in intent
    assert intent["/DestOutputProfile"].get_object()["/N"] == 4  # a CMYK profile
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in reader.xmp_metadata.rdf_root.toxml()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor


def test_both_editions_have_the_same_pages(pdf_path, print_path):
    """The same pages, blank ones aside: the screen edition has the cover and no blank page (a chapter
    opens on the page after the last), the print edition its book block."""
    def texts(path):
        with pdfplumber.open(path) as pdf:
            return ["".join(c["text"] for c in page.chars) for page in pdf.pages]

    screen, printed = texts(pdf_path), texts(print_path)
    assert all(screen) and screen[1:] == [text for text in printed if text]


def test_print_edition_is_reproducible(layout, print_path):
    assert layout.print_pdf() == print_path.read_bytes()


def test_print_colours_are_cmyk(print_path):
    with pdfplumber.open(print_path) as pdf:
        cover = pdf.pages[0]
        colours = {tuple(c["non_stroking_color"] or ()) for c in cover.chars} | {
            tuple(r.get("non_stroking_color") or ()) for r in cover.rects}
    assert colours and all(len(colour) == 4 for colour in colours if colour)


def test_figures_are_tagged_with_their_alt_text(tmp_path):
    from conftest import figure_book, laid_out, write

    folder = figure_book(tmp_path / "figure-book", caption="图1 网民规模")
    pdf = write(laid_out(folder, tmp_path), "pdf")
    figures = [element for tag, element, _ in structure(PdfReader(pdf)) if tag == "/Figure"]
    assert [str(f["/Alt"]) for f in figures] == ["图1 网民规模"]


@pytest.fixture(scope="session", params=["screen", "print"])
def joined(request, pdf_path, print_path):
    """An edition as pikepdf reads it: joined from the units' PDFs (writers/pdf/join.py)."""
    return pikepdf.open(pdf_path if request.param == "screen" else print_path)


def test_each_face_is_embedded_once_for_the_whole_book(joined):
    """Every page draws a face through one font dictionary, whose one font file holds its glyphs of
    every chapter: each glyph the pages draw has a width and a Unicode value in it."""
    by_name, drawn = {}, {}
    for page in joined.pages:
        for name, font in page.Resources.Font.items():
            assert by_name.setdefault(str(font.BaseFont), font.objgen) == font.objgen
        for operands, operator in pikepdf.parse_content_stream(page, "Tf Tj TJ"):
            if operator == pikepdf.Operator("Tf"):
                face = page.Resources.Font[operands[0]]
            else:
                for item in operands[0] if operator == pikepdf.Operator("TJ") else operands:
                    if isinstance(item, pikepdf.String):
                        codes = bytes(item)
                        drawn.setdefault(face.objgen, set()).update(
                            int.from_bytes(codes[i:i + 2], "big") for i in range(0, len(codes), 2))
    files = {font.DescendantFonts[0].FontDescriptor.get("/FontFile3", font.DescendantFonts[0].FontDescriptor.get(
        "/FontFile2")).objgen for font in (joined.get_object(objgen) for objgen in by_name.values())}
    assert len(by_name) >= 2 and len(files) == len(by_name)
    for objgen, cids in drawn.items():
        font = joined.get_object(objgen)
        widths = cid_widths(font.DescendantFonts[0].W)
        mapped = {int(glyph, 16) for glyph, _ in BFCHAR.findall(font.ToUnicode.read_bytes())}
        assert cids <= set(widths) and cids <= mapped, str(font.BaseFont)


def test_the_structure_tree_is_one_for_the_whole_book(pdf_path, marked_text):
    """One Document holds every chapter's elements; the parent tree maps each page's marked content
    (numbered by the page's place in the book) and each link to the element that holds it."""
    pdf = pikepdf.open(pdf_path)
    root = pdf.Root.StructTreeRoot
    (document,) = root.K
    assert document.S == "/Document" and all(element.P.objgen == document.objgen for element in document.K)
    nums = root.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    by_mcid, _ = marked_text
    for index, page in enumerate(pdf.pages):
        assert page.obj.StructParents == index
        for (where, mcid) in by_mcid:
            if where == index:
                element = tree[index][mcid]
                assert element.Pg.objgen == page.obj.objgen and mcid in mcids_of(element)
    links = [annotation for page in pdf.pages for annotation in page.obj.get("/Annots", [])]
    assert links and sorted(int(a.StructParent) for a in links) == list(range(len(pdf.pages), len(pdf.pages) +
                                                                              len(links)))
    for annotation in links:
        element = tree[int(annotation.StructParent)]
        assert any(kid.get("/Obj") is not None and kid.Obj.objgen == annotation.objgen for kid in element.K)


def test_links_between_chapters_lead_to_their_pages(joined, book):
    """Each internal link names a destination of the book's one name tree; the 目录's lead from the
    front matter to the chapters' headings, a unit of their own."""
    pdf = joined
    names = pdf.Root.Names.Dests.Names
    dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    page_of = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    assert list(dests) == sorted(dests)
    across = set()
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if "/Dest" in annotation:
                target = page_of[dests[str(annotation.Dest)][0].objgen]
                if target > index:
                    across.add(str(annotation.Dest))
    assert {chapter.id for chapter in book.chapters} <= across
