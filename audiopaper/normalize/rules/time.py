"""Clock times and scores written with a colon: 9:30, 13:10:36, 8:00 a.m., 比分78:96.

Order: after dates, before ratios. A valid h:mm is a time unless the words before it speak of
a match (比分, 战胜, 爆冷…), then it is a score read 比. Zero minutes are dropped (8:00 → 八点),
a leading zero is read (14:05 → 十四点零五分), the hour 2 reads 两 (2:02 → 两点零二分).
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.data import words
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits, read_int
from audiopaper.normalize.rules.common import RANGE_SEP, is_measure, range_word


def strong_score_context(ctx: Context, pos: int) -> bool:
    """Do the twelve characters before ``pos`` speak of a match (比分, 战胜, 爆冷…)?"""
    before = ctx.before(pos, 12)
    return any(word in before for word in words("score_words.tsv"))


def _field(value: str, unit: str) -> str:
    spoken = read_int(value, liang=False)
    return ("零" + spoken if value.startswith("0") and value != "00" else spoken) + unit


def _hour(value: str) -> str:
    return "两" if int(value) == 2 else read_int(value, liang=False)


def _clock(hour: str, minute: str, second: str | None) -> str:
    spoken = _hour(hour) + "点"
    if second is None:
        return spoken + ("" if minute == "00" else _field(minute, "分"))
    return spoken + _field(minute, "分") + _field(second, "秒")


def score(left: str, right: str) -> str:
    return read_int(left, liang=False) + "比" + read_int(right, liang=False)


# A clock time, whatever the words before it: 比赛20:30开球, 北京时间20:30.
_TIME_AFTER = compile_kept(
    r"\s?(?:开球|开赛|开打|开始|开幕|开播|举行|进行|结束|截止|起|前|后|左右|许|至|到)"
)
_TIME_BEFORE = (
    "时间",
    "晚上",
    "上午",
    "下午",
    "中午",
    "凌晨",
    "早上",
    "今晚",
    "明晚",
    "当晚",
    "将于",
    "定于",
)


def _clock_context(m: re.Match[str], ctx: Context) -> bool:
    before = ctx.before(m.start(), 4).rstrip()
    return bool(_TIME_AFTER.match(ctx.after(m.end(), 3))) or before.endswith(_TIME_BEFORE)


def _speak(m: re.Match[str], ctx: Context) -> str | None:
    hour, minute, second, suffix = m.group("h", "m", "s", "x")
    sporty = not _clock_context(m, ctx) and (
        strong_score_context(ctx, m.start()) or strong_score_context(ctx, m.end() + 12)
    )
    if second is None and (sporty or int(hour) > 24 or int(minute) > 59):
        return None if suffix else score(hour, minute)
    if int(hour) > 24 or int(minute) > 59 or (second is not None and int(second) > 59):
        return None
    spoken = _clock(hour, minute, second)
    if suffix:
        morning = suffix.lower().startswith("a")
        if not ctx.before(m.start(), 2).endswith(("上午", "早上", "下午", "晚上", "凌晨")):
            spoken = ("上午" if morning else "下午") + spoken
    return spoken


def _clock_range(m: re.Match[str], ctx: Context) -> str | None:
    times = (m.group("ah", "am", "as"), m.group("bh", "bm", "bs"))
    if any(int(h) > 24 or int(mi) > 59 for h, mi, _ in times):
        return None
    return range_word(m.group("sep")).join(_clock(h, mi, s) for h, mi, s in times)


def _ratio(m: re.Match[str], ctx: Context) -> str:
    return score(m.group(1), m.group(2))


def _hundredths(m: re.Match[str], ctx: Context) -> str | None:
    """9秒58 → 九秒五八: a race time's fraction of a second, digit by digit."""
    if is_measure(ctx.after(m.end(), 3)):
        return None  # 30秒10次: two counts
    minutes = m.group("min")
    spoken = _hour(minutes) + "分" if minutes else ""  # 2分 → 两分
    seconds = m.group("sec")
    if minutes and seconds.startswith("0"):
        spoken += "零"
    return spoken + read_int(seconds, liang=False) + "秒" + read_digits(m.group("f"))


def _minutes(m: re.Match[str], ctx: Context) -> str:
    return _hour(m.group(1)) + "点" + _field(m.group(2), "分")


def _hms(tag: str) -> str:
    return rf"(?P<{tag}h>\d{{1,2}})\s?:\s?(?P<{tag}m>\d{{2}})(?::(?P<{tag}s>\d{{2}}))?"


RULES = (
    Rule(
        "time-range",
        compile_kept(rf"(?<![\d.:]){_hms('a')}{RANGE_SEP}{_hms('b')}(?![\d:])"),
        _clock_range,
    ),
    Rule(
        "time",
        compile_kept(
            r"(?<![\d.:])(?P<h>\d{1,2})\s?:\s?(?P<m>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
            r"(?:\s?(?P<x>[ap]\.m\.|[ap]m|[AP]M)(?![A-Za-z]))?"
        ),
        _speak,
    ),
    Rule("time", compile_kept(r"(?<![\d.])(\d{1,2})点(0\d)分"), _minutes),
    Rule(
        "race-time",
        compile_kept(
            r"(?<![\d.])(?:(?P<min>\d{1,2})分)?(?P<sec>\d{1,2})秒(?P<f>\d{1,2})(?![\d.%])"
        ),
        _hundredths,
    ),
    Rule("score", compile_kept(r"(?<![\d.:])(\d+)\s?:\s?(\d+)(?![\d:])"), _ratio),
)
