"""Advance widths in em, from HarfBuzz shaping the very faces WeasyPrint embeds, with the features it applies."""

from functools import cache

import uharfbuzz as hb

from .. import fonts
from ..design import Design
from ..fonts import Face


class Shaper:
    """Widths of text in the face of its style (tree.STYLES), as the design names them."""

    def __init__(self, design: Design, language: str):
        self.design = design
        self.fallbacks = fonts.fallbacks(design)
        self.language = language

    @staticmethod
    @cache
    def font(face: Face) -> hb.Font:
        return hb.Font(fonts.hb_face(face))

    @cache
    def width(self, text: str, style: str, halt: bool, kern: bool = True, full_width: bool = False) -> float:
        """`kern`: as a run is drawn whole; False, as the pieces of a broken run are drawn. `full_width`:
        with the `fwid` feature, as the setter's dashes are drawn."""
        if not text:
            return 0.0
        face = fonts.face(self.design, style)
        # Measured in the face that will draw it, as WeasyPrint falls back.
        font = self.font(fonts.face_for(text, face, self.fallbacks) or fonts.system_face(text) or face)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.language = self.language
        features = {"halt": True} if halt else {}
        if full_width:
            features["fwid"] = True
        if not kern:  # a letter of a word drawn letter by letter: no kerning, no ligature with its neighbour
            features.update(kern=False, liga=False, clig=False)
        hb.shape(font, buffer, features)
        return sum(p.x_advance for p in buffer.glyph_positions) / font.face.upem

    def em_box_drop(self, style: str) -> float:
        """How far (em) a line one em high draws text of `style` below where its ideographic em box would
        fill the line: the half-leading and the face's ascender put the baseline at (1 + A + D) / 2, the em
        box wants it at its top, 1 em over its bottom (BASE's ideo baseline; 0.88 in Noto CJK)."""
        font = self.font(fonts.face(self.design, style))
        extents, upem = font.get_font_extents("ltr"), font.face.upem
        bottom = font.get_layout_baseline("ideo", "ltr", "hani", "ZHS ")
        bottom = -0.12 * upem if bottom is None else bottom  # the usual em box of a CJK face
        return (upem + extents.ascender + extents.descender) / 2 / upem - (bottom + upem) / upem
