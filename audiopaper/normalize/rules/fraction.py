"""Fractions: 1/3 → 三分之一, -1/5 → 负五分之一, 1又1/5 → 一又五分之一 (又 is kept as written).

Order: after dates (2008/08) and scores (拉齐奥 2/2), before cardinals.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_int


def _speak(m: re.Match[str], ctx: Context) -> str | None:
    if ctx.after(m.end(), 2) in ("事件", "惨案", "袭击"):
        return None  # 9/11事件 is a date, read by the symbols rule
    sign = "负" if m.group("s") else ""
    return sign + read_int(m.group("d"), liang=False) + "分之" + read_int(m.group("n"), liang=False)


RULES = (
    Rule(
        "fraction",
        compile_kept(
            r"(?:(?<![\dA-Za-z])(?P<s>[-负])\s?)?(?<![\d./])(?P<n>\d+)\s?/\s?(?P<d>\d+)(?![\d./])"
        ),
        _speak,
    ),
)
