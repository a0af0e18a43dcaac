"""Pattern fragments and reading helpers shared by the rules."""

from __future__ import annotations

from functools import cache

from audiopaper.normalize.data import alternation, table, words
from audiopaper.normalize.numbers import read_number

# A number as written: 3,456,789 / 12.5 / 10010 (no sign; rules add their own).
NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Not glued to a preceding digit, decimal point or Latin letter.
LEFT = r"(?<![\d.A-Za-z])"
# Not followed by more of a number.
RIGHT = r"(?![\d])(?!\.\d)"
CJK = r"\u4e00-\u9fff"


@cache
def measure_words() -> tuple[str, ...]:
    return words("measure_words.tsv")


# Look like measure words but are not: 2分之1, 2年级, 2号.
_NOT_MEASURE = ("两", "分之", "年级", "点钟")


def is_measure(after: str) -> bool:
    """Does ``after`` start with a measure word (before which a bare 2 reads 两)?"""
    return not after.startswith(_NOT_MEASURE) and after.startswith(measure_words())


def count(number: str, after: str, *, strip_zeros: bool = False) -> str:
    """A number read as a count: a bare 2 before a measure word reads 两 (2个 → 两个)."""
    if number == "2" and is_measure(after):
        return "两"
    return read_number(number, strip_zeros=strip_zeros)


@cache
def units() -> dict[str, tuple[str, ...]]:
    return table("units.tsv")


@cache
def unit_pattern() -> str:
    return f"(?:{alternation(list(units()))})(?![A-Za-z])"


def say_with_unit(number: str, unit: str) -> str:
    """Number plus unit symbol: 25kg → 二十五公斤, 10km/h → 每小时十公里."""
    spoken, two = units()[unit][:2]
    value = "两" if number == "2" and two == "两" else read_number(number)
    before, _, after = spoken.rpartition("|")
    return f"{before}{value}{after}"


# A range separator; 至/到 are words and are kept as written, the others read 到.
RANGE_SEP = r"\s?(?P<sep>[~—–]|——|-(?!\s?-)|至|到)\s?"


def range_word(sep: str | None) -> str:
    return sep if sep in ("至", "到") else "到"
