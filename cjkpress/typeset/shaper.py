"""Advance widths in em, from HarfBuzz shaping the very faces WeasyPrint embeds, with the features it applies."""

from functools import cache

import uharfbuzz as hb

from .. import fonts
from ..design import Design
from ..fonts import Face


class Shaper:
    """Widths of text in the body face, or (`lead`) the bold heading face of run-in heads."""

    def __init__(self, body: Face, lead: Face, language: str, fallback: Face | None = None):
        self.faces = {False: body, True: lead}
        self.fallback = fallback
        self.language = language

    @classmethod
    def for_design(cls, design: Design, language: str) -> "Shaper":
        """The fonts `design` names: body, bold heading face for run-in heads, fallback if any."""
        body, lead, fallback = fonts.for_design(design)
        return cls(body, lead, language, fallback)

    @staticmethod
    @cache
    def font(face: Face) -> hb.Font:
        return hb.Font(fonts.hb_face(face))

    @cache
    def width(self, text: str, lead: bool, halt: bool) -> float:
        # Measured in the face that will draw it, as WeasyPrint falls back.
        font = self.font(fonts.face_for(text, self.faces[lead], self.fallback) or self.faces[lead])
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.language = self.language
        hb.shape(font, buffer, {"halt": True} if halt else {})
        return sum(p.x_advance for p in buffer.glyph_positions) / font.face.upem
