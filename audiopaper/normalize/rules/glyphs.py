"""Numbers written as single glyphs: Roman numerals (Ⅱ类 → 二类, III期 → 三期), circled and
bracketed numbers (①号线 → 一号线), subscripts (CO₂ → CO二) and superscripts (10³ → 十的三次方,
米² → 平方米). Order: early, before the number rules; powers after measures (5m² is a unit).
"""

from __future__ import annotations

import re
import unicodedata

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits, read_int

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# Words after which I, II, III, IV … in Latin letters are a number, not letters.
_ROMAN_AFTER = "类|级|期|型|度|代|号|区|阶段|档|等|卷|部|篇|章|世|式|标准|组"
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4"}
_SUPERSCRIPTS.update({chr(0x2070 + d): str(d) for d in range(5, 10)})
_SUBSCRIPTS = {chr(0x2080 + d): str(d) for d in range(10)}
_POWER_WORDS = {"2": "平方", "3": "立方"}


def roman_value(letters: str) -> int | None:
    """I, IV, XII … → 1, 4, 12 (subtractive notation); None if not a numeral."""
    values = [_ROMAN_VALUES.get(c) for c in letters.upper()]
    if not values or None in values:
        return None
    digits = [v for v in values if v is not None]
    total = 0
    for i, value in enumerate(digits):
        following = digits[i + 1] if i + 1 < len(digits) else 0
        total += -value if value < following else value
    return total if total > 0 else None


def _glyph_value(char: str) -> int | None:
    """The number a glyph stands for: Ⅻ → 12, ⑳ → 20, ⒊ → 3 (NFKC spells most out)."""
    try:
        numeric = unicodedata.numeric(char)
    except (TypeError, ValueError):
        return None
    return int(numeric) if numeric == int(numeric) and numeric > 0 else None


def _roman_glyphs(m: re.Match[str], ctx: Context) -> str | None:
    text = m.group(0)
    if len(text) == 1:
        value = _glyph_value(text)
    else:
        value = roman_value(unicodedata.normalize("NFKC", text))
    return read_int(str(value), liang=False) if value else None


def _roman_letters(m: re.Match[str], ctx: Context) -> str | None:
    value = roman_value(m.group("r"))
    return read_int(str(value), liang=False) if value and value < 40 else None


def _enclosed(m: re.Match[str], ctx: Context) -> str | None:
    value = _glyph_value(m.group(0))
    return read_int(str(value), liang=False) if value else None


def _subscript(m: re.Match[str], ctx: Context) -> str:
    return read_digits("".join(_SUBSCRIPTS[c] for c in m.group(0)))


def _power(m: re.Match[str], ctx: Context) -> str:
    power = "".join(_SUPERSCRIPTS[c] for c in m.group("p"))
    base = m.group("b")
    if base is not None:  # 10³ → 十的三次方
        return read_int(base, liang=False) + "的" + read_int(power, liang=False) + "次方"
    return _POWER_WORDS.get(power) or read_int(power, liang=False) + "次方"


def _unit_power(m: re.Match[str], ctx: Context) -> str:
    """米² → 平方米, 千米³ → 立方千米: the power word goes before the unit."""
    power = "".join(_SUPERSCRIPTS[c] for c in m.group("p"))
    return (_POWER_WORDS.get(power) or "") + m.group("u")


_SUPERS = "".join(_SUPERSCRIPTS)
RULES = (
    Rule("roman", compile_kept(r"[\u2160-\u2188]+"), _roman_glyphs),
    Rule(
        "roman",
        compile_kept(rf"(?:(?<=第)|(?<![A-Za-z]))(?P<r>[IVX]{{1,5}})(?=\s?(?:{_ROMAN_AFTER}))"),
        _roman_letters,
    ),
    Rule(
        "enclosed-number",
        compile_kept(r"[\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"),
        _enclosed,
    ),
    Rule("subscript", compile_kept(r"[\u2080-\u2089]+"), _subscript),
)

# After measures, which read 5m² and 3km² as units.
POWERS = (
    Rule("power", compile_kept(r"(?P<u>(?:千|厘|毫|分)?米)(?P<p>[²³])"), _unit_power),
    # After a number (10³) or a Latin letter (x²); alone after Chinese it is reported.
    Rule(
        "power", compile_kept(rf"(?:(?<![\d.])(?P<b>\d+)|(?<=[A-Za-z]))(?P<p>[{_SUPERS}]+)"), _power
    ),
)
