"""Source bytes → text, for every reader: encodings, BOMs, line ends, and what is not text at all."""

from pathlib import Path

from ..errors import InputError

# Signatures of files that are not text at all, to say what they are.
MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"%PDF": "a PDF", b"PK\x03\x04": "a zip archive (docx, epub…)",
         b"GIF8": "a GIF image", b"\xd0\xcf\x11\xe0": "a Word 97–2003 document"}
BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
MAX_BYTES = 2_000_000  # about 40 times the seed, a thousand pages; see README


def decode(data: bytes, path: Path, encoding: str | None = None) -> str:
    """The text of `data`: UTF-8 (with or without BOM), UTF-16 with BOM, or the `encoding` given."""
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise InputError(f"this is {what}, not a text file; give the book as plain text", path)
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the text is {len(data) / 1e6:.1f} MB, more than the {MAX_BYTES / 1e6:.0f} MB cjkpress typesets "
            "in one book; split it into volumes",
            path,
        )
    for bom, bom_encoding in BOMS.items():
        if not encoding and data.startswith(bom):
            data, encoding = data[len(bom):], bom_encoding
    try:
        text = data.decode(encoding or "utf-8")
    except LookupError:
        raise InputError(f"unknown encoding “{encoding}”; try utf-8 or gb18030", path) from None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        if not encoding and b"\x00" in data[:4096]:
            raise InputError("this is a binary file, not text; give the book as plain text", path, line) from None
        hint = "save it as UTF-8, or give its encoding with --encoding"
        if not encoding and looks_like_gb18030(data):
            hint = "it looks like GB18030/GBK: build with --encoding gb18030, or save it as UTF-8"
        raise InputError(f"the text is not {encoding or 'UTF-8'}; {hint}", path, line) from None
    if "\x00" in text:
        raise InputError("the text holds NUL characters; is it a binary file?", path, text[: text.index("\x00")].count("\n") + 1)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_gb18030(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return sum("\u4e00" <= c <= "\u9fff" for c in text) > len(text) / 4


