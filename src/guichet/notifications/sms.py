"""SMS length rules: GSM 03.38 (7-bit) or UCS-2, single or concatenated segments."""

from __future__ import annotations

from dataclasses import dataclass

# GSM 03.38 basic set, and the extension set whose characters cost two septets (ESC + char).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    count: int


def segments(text: str) -> Segments:
    """How `text` travels: 160 septets in one GSM-7 SMS (153 per part when split), else
    70 UTF-16 units in one UCS-2 SMS (67 per part)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if units <= single:
        return Segments(encoding, units, 1 if units else 0)
    return Segments(encoding, units, -(-units // part))


MAX_SEGMENTS = 4


def fit(text: str, suffix: str = "", max_segments: int = MAX_SEGMENTS) -> str:
    """`text + suffix`, with `text` cut ("...", GSM-7 safe) so the whole fits the segments."""
    if segments(text + suffix).count <= max_segments:
        return text + suffix
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if segments(text[:middle] + "..." + suffix).count <= max_segments:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "..." + suffix
