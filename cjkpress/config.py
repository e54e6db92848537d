"""book.yaml: the book's metadata and the design choices a user may change.

Every key is optional; what book.yaml gives overrides what the reader finds
in the text. Mistakes are reported with the file, the line and, for a
misspelt key, the key that was probably meant.
"""

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, raise_all

# Book sizes in mm (width × height); 16开 is the trimmed size of a 787×1092 sheet.
PAGE_SIZES = {
    "16开": (185, 260),
    "大16开": (210, 285),
    "32开": (130, 184),
    "大32开": (140, 203),
    "A4": (210, 297),
    "A5": (148, 210),
    "B5": (176, 250),
}
# Papers a book block is printed on, by name: the thickness of a leaf (two pages) in mm, as mills quote
# it (a 胶版纸's bulk is about 1.3 cm³/g: 70 g/m² makes a leaf of 0.09 mm). The spine is the leaves' sum.
PAPERS = {
    "60g胶版纸": 0.08,
    "70g胶版纸": 0.09,
    "80g胶版纸": 0.10,
    "100g胶版纸": 0.12,
    "70g轻型纸": 0.12,
    "80g轻型纸": 0.14,
    "80g铜版纸": 0.07,
    "105g铜版纸": 0.09,
    "128g铜版纸": 0.11,
    "157g铜版纸": 0.14,
}
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
MM_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*mm\s+(\d+(?:\.\d+)?)\s*mm$")

# key: (type, description) for every key book.yaml may hold.
SCHEMA = {
    "title": (str, "the book's title"),
    "subtitle": (str, "a subtitle"),
    "creator": (str, "the author or issuing body"),
    "author": (str, "the author (another name for creator)"),
    "publisher": (str, "the publisher"),
    "date": (str, "publication date, YYYY-MM or YYYY-MM-DD"),
    "language": (str, "BCP 47 language tag, e.g. zh-Hans"),
    "identifier": (str, "a fixed unique identifier, e.g. urn:uuid:…"),
    "description": (str, "a one-paragraph description"),
    "edition": (str, "版次 for the 版权页, e.g. 2024年5月第2版 (default: 第1版, of the date)"),
    "printing": (str, "印次 for the 版权页, e.g. 2024年6月第3次印刷 (default: 第1次印刷)"),
    "isbn": (str, "the ISBN, e.g. 978-7-115-54608-1 (its check digit is checked)"),
    "price": (str, "定价 on the back cover, e.g. 48.00 (yuan) or 定价：48.00元"),
    "cip": (str, "the 图书在版编目（CIP）数据 block, as given (a YAML block: |)"),
    "design": (dict, "page size and fonts"),
    "run_in_heads": (dict, "the rule for bold lead sentences"),
    "boxes": (dict, "paragraphs in each box, by its label: {专栏一: 2}"),
    "chapters": (list, "the chapter files of a Markdown book, in order"),
    "images_left_out": (list, "image files the book knowingly lacks: their figures are left out without a warning"),
}
DESIGN_SCHEMA = {
    "page_size": (str, f"one of {', '.join(PAGE_SIZES)}, or '185mm 260mm'"),
    "body_font": (str, "fontconfig family of the body text"),
    "heading_font": (str, "fontconfig family of headings and run-in heads"),
    "fallback_font": (str, "a family for the characters the other faces lack (each use is warned)"),
    "emphasis_font": (str, "fontconfig family of emphasis and block quotes (a 楷体 face)"),
    "code_font": (str, "fontconfig family of code (a monospaced face)"),
    "toc_depth": (int, "heading levels listed in the 目录, the bookmarks and the nav (1 to 6)"),
    "chapter_numbers": (bool, "number an mdBook project's chapters (第1章, 1.1) as its SUMMARY does"),
    "running_heads": (str, "book (the book's title over left pages, the chapter's over right ones) "
                           "or chapter (the chapter's, and the section's)"),
    "paper": (str, f"the book block's paper, for the spine's width: one of {', '.join(PAPERS)}, or a leaf's "
                   "thickness in mm (0.09)"),
    "signature": (int, "pages a folded sheet of the print edition makes: 4, 8, 16 or 32"),
    "note_numbering": (str, "chapter (notes ①② through each chapter) or page (① again on every page)"),
    "section_heads_after": (int, "chapters longer than this many pages take their sections' titles as right-hand "
                                 "running heads"),
    "max_spread": (float, "em the Han characters of a justified body line may be set apart before "
                          "`cjkpress check` fails it"),
}
RUNNING_HEADS = ("book", "chapter")
NOTE_NUMBERING = ("chapter", "page")
SIGNATURES = (4, 8, 16, 32)
RUN_IN_SCHEMA = {
    "max_length": (int, "the longest lead sentence, in characters"),
    "include": (list, "lead sentences always set as run-in heads"),
    "exclude": (list, "lead sentences never set as run-in heads"),
}
DEFAULT_DESIGN = {"page_size": "16开", "body_font": "Noto Serif CJK SC", "heading_font": "Noto Sans CJK SC",
                  "fallback_font": "", "emphasis_font": "LXGW WenKai", "code_font": "Noto Sans Mono CJK SC", "toc_depth": 2,
                  "chapter_numbers": False, "running_heads": "book",
                  "section_heads_after": 6, "max_spread": 0.08, "note_numbering": "chapter",
                  "signature": 16, "paper": "70g胶版纸"}


