"""Dates and years: 2024-01-15, 2024年1月5日, 86年, 1990年代, 90后, 2934ad.

Years are read digit by digit; a 2–3 digit number before 年 is a duration (20年后 → 二十年后)
unless it starts with 0, is followed by a month, or by 代. Dates that do not exist are read
as written (2月30日 → 二月三十日). Months and days never read 两.
"""

from __future__ import annotations

import re

from audiopaper.kept_regex import compile_kept
from audiopaper.normalize.engine import Context, Rule
from audiopaper.normalize.numbers import read_digits, read_int
from audiopaper.normalize.rules.common import RANGE_SEP, is_measure, range_word

_SEP = r"[-/.·]"


def _years(m: re.Match[str], ctx: Context) -> str | None:
    first, second = m.group("a"), m.group("b")
    if int(first) >= int(second):
        return None
    word = range_word(m.group("sep"))
    return read_digits(first) + (m.group("y") or "") + word + read_digits(second)


def _md(month: str, day: str | None) -> str | None:
    if not 1 <= int(month) <= 12 or (day is not None and not 1 <= int(day) <= 31):
        return None
    spoken = read_int(month, liang=False) + "月"
    return spoken + (read_int(day, liang=False) + "日" if day else "")


def _ymd(m: re.Match[str], ctx: Context) -> str | None:
    tail = _md(m.group("m"), m.group("d"))
    return None if tail is None else read_digits(m.group("y")) + "年" + tail


def _month_day(m: re.Match[str], ctx: Context) -> str | None:
    return _md(m.group("m"), m.group("d"))


def _era(m: re.Match[str], ctx: Context) -> str:
    era = "公元前" if m.group("e").lower().startswith("b") else "公元"
    month = m.group("m")
    return (
        era
        + read_digits(m.group("y"))
        + "年"
        + (read_int(month, liang=False) + "月" if month else "")
    )


# Before a number of years, words that make it a span of time: 约5000年前, 距今2000年.
_SPAN_BEFORE = (
    "约",
    "近",
    "达",
    "逾",
    "超过",
    "长达",
    "历时",
    "经过",
    "距今",
    "相距",
    "上下",
    "余",
)


def _year4(m: re.Match[str], ctx: Context) -> str | None:
    """2024年 → 二零二四年, but 5000年 and 约2000年前 are spans (五千年, 两千年)."""
    before = ctx.before(m.start(), 4)
    if before.endswith(("公元", "公元前")):
        return read_digits(m.group(0))
    if int(m.group(0)) > 2100 or before.endswith(_SPAN_BEFORE):
        return None  # the cardinal rule reads it
    return read_digits(m.group(0))


_YEAR_CUE_BEFORE = set('于在从自至到是和、与或，,。；;：:（(“"《 ')
_DURATION_AFTER = compile_kept(r"[后前来间内多以左里半余期度]|之[久内间]|整|届")


def _year2(m: re.Match[str], ctx: Context) -> str | None:
    """86年 → 八六年 (a year) but 20年后, 近20年 → 二十年 (a duration)."""
    digits = m.group(0)
    after = ctx.after(m.end() + 1, 4)
    if digits.startswith("0") or re.match(r"\d{1,2}月|代", after):
        return read_digits(digits)
    if ctx.before(m.start(), 2).endswith("公元") or ctx.before(m.start(), 3) == "公元前":
        return read_int(digits, liang=False)
    before = ctx.before(m.start(), 1)
    if len(digits) == 2 and before in _YEAR_CUE_BEFORE | {""} and not _DURATION_AFTER.match(after):
        return read_digits(digits)
    return None


def _generation(m: re.Match[str], ctx: Context) -> str:
    return read_digits(m.group(0))


def _month(m: re.Match[str], ctx: Context) -> str | None:
    return read_int(m.group(0), liang=False) if 1 <= int(m.group(0)) <= 12 else None


def _day(m: re.Match[str], ctx: Context) -> str | None:
    return read_int(m.group(0), liang=False) if 1 <= int(m.group(0)) <= 31 else None


def _span(m: re.Match[str], ctx: Context) -> str | None:
    """1-5月 → 一到五月, 15日-17日 → 十五日到十七日, 5月1日至3日."""
    first, second = int(m.group("a")), int(m.group("b"))
    if not 1 <= first < second <= 31:
        return None
    word = range_word(m.group("sep"))
    a, b = read_int(m.group("a"), liang=False), read_int(m.group("b"), liang=False)
    return a + (m.group("u") or "") + word + b


def _ymd_any(m: re.Match[str], ctx: Context) -> str | None:
    if m.group("y2"):
        tail = _md(m.group("m2"), m.group("d2"))
        return None if tail is None else read_digits(m.group("y2")) + "年" + tail
    return _ymd(m, ctx)


def _dmy(m: re.Match[str], ctx: Context) -> str | None:
    first, second = m.group("d"), m.group("m")
    month, day = (second, first) if int(first) > 12 else (first, second)
    tail = _md(month, day)
    return None if tail is None else read_digits(m.group("y")) + "年" + tail


def _ym(m: re.Match[str], ctx: Context) -> str | None:
    tail = _md(m.group("m"), None)
    return None if tail is None else read_digits(m.group("y")) + "年" + tail


