"""Ordinals: 第58次 → 第五十八次, 第2 → 第二 (never 两), lists 第1、2名 → 第一、二名, and
floors one is on (住在2层 → 二层). Order: before cardinals."""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_decimal
from audiopaper.normalize.rules.common import NUM


def _speak(m: re.Match[str], ctx: Context) -> str:
    return "第" + read_decimal(m.group(1), liang=False)


def _listed(m: re.Match[str], ctx: Context) -> str:
    """第1、2名 → 第一、二名: every number of the list is an ordinal (never 两)."""
    numbers = re.split(r"\s?([、,，和及与至到-])\s?", m.group(1))
    return "第" + "".join(
        read_decimal(part, liang=False) if part[:1].isdigit() else part for part in numbers
    )


def _floor(m: re.Match[str], ctx: Context) -> str:
    """住在2层 → 住在二层: a floor one is on is named, not counted (高2层 is 两层)."""
    return read_decimal(m.group(0), liang=False)


RULES = (
    Rule("ordinal", compile_kept(rf"第\s?({NUM}(?:\s?[、,，和及与]\s?{NUM})+)(?!\d)"), _listed),
    Rule("ordinal", compile_kept(rf"第\s?({NUM})"), _speak),
    Rule(
        "floor",
        compile_kept(r"(?<=[在于到住上下搬楼])\s?\d{1,3}(?=\s?[层楼](?!房|盘))"),
        _floor,
    ),
)
