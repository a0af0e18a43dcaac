"""Sports scores written with a dash or slash after a team name: 中国1-2 → 中国一比二.

Order: before ranges (which would read 1-2 as 一到二). Only small numbers, after a word that is
not a function word, at the end of a clause; or anywhere the words before speak of a match.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.rules.time import score, strong_score_context

_NOT_TEAM = set(
    "在为是约达至从第有到和或及每共计占超过了于近各前后上下增降涨跌长高低减少多的之负正"
)
_END = compile_kept(r"$|[\s,.;!?，。；！？、）)”]")


def _strong(ctx: Context, m: re.Match[str]) -> bool:
    return strong_score_context(ctx, m.start()) or strong_score_context(ctx, m.end() + 12)


# 以7-5拿下首盘, 以2-1战胜: a result between 以 and a verb of winning or losing.
_RESULT_VERB = compile_kept(
    r"(?:拿下|赢下|赢得|获胜|取胜|胜出|战胜|击败|力克|险胜|完胜|横扫|落败|告负|不敌|负于|"
    r"输给|输掉|逆转|淘汰|晋级|胜|负|的比分|结束|收官|终结)"
)


_LISTED_RESULT = compile_kept(r"以\s?\d{1,3}\s?[-:]\s?\d{1,3}(?:、\d{1,3}\s?[-:]\s?\d{1,3})*、$")


def _result(ctx: Context, m: re.Match[str]) -> bool:
    if _LISTED_RESULT.search(ctx.before(m.start(), 24)):
        return True  # 以6-3、6-4战胜: the sets after the first
    before = ctx.before(m.start(), 3).rstrip()
    after = ctx.after(m.end(), 6).lstrip()
    return before.endswith(("以", "比分", "局分", "盘分", "比分为", "战成", "打成")) and bool(
        _RESULT_VERB.match(after) or not after or after[0] in "，。；、,;"
    )


def _speak(m: re.Match[str], ctx: Context) -> str | None:
    if "/" in m.group(0) and ctx.after(m.end(), 2) == "决赛":
        return None  # 1/8决赛: the round of sixteen, a fraction
    if _result(ctx, m):
        return score(m.group(1), m.group(2))
    if "/" in m.group(0) and not m.group(0).startswith(" ") and not _strong(ctx, m):
        return None  # 1/3 is a fraction unless spaced off a team name (拉齐奥 2/2)
    before = ctx.before(m.start(), 2)
    teamish = len(before) == 2 and all("\u4e00" <= c <= "\u9fff" for c in before)
    teamish = teamish and before[-1] not in _NOT_TEAM and bool(_END.match(ctx.after(m.end(), 1)))
    if teamish or _strong(ctx, m):
        return score(m.group(1), m.group(2))
    return None


def _ratio(m: re.Match[str], ctx: Context) -> str:
    return score(m.group(1), m.group(2))


def _listed(m: re.Match[str], ctx: Context) -> str | None:
    return score(m.group(1), m.group(2)) if _result(ctx, m) else None


RULES = (
    Rule(
        "score",
        compile_kept(r"(?<=[\u4e00-\u9fff])\s?(\d{1,3})\s?[-/]\s?(\d{1,3})(?![\d./%-])"),
        _speak,
    ),
    Rule("score", compile_kept(r"(?<=[、，,])\s?(\d{1,3})\s?-\s?(\d{1,3})(?![\d./%-])"), _listed),
    # 3-2逆转, 2-0完胜: a result named by the verb after it, wherever it stands.
    Rule(
        "score",
        compile_kept(
            r"(?<![\d.:/-])(\d{1,3})\s?-\s?(\d{1,3})(?![\d./%-])"
            r"(?=\s?(?:逆转|获胜|取胜|战胜|击败|力克|险胜|完胜|大胜|横扫|落败|告负|不敌|负于|胜出|"
            r"赢下|拿下|的比分|结束比赛))"
        ),
        _ratio,
    ),
)
