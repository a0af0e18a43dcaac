"""Ranges: 3~5天 → 三到五天, 1-2个月 → 一到两个月, 3-5km.

Order: after dates, times, scores, percentages and math (each of which reads a dash its own way),
before measures and cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_number
from audiopaper.normalize.rules.common import (
    NUM,
    RANGE_SEP,
    count,
    range_word,
    say_with_unit,
    unit_pattern,
)

_TEMPERATURES = ("℃", "°C", "℉", "°F", "°")
_SCALE = "万亿|千万|百万|十万|[十百千万亿]"


def _side(number: str, unit: str | None, after: str, cold: bool = False) -> str:
    """One end of the range; ``cold``: a negative temperature reads 零下."""
    sign = ("零下" if cold else "负") if number.startswith("-") else ""
    number = number.lstrip("-")
    money = after.startswith(("元", "块", "万元", "亿元"))
    return sign + (say_with_unit(number, unit) if unit else count(number, after, strip_zeros=money))


def _scaled(number: str, scale: str) -> str:
    """5千 → 五千, 2万 → 两万 (a 2 before 百/千/万/亿 reads 两)."""
    head = "两" if number == "2" and scale[:1] in "百千万亿" else read_number(number)
    return head + scale


def _numbers(m: re.Match[str], ctx: Context) -> str:
    after = ctx.after(m.end(), 3)
    scale_a, scale_b = m.group("ka"), m.group("kb")
    if scale_a or scale_b:  # 5千-8千元 → 五千到八千元, 3-5万人 → 三到五万人
        first = _scaled(m.group("a"), scale_a or "")
        return first + range_word(m.group("sep")) + _scaled(m.group("b"), scale_b or "")
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
            compile_kept(
                rf"(?<![\d.:/A-Za-z-])(?P<a>-?{NUM})(?:(?P<ka>{_SCALE})|(?P<u>{unit}))?{RANGE_SEP}"
                rf"(?P<b>{NUM})(?:(?P<kb>{_SCALE})|(?P<v>{unit}))?(?![\d:/])(?!\.\d)"
            ),
            _numbers,
        ),
    )


RULES = _rules()
