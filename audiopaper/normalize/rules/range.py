"""Ranges: 3~5天 → 三到五天, 1-2个月 → 一到两个月, 3-5km.

Order: after dates, times, scores, percentages and math (each of which reads a dash its own way),
before measures and cardinals.
"""

from __future__ import annotations

import re

from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.rules.common import (
    NUM,
    RANGE_SEP,
    count,
    range_word,
    say_with_unit,
    unit_pattern,
)

_TEMPERATURES = ("℃", "°C", "℉", "°F", "°")


def _side(number: str, unit: str | None, after: str, cold: bool = False) -> str:
    """One end of the range; ``cold``: a negative temperature reads 零下."""
    sign = ("零下" if cold else "负") if number.startswith("-") else ""
    number = number.lstrip("-")
    money = after.startswith(("元", "块", "万元", "亿元"))
    return sign + (say_with_unit(number, unit) if unit else count(number, after, strip_zeros=money))


def _numbers(m: re.Match[str], ctx: Context) -> str:
    after = ctx.after(m.end(), 3)
    unit_a, unit_b = m.group("u"), m.group("v")
    cold = (unit_b or unit_a or "") in _TEMPERATURES or after.startswith(("摄氏度", "度"))
    # 3-5km: the unit is said once, after the second number.
    first = _side(m.group("a"), unit_a, after if not unit_a else "", cold)
    second = _side(m.group("b"), unit_b, after, cold)
    return first + range_word(m.group("sep")) + second


def _rules() -> tuple[Rule, ...]:
    unit = unit_pattern()
    return (
        Rule(
            "range",
            re.compile(
                rf"(?<![\d.:/A-Za-z-])(?P<a>-?{NUM})(?P<u>{unit})?{RANGE_SEP}"
                rf"(?P<b>{NUM})(?P<v>{unit})?(?![\d:/])(?!\.\d)"
            ),
            _numbers,
        ),
    )


RULES = _rules()
