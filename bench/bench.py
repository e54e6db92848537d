"""cjkpress's benchmark: everything side by side in one run, reported as ratios.

Machines here are noisy, so nothing is judged by absolute seconds: each
contestant runs in its own process, alternating with the others, ROUNDS
times, and the medians are compared. Peak memory is each process's maximum
resident set size (from wait4). Results go to build/bench.json and a table.

    .venv/bin/python bench/bench.py        (or: make bench)
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from papers import repeat_chapters
from typst_source import typst_source

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "cyberspace-rule-of-law"
PYTHON = sys.executable
CJKPRESS = str(Path(PYTHON).parent / "cjkpress")
FONTS = "/usr/share/fonts/opentype/noto"
ROUNDS = 5
TARGETS = {
    "cjkpress ÷ WeasyPrint floor": 1.2,
    "cjkpress ÷ Typst": 3.0,
    "16× time ÷ (16 × 1× time)": 1.0,
    "16× peak memory (MB)": 450,
    "16× set lines ÷ plain WeasyPrint, time": 1.25,
    "16× set lines ÷ plain WeasyPrint, memory": 1.25,
    "16× rebuild after editing a paragraph (s)": 10,
    "16× cold, all cores ÷ one process": 0.65,
    "seed rebuild after editing a paragraph (s)": 2.5,
    "cost per page, 40× ÷ 1× (Markdown)": 1.0,
    "make with nothing changed (s)": 0.3,
    "EPUB-only rebuild (s)": 0.5,
    "EPUB size (MB)": 1.2,
    "PDF size ÷ Typst's": 1.4,
    "Markdown book ÷ white paper, same text": 1.3,
    "mdBook project ÷ white paper, per page": 1.3,
}
MDBOOK_COPIES = 3  # of the seed's chapters, with code: about a hundred pages
EDITED = "互联网是人类文明发展的重要成果"  # the paragraph an edit doubles this phrase in
# WeasyPrint alone, writing the PDF of an HTML file: argv HTML, base URL, PDF.
WEASYPRINT = [PYTHON, "-c", "import sys; from weasyprint import HTML; "
              "HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"]
# The paragraphs of cjkpress's HTML as WeasyPrint sets text itself: broken and justified by it.
UNSET = "<style>p.set { white-space: normal; text-align: justify; }</style>"


def run(command: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one process; stops the benchmark if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{stderr.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024


def summary(samples: list[tuple[float, float]]) -> dict:
    seconds = [s for s, _ in samples]
    return {"median": statistics.median(seconds), "min": min(seconds), "max": max(seconds),
            "peak_mb": max(m for _, m in samples), "runs": len(samples)}


def contestants(work: Path) -> dict[str, list[str]]:
    """The commands compared on the seed, each making its outputs in `work`."""
    sys.path.insert(0, str(ROOT))
    from cjkpress.book import load
    from cjkpress.typeset import set_paragraphs
    from cjkpress.writers import Job
    from cjkpress.writers.pdf import book_html

    book, design = load(SEED)
    # The engine floor: WeasyPrint alone, on the very HTML cjkpress hands it.
    html = book_html(Job(book, design, work, lines=set_paragraphs(book, design)))
    (work / "floor.html").write_text(html, encoding="utf-8")
    (work / "book.typ").write_text(typst_source(book, design), encoding="utf-8")
    commands = {
        "cjkpress": [CJKPRESS, "build", str(SEED), "--out", str(work / "cjkpress"), "--formats", "pdf,epub"],
        "WeasyPrint floor": WEASYPRINT + [str(work / "floor.html"), str(SEED), str(work / "floor.pdf")],
        "Typst": [PYTHON, "-c", "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])",
                  str(work / "book.typ"), str(work / "typst.pdf"), FONTS],
    }
    # The same text as a Markdown book (run-in heads as strong text): the second reader's cost.
    (work / "book.md").write_text(markdown(book), encoding="utf-8")
    commands["cjkpress Markdown"] = [CJKPRESS, "build", str(work / "book.md"), "--out", str(work / "cjkpress-md"),
                                     "--formats", "pdf,epub"]
    # An mdBook project of about a hundred pages with code, included from listings/ as mdBook books do.
    mdbook(book, work / "mdbook", MDBOOK_COPIES)
    commands["cjkpress mdBook"] = [CJKPRESS, "build", str(work / "mdbook"), "--out", str(work / "cjkpress-mdbook"),
                                   "--formats", "pdf,epub"]
    if shutil.which("pandoc"):
        commands["Pandoc EPUB"] = ["pandoc", str(work / "book.md"), "-o", str(work / "pandoc.epub")]
    return commands


def paragraph(p) -> str:
    """A paragraph in Markdown, its run-in head as strong text."""
    return (f"**{p.lead}**{p.text[len(p.lead):]}" if p.lead else p.text) + "\n"


def markdown(book, copies: int = 1) -> str:
    """The book as Markdown with a YAML title block (read by cjkpress and Pandoc alike), its chapters
    `copies` times."""

    parts = [f"---\ntitle: {book.metadata.title}\ndate: \"{book.metadata.date}\"\n---\n"]
    for chapter in book.chapters * copies:
        parts.append(f"# {chapter.heading}\n")
        parts += [paragraph(p) for p in chapter.blocks if hasattr(p, "lead")]
        for section in chapter.sections:
            parts.append(f"## {section.heading}\n")
            parts += [paragraph(p) for p in section.blocks if hasattr(p, "lead")]
    return "\n".join(parts)


def mdbook(book, folder: Path, copies: int) -> None:
    """The book's chapters `copies` times as an mdBook project: a file a chapter, its sections
    sub-chapters, a Rust listing included by anchor after every third paragraph."""
    (folder / "src").mkdir(parents=True)
    (folder / "listings").mkdir()
    (folder / "book.toml").write_text(f'[book]\ntitle = "{book.metadata.title}"\nsrc = "src"\n', encoding="utf-8")
    body = "".join(f'    println!("第 {i} 行：{{}}", {i} * 2);\n' for i in range(12))
    (folder / "listings" / "main.rs").write_text(
        f"use std::io;\n\n// ANCHOR: body\nfn main() {{\n{body}}}\n// ANCHOR_END: body\n", encoding="utf-8")
    listing = "```rust\n# // hidden\n{{#include ../listings/main.rs:body}}\n```\n"

    def text(heading: str, blocks) -> str:
        paragraphs = [paragraph(p) for p in blocks if hasattr(p, "lead")]
        return f"# {heading}\n\n" + "\n".join(p + (listing if i % 3 == 2 else "") for i, p in enumerate(paragraphs))

    summary = ["# Summary\n"]
    for copy in range(copies):
        for number, chapter in enumerate(book.chapters, 1):
            name = f"ch{copy}-{number:02d}"
            summary.append(f"- [{chapter.heading}]({name}.md)")
            (folder / "src" / f"{name}.md").write_text(text(chapter.heading, chapter.blocks), encoding="utf-8")
            for k, section in enumerate(chapter.sections, 1):
                summary.append(f"    - [{section.heading}]({name}-{k:02d}.md)")
                (folder / "src" / f"{name}-{k:02d}.md").write_text(text(section.heading, section.blocks),
                                                                   encoding="utf-8")
    (folder / "src" / "SUMMARY.md").write_text("\n".join(summary) + "\n", encoding="utf-8")


COLD = {"cjkpress": "cjkpress", "cjkpress Markdown": "cjkpress-md", "cjkpress mdBook": "cjkpress-mdbook"}


def side_by_side(work: Path) -> dict:
    commands = contestants(work)
    samples = {name: [] for name in commands}
    for _ in range(ROUNDS):  # alternating, so that a slow moment hits every contestant alike
        for name, command in commands.items():
            if name in COLD:  # a cold build: no record of an earlier one
                shutil.rmtree(work / COLD[name], ignore_errors=True)
            samples[name].append(run(command))
    results = {name: summary(s) for name, s in samples.items()}
    sizes = {"cjkpress PDF": work / "cjkpress" / "cyberspace-rule-of-law.pdf",
             "cjkpress EPUB": work / "cjkpress" / "cyberspace-rule-of-law.epub",
             "WeasyPrint floor PDF": work / "floor.pdf", "Typst PDF": work / "typst.pdf",
             "Pandoc EPUB": work / "pandoc.epub"}
    results["sizes_kb"] = {name: round(path.stat().st_size / 1024) for name, path in sizes.items() if path.exists()}
    results["pages"] = {"cjkpress": len(PdfReader(sizes["cjkpress PDF"]).pages),
                        "cjkpress mdBook": len(PdfReader(work / "cjkpress-mdbook" / "mdbook.pdf").pages)}
    return results


def scale(work: Path) -> dict:
    """Books of 1, 4 and 16 copies of the seed's chapters: time, pages, peak memory; and the 16 ×
    book built again after a paragraph of it was edited."""
    text = (SEED / "source.txt").read_text(encoding="utf-8")
    results = {}
    for copies in (1, 4, 16):
        paper = work / f"seed-x{copies}.txt"
        paper.write_text(repeat_chapters(text, copies), encoding="utf-8")
        seconds, peak = run([CJKPRESS, "build", str(paper), "--out", str(work / "scale"), "--formats", "pdf,epub"])
        pages = len(PdfReader(work / "scale" / f"seed-x{copies}.pdf").pages)
        results[f"{copies}x"] = {"seconds": seconds, "pages": pages, "peak_mb": peak, "bytes": paper.stat().st_size}
    results["16x edited"] = edited(paper, work / "scale")
    return results


def parallel(work: Path) -> dict:
    """The 16 × book built cold in one process (-j 1) and in as many as this machine has cores
    (the default), alternating, each into a folder of its own."""
    paper = work / "parallel" / "seed-x16.txt"
    paper.parent.mkdir()
    paper.write_text(repeat_chapters((SEED / "source.txt").read_text(encoding="utf-8"), 16), encoding="utf-8")
    cores = len(os.sched_getaffinity(0))
    jobs = {"one process": 1, "all cores": cores}
    samples = {name: [] for name in jobs}
    for _ in range(3):
        for name, count in jobs.items():
            out = work / "parallel" / "out"
            shutil.rmtree(out, ignore_errors=True)
            samples[name].append(run([CJKPRESS, "build", str(paper), "--out", str(out), "-j", str(count)]))
    return {"cores": cores, **{name: summary(s) for name, s in samples.items()}}


def unset(html: str) -> str:
    """cjkpress's HTML with its paragraphs' text as it was before setting: each set line's element
    dropped (its runs kept, less the spacing that justified them), for WeasyPrint to break and justify."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for line in root.xpath("//p[contains(concat(' ', @class, ' '), ' set ')]/span[contains(@class, 'line')]"):
        for run in line.iter():
            run.attrib.pop("style", None)
        line.drop_tag()
    root.head.append(lxml.html.fragment_fromstring(UNSET))
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def set_lines_cost(work: Path) -> dict:
    """What cjkpress's set lines cost WeasyPrint: its HTML of 16 × the seed, and the same with the
    paragraphs unset (`unset`), each written to a PDF by WeasyPrint alone, alternating."""
    sys.path.insert(0, str(ROOT))
    from cjkpress.book import load
    from cjkpress.typeset import set_paragraphs
    from cjkpress.writers import Job
    from cjkpress.writers.pdf import book_html

    paper = work / "lines" / "seed-x16.txt"
    paper.parent.mkdir()
    paper.write_text(repeat_chapters((SEED / "source.txt").read_text(encoding="utf-8"), 16), encoding="utf-8")
    book, design = load(paper)
    html = book_html(Job(book, design, work, lines=set_paragraphs(book, design)))
    versions = {"set lines": html, "plain WeasyPrint": unset(html)}
    samples = {name: [] for name in versions}
    for name, text in versions.items():
        (work / "lines" / f"{name}.html").write_text(text, encoding="utf-8")
    for _ in range(3):
        for name in versions:
            samples[name].append(run(WEASYPRINT + [str(work / "lines" / f"{name}.html"), str(SEED),
                                                   str(work / "lines" / f"{name}.pdf")]))
    results = {name: summary(s) for name, s in samples.items()}
    for name in versions:
        results[name]["pages"] = len(PdfReader(work / "lines" / f"{name}.pdf").pages)
    return results


