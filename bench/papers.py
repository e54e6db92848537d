"""Longer papers of the family, made from the seed: its chapters repeated under new numbers."""

def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (up to 99)."""
    digits = "一二三四五六七八九"
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens - 1] + "十")
    return head + (digits[units - 1] if units else "")


def repeat_chapters(text: str, copies: int) -> str:
    """The seed with its numbered chapters `copies` times (renumbered), 前言 and 结束语 once, and a 目录 to match."""
    lines = text.splitlines()
    start = lines.index("\u3000\u3000前言", 6)  # the body, after the 目录
    body = lines[start:]
    first = next(i for i, line in enumerate(body) if line.strip("\u3000 ").startswith("一、"))
    last = next(i for i, line in enumerate(body) if line.strip("\u3000 ") == "结束语")
    chapters = body[first:last]
    per_copy = sum(1 for line in chapters if _chapter_number(line))
    repeated = []
    for copy in range(copies):
        for line in chapters:
            number = _chapter_number(line)
            if number:
                text_part = line.strip("\u3000 ")
                line = "\u3000\u3000" + numeral(number + per_copy * copy) + text_part[len(numeral(number)):]
            repeated.append(line)
    new_body = body[:first] + repeated + body[last:]
    toc = [line for line in new_body if _is_heading(line)]
    return "\n".join(lines[: lines.index("\u3000\u3000目录") + 1] + toc + new_body) + "\n"


def _chapter_number(line: str) -> int:
    text = line.strip("\u3000 ")
    head = text.split("、", 1)[0]
    for n in range(1, 100):
        if head == numeral(n) and len(text) <= 40:
            return n
    return 0


def _is_heading(line: str) -> bool:
    text = line.strip("\u3000 ")
    return len(text) <= 40 and (text in ("前言", "结束语") or bool(_chapter_number(line)) or
                                (text.startswith("（") and "）" in text[:5] and not text.endswith("。")))
