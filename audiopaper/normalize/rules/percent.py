"""Percentages and per-mille: 12.5% → 百分之十二点五, 6.4‰ → 千分之六点四,
-2.3% → 负百分之二点三, 30%~40% → 百分之三十到百分之四十.

Order: before ranges and cardinals. The sign comes first (负百分之…), as in NeMo.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_decimal
from audiopaper.normalize.rules.common import NUM, RANGE_SEP, range_word

_SIGNED = rf"(?:[-负]\s?)?{NUM}"


_PARTS = {"%": "百分之", "‰": "千分之", "‱": "万分之"}


def percent(number: str, sign: str = "%") -> str:
    number = number.replace(" ", "")
    if number[:1] in "-负":
        return "负" + _PARTS[sign] + read_decimal(number[1:], liang=False)
    return _PARTS[sign] + read_decimal(number, liang=False)


def _single(m: re.Match[str], ctx: Context) -> str:
    return percent(m.group(1), m.group(2))


def _range(m: re.Match[str], ctx: Context) -> str:
    sign = m.group("p")
    return percent(m.group("a"), sign) + range_word(m.group("sep")) + percent(m.group("b"), sign)


def _sign(m: re.Match[str], ctx: Context) -> str:
    return "负"


RULES = (
    Rule(
        "percentage",
        compile_kept(
            rf"(?<![\d.A-Za-z])(?P<a>{_SIGNED})[%‰‱]?{RANGE_SEP}(?P<b>{_SIGNED})\s?(?P<p>[%‰‱])"
        ),
        _range,
    ),
    Rule("percentage", compile_kept(rf"(?<![\d.A-Za-z])({_SIGNED})\s?([%‰‱])"), _single),
    Rule("sign", compile_kept(r"(?<![\dA-Za-z])-(?=百分之|\d+分之)"), _sign),
)