def edited(source: Path, out: Path) -> dict:
    """A build of what `out` holds a build of, after one paragraph of `source` was edited: the
    formats make builds (both PDF editions, the cover spread, the EPUB)."""
    command = [CJKPRESS, "build", str(source), "--out", str(out)]
    run(command)  # the build the edit follows
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace(EDITED, EDITED * 2, 1), encoding="utf-8")
    seconds, peak = run(command)
    source.write_text(original, encoding="utf-8")
    return {"seconds": seconds, "peak_mb": peak}


def markdown_scale(work: Path) -> dict:
    """The seed's text as a Markdown book, its chapters 1, 4, 16, 26 (about 600 pages) and 40 times:
    time, peak memory and cost per page; the 600-page book again after an edit."""
    sys.path.insert(0, str(ROOT))
    from cjkpress.book import load

    book, _ = load(SEED)
    results = {}
    for copies in (1, 4, 16, 26, 40):
        source = work / f"book-x{copies}.md"
        source.write_text(markdown(book, copies), encoding="utf-8")
        seconds, peak = run([CJKPRESS, "build", str(source), "--out", str(work / "md-scale"), "--formats", "pdf,epub"])
        pages = len(PdfReader(work / "md-scale" / f"book-x{copies}.pdf").pages)
        results[f"{copies}x"] = {"seconds": seconds, "pages": pages, "peak_mb": peak,
                                 "ms_per_page": 1000 * seconds / pages}
    results["26x edited"] = edited(work / "book-x26.md", work / "md-scale")
    return results


