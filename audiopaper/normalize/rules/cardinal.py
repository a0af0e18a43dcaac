"""The fallback: every number no earlier rule took is read as a cardinal or decimal.

A bare 2 before a measure word reads 两 (2个 → 两个), a leading minus reads 负, a leading dot
reads 零点 (.22口径 → 零点二二口径), a number with a leading zero is a code (007 → 零零七).
Numbers longer than sixteen digits are read digit by digit. Order: last.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits
from audiopaper.normalize.rules.common import NUM, count


def _speak(m: re.Match[str], ctx: Context) -> str:
    sign, number = m.group("s"), m.group("n")
    if len(number) > 1 and number.startswith("0") and number.isdigit():
        return ("负" if sign else "") + read_digits(number)  # 007, 0000: a code
    spoken = count(number, ctx.after(m.end(), 3))
    return ("负" if sign else "") + spoken


RULES = (
    Rule(
        "cardinal",
        compile_kept(rf"(?:(?<![\dA-Za-z])(?P<s>-)\s?)?(?P<n>(?<![\d])(?:{NUM}|(?<![\d.])\.\d+))"),
        _speak,
    ),
)