@dataclass
class Config:
    path: Path | None
    values: dict = field(default_factory=dict)
    design: dict = field(default_factory=lambda: dict(DEFAULT_DESIGN))
    run_in: dict = field(default_factory=dict)
    boxes: dict = field(default_factory=dict)  # box label → its number of paragraphs
    lines: dict = field(default_factory=dict)  # dotted key → line in book.yaml
    images_missing: set = field(default_factory=set)  # of images_left_out, those the readers found missing

    def line(self, key: str) -> int | None:
        return self.lines.get(key)

    def paper(self) -> float:
        """The thickness of a leaf of the book block's paper, in mm."""
        paper = self.design["paper"]
        if paper_name(paper) in PAPERS:
            return PAPERS[paper_name(paper)]
        try:
            leaf = float(paper)
        except ValueError:
            leaf = 0
        if not 0.03 <= leaf <= 1:
            raise InputError(f"unknown paper “{paper}”; use one of {', '.join(PAPERS)}, or a leaf's thickness in "
                             "mm, e.g. 0.09 (ask the printer for the paper's caliper)", self.path,
                             self.line("design.paper"))
        return leaf

    def page_size(self) -> tuple[float, float]:
        size = self.design["page_size"]
        if size in PAGE_SIZES:
            return PAGE_SIZES[size]
        if m := MM_SIZE.match(size):
            return float(m.group(1)), float(m.group(2))
        raise InputError(
            f"unknown page size “{size}”; use one of {', '.join(PAGE_SIZES)}, or a size like '185mm 260mm'",
            self.path,
            self.line("design.page_size"),
        )


def paper_name(name: str) -> str:
    """A paper's name as PAPERS spells it: "70 g/m² 胶版纸" → "70g胶版纸"."""
    return re.sub(r"\s+", "", name).replace("g/m²", "g").replace("g/m2", "g").replace("克", "g")


def isbn_ok(isbn: str) -> bool:
    """An ISBN-13 (hyphens and a leading "ISBN" allowed) whose check digit is right."""
    digits = re.sub(r"^ISBN\s*|[-\s]", "", isbn)
    if not re.fullmatch(r"\d{13}", digits):
        return False
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def unfolded(text: str) -> str:
    """`text` with the spaces YAML put for its line breaks taken out between two Chinese characters: a
    line break there is no space (CSS Text's segment break transformation); between Latin words it is.
    Nor beside a full-width mark (，。：), whose own blank half is space enough."""
    def wide(char: str) -> bool:
        return unicodedata.east_asian_width(char) in "WFH" and not "\uac00" <= char <= "\ud7a3"

    def space(m: re.Match) -> str:
        before, after = m.groups()
        punctuated = any(wide(c) and unicodedata.category(c).startswith("P") for c in (before, after))
        return "" if (wide(before) and wide(after)) or punctuated else " "

    return re.sub(r"(?<=(\S)) (?=(\S))", space, text)


class Loader(yaml.SafeLoader):
    """YAML's safe loader, with its folded text (`>`, or a plain or quoted value over several lines)
    unfolded as Chinese text is; a literal block (`|`: the CIP data) keeps its lines."""

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if node.style != "|" and node.start_mark.line != node.end_mark.line:
            value = unfolded(value)
        return value


def key_lines(node, prefix: str = "") -> dict:
    """Map each mapping key (dotted) to its 1-based line, from yaml's node tree."""
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = prefix + str(key.value)
            lines[name] = key.start_mark.line + 1
            lines.update(key_lines(value, name + "."))
    return lines