def incremental(work: Path) -> dict:
    """What an author waits for while editing: make with nothing changed, one paragraph edited, the EPUB alone."""
    content = work / "content"
    shutil.copytree(SEED, content / "book")
    out = work / "make-out"
    make = ["make", "--no-print-directory", f"CONTENT={content}", f"OUT={out}"]
    run(make)
    nothing = [run(make)[0] for _ in range(ROUNDS)]
    source = content / "book" / "source.txt"
    original = source.read_text(encoding="utf-8")
    after_edit = []
    for i in range(ROUNDS):
        source.write_text(original.replace(EDITED, EDITED * (i % 2 + 1), 1), encoding="utf-8")
        after_edit.append(run(make)[0])
    epub_only = [run([CJKPRESS, "build", str(content / "book"), "--out", str(out), "--formats", "epub"])[0]
                 for _ in range(ROUNDS)]
    return {"make_nothing_changed": statistics.median(nothing),
            "make_after_editing_a_paragraph": statistics.median(after_edit),
            "epub_only_rebuild": statistics.median(epub_only)}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cjkpress-bench-") as tmp:
        work = Path(tmp)
        results = {"seed": side_by_side(work), "set lines": set_lines_cost(work), "scale": scale(work),
                   "parallel": parallel(work),
                   "markdown scale": markdown_scale(work), "incremental": incremental(work)}
    seed, growth, edits, big = results["seed"], results["scale"], results["incremental"], results["markdown scale"]
    lines = results["set lines"]
    measured = {
        "cjkpress ÷ WeasyPrint floor": seed["cjkpress"]["median"] / seed["WeasyPrint floor"]["median"],
        "cjkpress ÷ Typst": seed["cjkpress"]["median"] / seed["Typst"]["median"],
        "16× time ÷ (16 × 1× time)": growth["16x"]["seconds"] / (16 * growth["1x"]["seconds"]),
        "16× peak memory (MB)": growth["16x"]["peak_mb"],
        "16× set lines ÷ plain WeasyPrint, time": lines["set lines"]["median"] / lines["plain WeasyPrint"]["median"],
        "16× set lines ÷ plain WeasyPrint, memory": lines["set lines"]["peak_mb"] / lines["plain WeasyPrint"]["peak_mb"],
        "16× rebuild after editing a paragraph (s)": growth["16x edited"]["seconds"],
        "16× cold, all cores ÷ one process": results["parallel"]["all cores"]["median"]
        / results["parallel"]["one process"]["median"],
        "seed rebuild after editing a paragraph (s)": edits["make_after_editing_a_paragraph"],
        "cost per page, 40× ÷ 1× (Markdown)": big["40x"]["ms_per_page"] / big["1x"]["ms_per_page"],
        "make with nothing changed (s)": edits["make_nothing_changed"],
        "EPUB-only rebuild (s)": edits["epub_only_rebuild"],
        "EPUB size (MB)": seed["sizes_kb"]["cjkpress EPUB"] / 1024,
        "PDF size ÷ Typst's": seed["sizes_kb"]["cjkpress PDF"] / seed["sizes_kb"]["Typst PDF"],
        "Markdown book ÷ white paper, same text": seed["cjkpress Markdown"]["median"] / seed["cjkpress"]["median"],
        "mdBook project ÷ white paper, per page": (seed["cjkpress mdBook"]["median"] / seed["pages"]["cjkpress mdBook"])
        / (seed["cjkpress"]["median"] / seed["pages"]["cjkpress"]),
    }
    results["targets"] = {name: {"measured": round(value, 3), "target": TARGETS[name], "met": value <= TARGETS[name]}
                          for name, value in measured.items()}
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(results))


