"""Money: ￥35 → 三十五元, $1.5万 → 一点五万美元, CNY1.25 → 一点二五人民币, 36.00元 → 三十六元.

The currency word follows the amount (and its 万/亿). Amounts drop trailing decimal zeros
(36.00元 → 三十六元, 14.60元 → 十四点六元); elsewhere decimals are read as written.
Order: before ranges, measures and cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import alternation, table
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.rules.common import NUM, count


def _currencies() -> dict[str, str]:
    return {key: row[0] for key, row in table("currencies.tsv").items()}


_CURRENCY = _currencies()
_CODES = [key for key in _CURRENCY if key.isalpha()]


def _amount(number: str, after: str) -> str:
    sign = ""
    if number.startswith("-"):
        sign, number = "负", number[1:].lstrip()
    return sign + count(number, after, strip_zeros=True)


def _prefixed(m: re.Match[str], ctx: Context) -> str:
    scale = m.group("k") or ""
    return _amount(m.group("n"), "元") + scale + _CURRENCY[m.group("c")]


def _suffixed(m: re.Match[str], ctx: Context) -> str:
    scale = m.group("k") or ""
    return _amount(m.group("n"), "元") + scale + _CURRENCY[m.group("c")]


def _yuan(m: re.Match[str], ctx: Context) -> str:
    return _amount(m.group(0), ctx.after(m.end(), 2))


PREFIXED = (
    Rule(
        "money",
        compile_kept(
            rf"(?<![A-Za-z])(?P<c>{alternation(list(_CURRENCY))})\s?(?P<n>-?{NUM})"
            r"(?P<k>万亿|万|亿)?"
        ),
        _prefixed,
    ),
    Rule(
        "money",
        compile_kept(
            rf"(?<![\d.A-Za-z])(?P<n>-?{NUM})(?P<k>万亿|万|亿)?\s?"
            rf"(?P<c>{alternation(_CODES)})(?![A-Za-z])"
        ),
        _suffixed,
    ),
)

# Amounts before 元/块 (after ranges, which read 100-200元 themselves).
YUAN = (
    Rule(
        "money",
        compile_kept(rf"(?:(?<![\dA-Za-z])-)?(?<![\d.A-Za-z]){NUM}(?=(?:万亿|万|亿)?(?:元|块))"),
        _yuan,
    ),
)
