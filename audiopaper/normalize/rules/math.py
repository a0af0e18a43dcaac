"""Arithmetic: 1+1=2 → 一加一等于二, 2 ≤ 4 → 二小于等于四, ±2 → 正负二, ≥100万 → 大于等于一百万.

A dash is read 减 only in an expression that also has another operator (5-3=2); alone it is a
range, left to the range rule. Order: before ranges.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_number
from audiopaper.normalize.rules.common import NUM

OPERATORS = {
    "<=": "小于等于",
    ">=": "大于等于",
    "≤": "小于等于",
    "≥": "大于等于",
    "≠": "不等于",
    "≈": "约等于",
    "±": "正负",
    "+": "加",
    "-": "减",
    "=": "等于",
    "<": "小于",
    ">": "大于",
    "×": "乘",
    "*": "乘",
    "÷": "除以",
}
_OP = r"<=|>=|[≤≥≠≈+\-=<>×*÷]"
_TOKEN = compile_kept(rf"({NUM})|({_OP})|\s+")


def _speak_tokens(expr: str) -> str:
    out: list[str] = []
    previous_is_number = False
    for m in _TOKEN.finditer(expr):
        number, op = m.group(1), m.group(2)
        if number:
            out.append(read_number(number, liang=False))
            previous_is_number = True
        elif op:
            out.append("负" if op == "-" and not previous_is_number else OPERATORS[op])
            previous_is_number = False
    return "".join(out)


def _expression(m: re.Match[str], ctx: Context) -> str | None:
    expr = m.group(0)
    ops = re.sub(rf"{NUM}|\s", "", expr).lstrip("-")
    if not ops or set(ops) <= {"-"}:
        return None
    return _speak_tokens(expr)


def _operator(m: re.Match[str], ctx: Context) -> str:
    return OPERATORS[m.group(0).strip()]


RULES = (
    Rule(
        "math",
        compile_kept(rf"(?<![\d.A-Za-z])[-±]?{NUM}(?:\s?(?:{_OP})\s?[-±]?{NUM})+(?![\d.])"),
        _expression,
    ),
    # Before a number, or one an earlier rule read (≥90% → 大于等于百分之九十).
    Rule("math", compile_kept(r"(?:<=|>=|[≤≥≠≈±<>])\s?(?=-?[\d\x00])"), _operator),
)
