"""Numbers with a unit symbol: 25kg → 二十五公斤, 120m² → 一百二十平方米, -3℃ → 零下三摄氏度.

Units come from data/units.tsv (longest symbol first; a unit letter must not run on into a
Latin word). A negative temperature is read 零下. Order: after ranges, before cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_number
from audiopaper.normalize.rules.common import NUM, say_with_unit, unit_pattern, units

_TEMPERATURE = ("摄氏度", "华氏度", "度")


# 时速120km/h is 时速一百二十公里, not 时速每小时一百二十公里.
_RATE_WORDS = {"每小时": "时速", "每秒": "秒速"}


def _speak(m: re.Match[str], ctx: Context) -> str:
    unit, scale = m.group("u"), m.group("k")
    if scale:  # 50亿kWh → 五十亿千瓦时
        before, _, after = units()[unit][0].rpartition("|")
        return before + read_number(m.group("n")) + scale + after
    spoken = say_with_unit(m.group("n"), unit)
    for rate, word in _RATE_WORDS.items():
        if spoken.startswith(rate) and ctx.before(m.start(), 2) == word:
            spoken = spoken.removeprefix(rate)
    if m.group("s"):
        sign = "零下" if spoken.endswith(_TEMPERATURE) else "负"
        spoken = sign + spoken
    return spoken


RULES = (
    Rule(
        "measure",
        compile_kept(
            rf"(?:(?<![\dA-Za-z])(?P<s>-)\s?)?(?<![\d.A-Za-z])(?P<n>{NUM})(?P<k>万亿|亿|万)?\s?"
            rf"(?P<u>{unit_pattern()})"
        ),
        _speak,
    ),
)
