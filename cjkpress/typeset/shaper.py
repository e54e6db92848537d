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