def _document_year(m: re.Match[str], ctx: Context) -> str:
    """〔2025〕8号: the year of a document number, digit by digit."""
    return read_digits(m.group(0))


def _season(m: re.Match[str], ctx: Context) -> str | None:
    """24/25赛季 → 二四二五赛季; 2024/25赛季 → 二零二四到二五赛季 (consecutive years only)."""
    first, second = m.group("a"), m.group("b")
    if int(first[-2:]) + 1 != int(second[-2:]) % 100 and int(second[-2:]) != 0:
        return None
    if len(first) == 2 and len(second) == 2:
        return read_digits(first) + read_digits(second)
    return read_digits(first) + "到" + read_digits(second)


def _year_before_event(m: re.Match[str], ctx: Context) -> str:
    """2008奥运会, 2024届, 2025版: a year, digit by digit."""
    return read_digits(m.group(0))


_QUANTITY_AFTER = ("多", "余", "万", "亿", "千", "百", "十", "以", "左右", "上下", "平", "来", "几")


def _year_before_name(m: re.Match[str], ctx: Context) -> str | None:
    """2025世界人工智能大会, 到2035基本建成: a year glued to a name or a clause."""
    after = ctx.after(m.end(), 4)
    if is_measure(after) or after.startswith(_QUANTITY_AFTER) or ctx.before(m.start(), 1) == "第":
        return None
    return read_digits(m.group(0))


_EVENTS = (
    "奥运会|冬奥会|残奥会|亚运会|全运会|世运会|大运会|世博会|世园会|进博会|服贸会|广交会|"
    "世界杯|欧洲杯|亚洲杯|美洲杯|春晚|峰会|年会|论坛|版|款|届|级|财年|财政年度|年度|赛季|"
    "学年|冬奥|奥运"
)

# Order: full numeric dates before year/month/day pieces; year ranges before single years.
RULES = (
    Rule(
        "year", compile_kept(r"(?<=[〔［\[（(])\s?(?:19|20)\d\d(?=\s?[〕］\]）)])"), _document_year
    ),
    Rule(
        "season",
        compile_kept(
            r"(?<![\d.:/-])(?P<a>\d{2}|(?:19|20)\d\d)\s?[/-]\s?(?P<b>(?:19|20)\d\d|\d{2})(?![\d.%])"
            r"(?=\s?(?:赛季|学年|财年|季))"
        ),
        _season,
    ),
    Rule(
        "year",
        compile_kept(rf"(?<![\d.])(?:19\d\d|20[0-4]\d)(?=\s?(?:{_EVENTS}))"),
        _year_before_event,
    ),
    Rule(
        "era",
        compile_kept(
            r"(?<![\d.])(?P<y>\d{1,4})(?:年(?:(?P<m>\d{1,2})月)?)?\s?"
            r"(?P<e>[aA]\.?[dD]\.?|[bB]\.?[cC]\.?)(?![A-Za-z])"
        ),
        _era,
    ),
    Rule(
        "date",
        compile_kept(
            rf"(?<![\d.])(?P<y>\d{{4}})(?P<s>{_SEP})(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}})(?![\d.])"
            rf"|(?<![\d.])(?P<y2>\d{{4}})年(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日"
        ),
        _ymd_any,
    ),
    Rule(
        "date",
        compile_kept(
            r"(?<![\d.])(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})(?![\d.])"
        ),
        _dmy,
    ),
    Rule(
        "date",
        compile_kept(r"(?<![\d.])(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})(?![\d.])(?!\s?[%年月日])"),
        _ym,
    ),
    Rule(
        "date",
        compile_kept(r"(?<![\d.])(?P<m>\d{1,2})[-/.](?P<y>(?:19|20)\d\d)(?![\d.])"),
        _ym,
    ),
    Rule(
        "date",
        compile_kept(r"(?<![\d./-])(?P<m>0[1-9])[-/.](?P<d>\d{2})(?![\d./-])"),
        _month_day,
    ),
    Rule(
        "year-range",
        compile_kept(
            r"(?<![\d.])(?P<a>(?:1[5-9]|20)\d\d)(?P<y>年)?"
            + RANGE_SEP
            + r"(?P<b>(?:1[5-9]|20)\d\d)(?![\d.])(?=年|[^月\d]|$)"
        ),
        _years,
    ),
    Rule("year", compile_kept(r"(?<![\d.])\d{4}(?=年)"), _year4),
    Rule(
        "year",
        compile_kept(r"(?<![\d.,])(?:19\d\d|20[0-4]\d)(?![\d.,])(?=[\u4e00-\u9fff])"),
        _year_before_name,
    ),
    Rule("year", compile_kept(r"(?<![\d.])\d{2,3}(?=年)"), _year2),
    Rule("year", compile_kept(r"(?<![\d.])\d[05](?=后)(?!后[\d])"), _generation),
    Rule(
        "month-range",
        compile_kept(
            r"(?<![\d.])(?P<a>\d{1,2})(?P<u>[月日号])?" + RANGE_SEP + r"(?P<b>\d{1,2})(?=[月日号])"
        ),
        _span,
    ),
    Rule("month", compile_kept(r"(?<![\d.])\d{1,2}(?=月)"), _month),
    Rule("day", compile_kept(r"(?<![\d.])\d{1,2}(?=[日号])"), _day),
)
