"""Sports scores written with a dash or slash after a team name: 中国1-2 → 中国一比二.

Order: before ranges (which would read 1-2 as 一到二). Only small numbers, after a word that is
not a function word, at the end of a clause; or anywhere the words before speak of a match.
"""

from __future__ import annotations

import re

from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.rules.time import score, strong_score_context

_NOT_TEAM = set(
    "在为是约达至从第有到和或及每共计占超过了于近各前后上下增降涨跌长高低减少多的之负正"
)
_END = re.compile(r"$|[\s,.;!?，。；！？、）)”]")


def _strong(ctx: Context, m: re.Match[str]) -> bool:
    return strong_score_context(ctx, m.start()) or strong_score_context(ctx, m.end() + 12)


def _speak(m: re.Match[str], ctx: Context) -> str | None:
    if "/" in m.group(0) and not m.group(0).startswith(" ") and not _strong(ctx, m):
        return None  # 1/3 is a fraction unless spaced off a team name (拉齐奥 2/2)
    before = ctx.before(m.start(), 2)
    teamish = len(before) == 2 and all("\u4e00" <= c <= "\u9fff" for c in before)
    teamish = teamish and before[-1] not in _NOT_TEAM and bool(_END.match(ctx.after(m.end(), 1)))
    if teamish or _strong(ctx, m):
        return score(m.group(1), m.group(2))
    return None


RULES = (
    Rule(
        "score",
        re.compile(r"(?<=[\u4e00-\u9fff])\s?(\d{1,3})\s?[-/]\s?(\d{1,3})(?![\d./%-])"),
        _speak,
    ),
)
