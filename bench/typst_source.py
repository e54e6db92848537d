"""The same book as Typst source, with the settings cjkpress uses: for the benchmark's comparison."""

import re

from cjkpress.design import Design, grid
from cjkpress.tree import Book, Paragraph


def escape(text: str) -> str:
    """Text as Typst markup: its markup characters escaped."""
    return re.sub(r"([\\#*_`$<>@\[\]/=+~-])", r"\\\1", text)


def paragraph(p: Paragraph, heading_font: str) -> str:
    lead = f'#text(font: "{heading_font}", weight: "bold")[{escape(p.lead)}]' if p.lead else ""
    return lead + escape(p.text[len(p.lead):])


def typst_source(book: Book, design: Design) -> str:
    g = grid(design)
    out = [
        f"#set document(title: \"{book.metadata.title}\", author: \"{book.metadata.creator}\")",
        f"#set page(width: {design.page_width}mm, height: {design.page_height}mm, numbering: \"1\", "
        f"margin: (top: {g.margin_top}pt, bottom: {g.margin_bottom}pt, inside: {g.margin_inside}pt, "
        f"outside: {g.margin_outside}pt))",
        f"#set text(font: \"{design.body_font}\", size: {g.font_size}pt, lang: \"zh\", region: \"cn\")",
        f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), "
        f"leading: {g.line_pitch - g.font_size}pt, spacing: {g.line_pitch - g.font_size}pt)",
        f"#show heading: set text(font: \"{design.heading_font}\")",
        "#show heading.where(level: 1): it => { pagebreak(weak: true); align(center, it) }",
        "#outline()",
    ]
    for chapter in book.chapters:
        out.append(f"= {escape(chapter.heading)}")
        out += [paragraph(b, design.heading_font) for b in chapter.blocks if isinstance(b, Paragraph)]
        for section in chapter.sections:
            out.append(f"== {escape(section.heading)}")
            out += [paragraph(b, design.heading_font) for b in section.blocks if isinstance(b, Paragraph)]
    return "\n\n".join(out) + "\n"
