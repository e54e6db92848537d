"""Character classes of the W3C's Requirements for Chinese Text Layout (horizontal Simplified Chinese)."""

OPENING = "“‘（《〈【「『〔"
# Closing brackets and stops: in Simplified Chinese all of them sit in the left
# half of their em, so their right half can be trimmed.
CLOSING = "”’）》〉】」』〕，。、；：？！"
PAIRED = ("——", "……")  # two-em marks that never split
MIDDLE_DOT = "·"
DASH = "\u2014"  # 一字线 alone, 破折号 doubled: full-width in Chinese text
