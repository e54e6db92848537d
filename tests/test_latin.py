"""Latin inside Chinese text, as the built PDF shows it: random mixes of Han, words, URLs, digits and marks
set at many measures end every line within 0.02 em of the measure, and the text layer is the source."""

import random
import subprocess

import pytest
from pypdf import PdfReader

from cjkpress.design import PT_PER_MM, grid
from cjkpress.preflight import glyphs
from cjkpress.preflight.rules import CLOSING
from cjkpress.tree import Paragraph
from conftest import laid_out, write

HAN = "网络法治建设中国坚持依法治网推进数字经济发展保障个人信息权益完善制度体系加强国际合作"
WORDS = ["the", "typesetter", "justifies", "every", "line", "of", "mixed", "Chinese", "and", "English", "text",
         "internationalization", "characterization", "Web", "App", "PDF", "EPUB", "HarfBuzz", "WeasyPrint"]
URLS = ["https://www.w3.org/TR/clreq/", "http://www.gov.cn/zhengce/2023-03/16/content_5747005.htm",
        "https://example.org/a/very/long/path/with/many/segments/index.html?query=value&page=2#section",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"]
TOLERANCE = 0.02  # em

def paragraph(rng: random.Random) -> str:
    """A random mix: Han runs, marks, Latin phrases, URLs, years, and a word too long for any line."""
    def han() -> str:
        return "".join(rng.choice(HAN) for _ in range(rng.randint(1, 12)))

    makers = [
        han,
        lambda: han() + "，",
        lambda: han() + "。",
        lambda: f"“{han()}”",
        lambda: f"《{han()}》",
        lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))),
        lambda: rng.choice(URLS),
        lambda: f"{rng.randint(1900, 2030)}年",
        lambda: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(25, 60))),
    ]
    weights = [6, 3, 2, 1, 1, 3, 1, 1, 1]
    return "文字" + "".join(rng.choices(makers, weights)[0]() for _ in range(rng.randint(8, 30))) + "。"


def paper(paragraphs: list[str]) -> str:
    return ("测试白皮书\n（2023年3月）\n测试机构\n目录\n一、正文\n一、正文\n" + "\n".join(paragraphs) + "\n")


def type_area_text(pdf, g, notes: bool = True) -> str:
    """What pdftotext (and so a reader's copy) gives of the type areas, page after page, no furniture;
    without the footnotes at each page's foot when `notes` is false (a paragraph that goes on overleaf
    reads on from the next page, as a reader follows it)."""
    reader = PdfReader(pdf)
    tops = note_tops(pdf, g) if not notes else {}
    texts = []
    for number, page in enumerate(reader.pages, 1):
        height, width = float(page.mediabox.height), float(page.mediabox.width)
        bottom = tops.get(number, height - g.margin_bottom + 2)
        area = ["-x", "0", "-y", str(round(g.margin_top - 2)), "-W", str(round(width)),
                "-H", str(round(bottom - g.margin_top + 2))]
        run = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), *area, str(pdf), "-"],
                             capture_output=True, text=True, check=True)
        texts.append(run.stdout.replace("\f", ""))
    return "".join(texts)


def note_tops(pdf, g) -> dict[int, float]:
    """Page number → the top of its footnotes (the first note's mark, in the note size), where it has some."""
    import pdfplumber

    from cjkpress.tree import NOTE_MARKS

    with pdfplumber.open(pdf) as document:
        return {number: min(c["top"] for c in marks) for number, page in enumerate(document.pages, 1)
                if (marks := [c for c in page.chars if c["text"] in NOTE_MARKS
                              and abs(c["size"] - g.note_size) < 0.05])}


def lines_off_the_measure(pdf) -> list[str]:
    """Every body line that is not its paragraph's last and does not end within TOLERANCE of the right edge."""
    pages = glyphs.read(pdf, PdfReader(pdf))
    off = []
    for line in pages.body:
        if line.last:
            continue
        end = line.ink[-1]
        ends = [end.x0 + 0.5 * pages.em, end.x0 + pages.em] if end.text[-1:] in CLOSING else [end.x1]
        miss = min((x - pages.right_edge(line) for x in ends), key=abs) / pages.em
        if abs(miss) > TOLERANCE:
            off.append(f"p. {line.page}: {''.join(g.text for g in line.glyphs)[:30]}… {miss:+.3f} em")
    return off


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("measure", [20, 27, 33, 38, 45])
def test_every_line_fills_the_measure_and_the_text_layer_is_the_source(tmp_path_factory, measure, seed):
    rng = random.Random(seed * 100 + measure)  # the same mixes every run: a failure can be replayed
    paragraphs = [paragraph(rng) for _ in range(12)]
    folder = tmp_path_factory.mktemp(f"latin{measure}")
    (folder / "source.txt").write_text(paper(paragraphs), encoding="utf-8")
    # A page just wide enough for `measure` characters of 10.5 pt inside the 22 mm margins.
    width = (measure * 10.5 + 1) / PT_PER_MM + 44
    (folder / "book.yaml").write_text(f'design:\n  page_size: "{width:.2f}mm 260mm"\n', encoding="utf-8")
    job = laid_out(folder, folder / "out")
    # Lines that must end at the measure: enough of them for the test to mean something.
    assert sum(len(piece) - 1 for key, pieces in job.lines.items() if isinstance(key, Paragraph)
               for piece in pieces) > 20
    pdf = write(job, "pdf")
    assert lines_off_the_measure(pdf) == []
    body = "".join(type_area_text(pdf, grid(job.design)).split("\n"))
    for source in paragraphs:
        assert source in body  # every character as written: no space, no hyphen added or lost
