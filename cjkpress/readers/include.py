"""mdBook's preprocessing of a chapter's text: `{{#include …}}` and its kin, as mdBook does it.

- `{{#include path}}` the whole file; `path:name` the lines between
  `ANCHOR: name` and `ANCHOR_END: name`; `path:2` line 2, `path:2:10`,
  `path::10`, `path:2:` line ranges (1-based, inclusive). Anchor lines are
  left out of every include.
- `{{#rustdoc_include …}}` the same: mdBook keeps the rest of the file as
  hidden lines for rustdoc, which a printed book never shows.
- `{{#playground …}}` the file, as mdBook inserts it.
- `{{#title …}}` sets a web page's title: nothing of it is printed.
- `\\{{#include …}}` is the directive's text, printed.

Paths are relative to the including file and may not leave the project
folder; included files are preprocessed in turn (an include cycle is a
mistake). For messages, each line of the result knows its line in the
chapter file: an included line, the line of the directive that brought it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .text import decode

DIRECTIVE = re.compile(r"(\\)?\{\{\s*#(include|rustdoc_include|playground|title)\b\s*(.*?)\s*\}\}")
ANCHOR = re.compile(r"ANCHOR(_END)?:\s*([\w-]+)")
RANGE = re.compile(r"^(\d*)(?::(\d*))?$")
MAX_DEPTH = 10  # mdBook's limit on nested includes


@dataclass
class Preprocessed:
    text: str
    lines: list[int]  # for each line of `text` (0-based), its line in the chapter file
    files: list[Path]  # every file included, for rebuilds


def preprocess(text: str, path: Path, project: Path, encoding: str | None = None) -> Preprocessed:
    """`text` (of the chapter file `path`) with its directives carried out."""
    files: list[Path] = []
    pieces, at, line = [], 0, 1
    for match in DIRECTIVE.finditer(text):
        before = text[at : match.start()]
        line += before.count("\n")
        pieces += [before, expand(match.group(0), path, project.resolve(), encoding, files, (path.resolve(),), line)]
        at = match.end()
    pieces.append(text[at:])
    return Preprocessed("".join(pieces), line_map(pieces), files)


def line_map(pieces: list[str]) -> list[int]:
    """Chapter lines of the joined `pieces`: own text (even indexes) counts on, included text
    (odd indexes) stays at the line it was inserted on."""
    lines, line = [1], 1
    for index, piece in enumerate(pieces):
        for _ in range(piece.count("\n")):
            if index % 2 == 0:
                line += 1
            lines.append(line)
    return lines


def expand(text: str, path: Path, project: Path, encoding, files: list[Path], chain: tuple[Path, ...],
           first_line: int = 1) -> str:
    def replace(match: re.Match) -> str:
        escaped, kind, argument = match.groups()
        if escaped:
            return match.group(0)[1:]
        if kind == "title":
            return ""
        line = first_line + text.count("\n", 0, match.start())
        name, _, selector = argument.split()[0].partition(":") if argument else ("", "", "")
        if not name:
            raise InputError(f"{{{{#{kind}}}}} names no file; write {{{{#{kind} path}}}}", path, line)
        target = (path.parent / name).resolve()
        if not target.is_relative_to(project):
            raise InputError(f"{{{{#{kind} {name}}}}} is outside the project folder {project}; "
                             "keep included files inside it", path, line)
        if not target.is_file():
            raise InputError(f"{{{{#{kind} {name}}}}}: there is no such file ({target}); correct the path", path, line)
        if target in chain or len(chain) > MAX_DEPTH:
            raise InputError(f"{{{{#{kind} {name}}}}} includes itself (through "
                             f"{' → '.join(p.name for p in chain)}); break the cycle", path, line)
        files.append(target)
        included = selected(decode(target.read_bytes(), target, encoding), selector, target, path, line)
        return expand(included, target, project, encoding, files, chain + (target,))

    return DIRECTIVE.sub(replace, text)


def selected(text: str, selector: str, target: Path, path: Path, line: int) -> str:
    """The lines of `text` that `selector` (after the path's colon) names, anchor lines left out."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if not selector:
        chosen = lines
    elif (numbers := RANGE.match(selector)) and selector.strip(":"):
        start, end = numbers.groups()
        first = int(start) - 1 if start else 0
        if ":" in selector:
            last = int(end) if end else len(lines)
        else:
            last = first + 1  # `path:2`: line 2 alone
        chosen = lines[max(first, 0) : last]
    else:
        chosen = anchored(lines, selector, target, path, line)
    return "\n".join(l for l in chosen if not ANCHOR.search(l))


def anchored(lines: list[str], name: str, target: Path, path: Path, line: int) -> list[str]:
    inside, found, names = False, [], []
    for text in lines:
        match = ANCHOR.search(text)
        if match and match.group(2) == name:
            if match.group(1):
                return found
            inside = True
        elif inside:
            found.append(text)
        if match and not match.group(1):
            names.append(match.group(2))
    if inside:
        return found  # an anchor never closed runs to the end of the file, as in mdBook
    known = ", ".join(dict.fromkeys(names)) or "none"
    raise InputError(f"{target.name} has no anchor “{name}” (its anchors: {known}); correct the include",
                     path, line)
