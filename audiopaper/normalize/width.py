"""A matching view of the input: full-width digits, letters and a few symbols folded to
ASCII, one character for one character, so offsets into the view are offsets into the input.

Chinese punctuation (，。：“”) keeps its place in the output because only the view is folded;
the output copies every character no rule rewrote from the input itself.
"""

from __future__ import annotations

_EXTRA = {
    "\u3000": " ",  # ideographic space
    "\u2212": "-",  # minus sign
    "\u2013": "–",
    "\uffe5": "¥",  # fullwidth yen
    "\uffe0": "¢",
    "\uffe1": "£",
    "\u00b7": "·",
    "\u2236": ":",  # ratio colon ∶
    "\u30fb": "·",  # katakana middle dot, used as 5・12
}

# Full-width forms FF01..FF5E map to ASCII 21..7E. Keep the Chinese clause punctuation
# (，；！？（）) as written: it never takes part in a number and must survive unchanged.
_KEEP = set("，；！？（）")


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):
        char = chr(code)
        if char not in _KEEP:
            table[code] = chr(code - 0xFEE0)
    for src, dst in _EXTRA.items():
        table[ord(src)] = dst
    return table


_TABLE = _table()


def fold(text: str) -> str:
    """Return the matching view of ``text`` (same length)."""
    return text.translate(_TABLE)
