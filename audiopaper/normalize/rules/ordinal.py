"""Ordinals: 第58次 → 第五十八次, 第2 → 第二 (never 两). Order: before cardinals."""

from __future__ import annotations

import re

from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_decimal
from audiopaper.normalize.rules.common import NUM


def _speak(m: re.Match[str], ctx: Context) -> str:
    return "第" + read_decimal(m.group(1), liang=False)


RULES = (Rule("ordinal", re.compile(rf"第\s?({NUM})"), _speak),)