def check_keys(mapping: dict, schema: dict, config: Config, errors: list, prefix: str = "") -> None:
    """Check `mapping`'s keys and types against `schema`, adding each mistake to `errors` and dropping
    the key, so that the rest can still be checked."""
    for key, value in list(mapping.items()):
        name = prefix + str(key)
        if key not in schema:
            close = difflib.get_close_matches(str(key), schema, n=1)
            hint = f"did you mean “{close[0]}”?" if close else f"known keys: {', '.join(schema)}"
            errors.append(InputError(f"unknown key “{name}”; {hint}", config.path, config.line(name)))
            del mapping[key]
            continue
        kind, what = schema[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            mapping[key] = value = float(value)
        if kind is str and isinstance(value, (datetime.date, int, float)) and not isinstance(value, bool):
            mapping[key] = value = value.isoformat() if isinstance(value, datetime.date) else str(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            errors.append(InputError(f"“{name}” should be {kind.__name__} ({what}), not {type(value).__name__}",
                                     config.path, config.line(name)))
            del mapping[key]


def load(path: Path | None) -> Config:
    """Read book.yaml at `path`; None gives the defaults (a bare .txt book)."""
    if path is None:
        return Config(None)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("book.yaml is not UTF-8 text", path) from None
    return parse(text, path)


def parse(text: str, path: Path, first_line: int = 1) -> Config:
    """The settings in YAML `text` from `path` (book.yaml, or a Markdown file's front matter from `first_line`)."""
    config = Config(path)
    offset = first_line - 1
    try:
        node = yaml.compose(text)
        values = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(
            f"not valid YAML: {getattr(err, 'problem', err)}", path, mark.line + 1 + offset if mark else None
        ) from None
    if values is None:
        return config
    if not isinstance(values, dict):
        raise InputError("the settings should be a mapping of keys to values (title: …)", path, first_line)
    config.lines = {key: line + offset for key, line in key_lines(node).items()}
    if isinstance(values.get("price"), (int, float)) and not isinstance(values["price"], bool):
        values["price"] = f"{values['price']:.2f}"  # 48.00, not the 48.0 of its float
    errors: list[InputError] = []

    def wrong(message: str, key: str) -> None:
        errors.append(InputError(message, path, config.line(key)))

    check_keys(values, SCHEMA, config, errors)
    boxes = values.pop("boxes", {})
    if not all(isinstance(count, int) and not isinstance(count, bool) and count > 0 for count in boxes.values()):
        wrong("“boxes” should give each box's number of paragraphs, e.g. 专栏一: 2", "boxes")
        boxes = {}
    config.boxes = {str(label): count for label, count in boxes.items()}
    design = values.pop("design", {})
    run_in = values.pop("run_in_heads", {})
    check_keys(design, DESIGN_SCHEMA, config, errors, "design.")
    check_keys(run_in, RUN_IN_SCHEMA, config, errors, "run_in_heads.")
    for key in ("include", "exclude"):
        if not all(isinstance(item, str) for item in run_in.get(key, [])):
            wrong(f"“run_in_heads.{key}” should list sentences (text)", f"run_in_heads.{key}")
    if "date" in values and not DATE.match(values["date"]):
        wrong(f"date “{values['date']}” should be YYYY-MM or YYYY-MM-DD", "date")
    if "author" in values:
        values.setdefault("creator", values.pop("author"))
    for key, what in (("chapters", "the chapter files, e.g. [intro.md, usage.md]"),
                      ("images_left_out", "the image files, e.g. [map.jpg]")):
        if not all(isinstance(item, str) for item in values.get(key, [])):
            wrong(f"“{key}” should list {what}", key)
            values.pop(key)
    if not 1 <= design.get("toc_depth", 2) <= 6:
        wrong("“design.toc_depth” should be a level from 1 to 6", "design.toc_depth")
    if design.get("running_heads", "book") not in RUNNING_HEADS:
        wrong(f"“design.running_heads” should be one of {', '.join(RUNNING_HEADS)}", "design.running_heads")
    if design.get("signature", 16) not in SIGNATURES:
        wrong(f"“design.signature” should be one of {', '.join(map(str, SIGNATURES))} (pages a folded sheet "
              "makes)", "design.signature")
    if design.get("note_numbering", "chapter") not in NOTE_NUMBERING:
        wrong(f"“design.note_numbering” should be one of {', '.join(NOTE_NUMBERING)}", "design.note_numbering")
    if "isbn" in values and not isbn_ok(values["isbn"]):
        wrong(f"ISBN “{values['isbn']}” is not a valid ISBN-13 (its check digit is wrong, or it has not 13 "
              "digits); copy it from the book's CIP data", "isbn")
    config.values = values
    config.design.update(design)
    config.run_in = run_in
    for check in (config.page_size, config.paper):  # a bad size or paper now, not halfway through a build
        try:
            check()
        except InputError as err:
            errors.append(err)
    raise_all(errors)
    return config
