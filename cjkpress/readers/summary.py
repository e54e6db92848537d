"""An mdBook or GitBook SUMMARY.md → the book's entries in reading order, as mdBook reads it.

- A first `#` heading before anything else is the summary's own title (ignored).
- Links in paragraphs before the first list are prefix chapters; after the
  last list, suffix chapters.
- List items are the numbered chapters; a nested list's items are
  sub-chapters of the item holding it (depth 1, 2…).
- A heading between lists is a part title: it stands above the chapters
  after it.
- `---` separates; nothing of it is printed.
- An entry with an empty link, `[标题]()`, is a draft: it has no file.
- Numbered chapters are numbered as mdBook numbers them, 1, 1.1, 1.2, 2…, on
  across parts; but a draft takes no number: the printed book has no gap.
"""

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ..errors import InputError
from .text import decode


@dataclass(frozen=True)
class Entry:
    title: str
    path: Path | None  # None for a draft
    depth: int  # 0 for a chapter, 1 for its sub-chapters…
    numbered: bool  # a numbered chapter, not a prefix or suffix one
    part: str  # the part title it stands under, or ""
    line: int
    number: tuple[int, ...] = ()  # a numbered chapter's: (3,) for chapter 3, (3, 1) for its first sub-chapter


def entries(path: Path, encoding: str | None = None) -> list[Entry]:
    """The entries of the SUMMARY.md at `path`, files resolved against its folder."""
    root = SyntaxTreeNode(MarkdownIt("commonmark").parse(decode(path.read_bytes(), path, encoding)))
    found: list[Entry] = []
    part = ""
    for index, node in enumerate(root.children):
        if node.type == "heading":
            if index == 0:
                continue  # the summary's title
            part = inline_text(node).strip()
        elif node.type in ("bullet_list", "ordered_list"):
            found += list_entries(node, path, 0, part)
        elif node.type == "paragraph":
            # Prefix and suffix chapters stand outside the parts.
            found += [entry(link, path, 0, False, "") for link in node.walk() if link.type == "link"]
    if not found:
        raise InputError("SUMMARY.md lists no chapter; list the chapter files as [标题](file.md)", path, 1)
    return numbered(found)


def numbered(found: list[Entry]) -> list[Entry]:
    """The entries with their numbers: each numbered entry one more than the last at its depth."""
    counters: list[int] = []
    result = []
    for item in found:
        if item.numbered and item.path is not None:
            counters = counters[: item.depth + 1]
            counters += [0] * (item.depth + 1 - len(counters))
            counters[item.depth] += 1
            item = replace(item, number=tuple(counters))
        result.append(item)
    return result


def list_entries(node: SyntaxTreeNode, summary: Path, depth: int, part: str) -> list[Entry]:
    found = []
    for item in node.children:
        for child in item.children:
            if child.type == "paragraph":
                link = next((n for n in child.walk() if n.type == "link"), None)
                if link is not None:
                    found.append(entry(link, summary, depth, True, part))
                else:  # a title without a link, as GitBook allows: a draft
                    found.append(Entry(inline_text(child).strip(), None, depth, True, part, line_of(child)))
            elif child.type in ("bullet_list", "ordered_list"):
                found += list_entries(child, summary, depth + 1, part)
    return found


def entry(link: SyntaxTreeNode, summary: Path, depth: int, numbered: bool, part: str) -> Entry:
    target = unquote(str(link.attrs.get("href", "")).split("#")[0])
    title = inline_text(link)
    return Entry(title, summary.parent / target if target else None, depth, numbered, part, line_of(link))


def inline_text(node: SyntaxTreeNode) -> str:
    return "".join(n.content for n in node.walk() if n.type in ("text", "code_inline"))


def line_of(node: SyntaxTreeNode) -> int:
    while node is not None and not node.map:
        node = node.parent
    return node.map[0] + 1 if node is not None else 1
