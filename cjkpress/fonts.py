"""Fonts: find an installed face through fontconfig, say which face draws a text, subset it for embedding.

An EPUB reader shows embedded fonts only in its "publisher default" mode, and
then only the embedded font: a subset that lacks a character used in the book
makes that character vanish, so subsets are made from the exact text written.
"""

import os
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb

from .errors import InputError

# Worth keeping in a subset whatever the text, for about a hundred glyphs: the digits and letters a
# reader may add in the book's font (list numbers, labels) and the punctuation
# of any Chinese text.
EXTRA_CHARS = "".join(map(chr, range(0x20, 0x7F))) + "\u3000，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～"
# Layout features CJK text needs: proportional and half-width punctuation (used
# by text-spacing-trim), vertical forms, kerning. Not `locl`: in a Simplified
# Chinese face it only maps to Japanese, Korean and Traditional forms, which a
# zh-Hans book never shows, and its glyphs were 40% of the subset.
FEATURES = ["ccmp", "halt", "palt", "vhal", "vpal", "vert", "vrt2", "kern", "vkrn"]
NAME_IDS = range(26)  # every standard name record: family, style, version, licence…
FC_FORMAT = "%{file}\n%{index}\n%{family}\n%{postscriptname}\n"
SYMBOL_FONT = "Noto Color Emoji"  # fonts-noto-color-emoji


@dataclass(frozen=True)
class Face:
    family: str
    path: str
    index: int  # the face inside a collection (.ttc); 0 for a single font
    postscript_name: str


@cache
def find(family: str, bold: bool = False) -> Face:
    """The installed face of `family` that fontconfig would use; InputError when it is missing."""
    pattern = family + (":bold" if bold else "")
    try:
        result = subprocess.run(["fc-match", "-f", FC_FORMAT, pattern], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        raise InputError(f"cannot ask fontconfig for font family “{family}” ({err}); install fontconfig") from None
    path, index, families, postscript_name = (result.stdout.split("\n") + [""] * 4)[:4]
    # fontconfig always answers with some font: a substitute means the family is missing.
    matched = [f.strip() for f in families.split(",") if f.strip().casefold() == family.casefold()]
    if not matched:
        raise InputError(
            f"font family “{family}” is not installed (fontconfig offers “{families}” instead); "
            "install it, or choose an installed family (list them with: fc-list :lang=zh family)"
        )
    # The font's own spelling of the name, which style sheets must use.
    return Face(matched[0], path, face_index(path, postscript_name, int(index or 0)), postscript_name)


def face(design, style: str) -> Face:
    """The face a design (cjkpress.design.Design) sets text of `style` (tree.STYLES) in."""
    family, bold = design.family(style)
    return find(family, bold=bold)


def fallback(design) -> Face | None:
    """The design's face for the characters its others lack, or None."""
    return find(design.fallback_font) if design.fallback_font else None


def symbols() -> Face | None:
    """The colour face fontconfig draws emoji from when nothing names a face for them, if installed.
    Never named in a style sheet: Pango would then draw digits from it too."""
    try:
        return find(SYMBOL_FONT)
    except InputError:
        return None


def fallbacks(design) -> tuple[Face, ...]:
    """The faces that draw, in this order, what a style's face lacks."""
    return tuple(f for f in (fallback(design), symbols()) if f)


@cache
def system_face(text: str) -> Face | None:
    """The installed face fontconfig falls back to for `text` when no face of the design has it
    (WeasyPrint draws from it too), if one has every character; None otherwise."""
    charset = " ".join(f"{ord(c):x}" for c in sorted(set(text)))
    try:
        result = subprocess.run(["fc-match", "-f", FC_FORMAT, f":charset={charset}"], capture_output=True,
                                text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    path, index, families, postscript_name = (result.stdout.split("\n") + [""] * 4)[:4]
    if not path:
        return None
    face = Face(families.split(",")[0], path, face_index(path, postscript_name, int(index or 0)), postscript_name)
    return face if all(ord(c) in code_points(face) for c in text) else None


def face_index(path: str, postscript_name: str, guess: int) -> int:
    """The index of the face named `postscript_name` in `path`.

    fontconfig's index comes from its cache, which can be stale after a font
    package update reorders a collection's faces; the PostScript name cannot.
    """
    blob = hb.Blob.from_file_path(path)
    names = [hb.Face(blob, i).get_name(hb.OTNameIdPredefined.POSTSCRIPT_NAME) for i in range(hb.Face(blob).count)]
    if 0 <= guess < len(names) and names[guess] == postscript_name:
        return guess
    if postscript_name in names:
        return names.index(postscript_name)
    raise InputError(f"font file {path} holds no face named {postscript_name}; run fc-cache -f and build again")


def subset_otf(face: Face, text: str) -> bytes:
    """An OpenType (CFF) font with the glyphs for the characters of `text`: byte-identical for the same input.

    HarfBuzz's subsetter, the one WeasyPrint uses for the PDF: a hundred times
    faster than fontTools' on these faces (0.05 s against 3 s for the seed).
    """
    subset_input = hb.SubsetInput()
    subset_input.unicode_set.update(ord(char) for char in set(text))
    features = subset_input.layout_feature_tag_set
    features.clear()
    features.update(int.from_bytes(tag.encode("ascii"), "big") for tag in FEATURES)
    subset_input.name_id_set.update(NAME_IDS)
    subset_input.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    return hb.subset(hb_face(face), subset_input).blob.data


@cache
def hb_face(face: Face) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(face.path), face.index)


@cache
def code_points(face: Face):
    """The characters `face` can draw (a HarfBuzz set: `ord(char) in code_points(face)`)."""
    return hb_face(face).unicodes


def face_for(text: str, face: Face, fallbacks: tuple[Face | None, ...]) -> Face | None:
    """The face that draws `text` set in `face`: `face` when it has every character, else the first
    of `fallbacks` that has them (as WeasyPrint falls back to the next family), else None."""
    for candidate in (face, *fallbacks):
        if candidate and all(ord(char) in code_points(candidate) for char in text):
            return candidate
    return None


@cache
def installed_files() -> tuple[str, ...]:
    """Every font file fontconfig knows."""
    try:
        listed = subprocess.run(["fc-list", "-f", "%{file}\n"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ()
    return tuple(sorted(set(filter(None, listed.split("\n")))))


def installed_file(data: bytes) -> str | None:
    """The installed font file whose bytes are `data` (a face WeasyPrint drew from), if one is."""
    for path in installed_files():
        try:
            if os.stat(path).st_size == len(data) and Path(path).read_bytes() == data:
                return path
        except OSError:
            continue
    return None
