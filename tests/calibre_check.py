"""calibre's verdict on EPUBs: `calibre-debug tests/calibre_check.py EPUB...` (Debian's calibre).

Runs the checks of calibre's e-book editor (Check book: its parsers, its CSS
linter, links, fonts, the OPF) and prints what they find, one a line; exits 1
when any is an error. Warnings are printed but pass: calibre warns that a
font's declared type, font/otf (EPUB 3's core media type), is not the one it
guesses from the file name.
"""

import sys

from calibre.ebooks.oeb.polish.check.base import ERROR
from calibre.ebooks.oeb.polish.check.main import run_checks
from calibre.ebooks.oeb.polish.container import get_container

LEVELS = {0: "debug", 1: "info", 2: "warning", 3: "error", 4: "critical"}


def main(paths: list[str]) -> int:
    status = 0
    for path in paths:
        for found in run_checks(get_container(path, tweak_mode=True)):
            where = f"{found.name}:{found.line}" if getattr(found, "line", None) else found.name
            print(f"{path} | {LEVELS.get(found.level, found.level)} | {where} | {found.msg}")
            status = status or int(found.level >= ERROR)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