def table(results: dict) -> str:
    seed = results["seed"]
    lines = [f"The seed, {ROUNDS} alternating runs each (median, min–max, peak memory):"]
    for name, r in seed.items():
        if name not in ("sizes_kb", "pages"):
            lines.append(f"  {name:18} {r['median']:6.2f} s  ({r['min']:.2f}–{r['max']:.2f})  {r['peak_mb']:6.0f} MB")
    lines.append("  sizes: " + ", ".join(f"{name} {kb} KB" for name, kb in seed["sizes_kb"].items()))
    lines.append("  pages: " + ", ".join(f"{name} {count}" for name, count in seed["pages"].items()))
    lines.append("16 × the seed's HTML, WeasyPrint alone (3 alternating runs):")
    for name, r in results["set lines"].items():
        lines.append(f"  {name:18} {r['median']:6.2f} s  {r['peak_mb']:6.0f} MB  {r['pages']} pages")
    lines.append("Scale (copies of the seed's chapters):")
    for name, r in results["scale"].items():
        lines.append(f"  {name:4} {r['pages']:5} pages  {r['seconds']:6.2f} s  {r['peak_mb']:6.0f} MB" if "pages" in r
                     else f"  {name}: {r['seconds']:.2f} s, {r['peak_mb']:.0f} MB")
    found = results["parallel"]
    lines.append(f"16 × the seed cold, in one process and on {found['cores']} cores (3 alternating runs):")
    for name in ("one process", "all cores"):
        lines.append(f"  {name:18} {found[name]['median']:6.2f} s  {found[name]['peak_mb']:6.0f} MB")
    lines.append("Scale, the seed's text as a Markdown book:")
    for name, r in results["markdown scale"].items():
        if "pages" in r:
            lines.append(f"  {name:4} {r['pages']:5} pages  {r['seconds']:6.2f} s  {r['peak_mb']:6.0f} MB  "
                         f"{r['ms_per_page']:5.0f} ms a page")
        else:
            lines.append(f"  {name}: {r['seconds']:.2f} s, {r['peak_mb']:.0f} MB")
    lines.append("Editing:")
    lines += [f"  {name.replace('_', ' ')}: {seconds:.2f} s" for name, seconds in results["incremental"].items()]
    lines.append("Targets:")
    for name, r in results["targets"].items():
        lines.append(f"  {'met ' if r['met'] else 'MISS'} {name}: {r['measured']} (target ≤ {r['target']})")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
