"""Symbols between words: 执法+监督 → 执法加监督, 3000元/吨 → 三千元每吨, 5·12 → 五一二.

Order: after the number rules (they read + and / inside numbers their own way), before the
cardinal fallback (which would read 5 and 12 of 5·12 apart).
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import alternation, words
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits
from audiopaper.normalize.rules.common import unit_pattern, units

_CJK = r"\u4e00-\u9fff"


def _plus(m: re.Match[str], ctx: Context) -> str:
    return "加"


def _word(m: re.Match[str], ctx: Context) -> str:
    return _NAMES[m.group(0).strip()]


# Symbols between words, read by name: 研发&创新 → 研发和创新, @某某 → at某某.
_NAMES = {"&": "和", "@": "at", "~": "到", "#": "井号", "№": "第"}


def _per(m: re.Match[str], ctx: Context) -> str:
    unit = m.group("u")
    if unit in units():
        return "每" + units()[unit][0].rpartition("|")[2]
    return "每"


def _event(m: re.Match[str], ctx: Context) -> str | None:
    month, day = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return read_digits(m.group(1)) + read_digits(m.group(2))


def _rules() -> tuple[Rule, ...]:
    per_words = alternation(words("measure_words.tsv"))
    return (
        Rule(
            "symbol",
            compile_kept(rf"(?<=[{_CJK}”）)])\s?\+\s?(?=[{_CJK}“”\"'’（()）、，,。；;]|$)"),
            _plus,
        ),
        Rule(
            "symbol",
            compile_kept(rf"(?<=[{_CJK}A-Za-z])/(?:(?P<u>{unit_pattern()})|(?={per_words}))"),
            _per,
        ),
        Rule("date", compile_kept(rf"(?<![\d.])(\d{{1,2}})·(\d{{1,2}})(?=[{_CJK}”\s]|$)"), _event),
        Rule("date", compile_kept(r"(?<![\d./])(\d{1,2})/(\d{1,2})(?=事件|惨案|袭击)"), _event),
        Rule("symbol", compile_kept(r"\s?[&@]\s?|№\s?(?=\d)"), _word),
        Rule("symbol", compile_kept(rf"(?<=[{_CJK}])\s?~\s?(?=[{_CJK}])"), _word),
    )


RULES = _rules()
