"""Running heads and page numbers: the lines a PDF repeats at the top or foot of each page.

`人民日报 2026年5月15日 星期五 第2版 要闻`, `2 要闻 2026年5月15日`, `第3版`, `— 2 —` are never
read; when one names the paper or the date, the edition takes them from it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.parse.bylines import CJK
from audiopaper.parse.masthead import find_date

PAPER_NAME = compile_kept(
    rf"[{CJK}]{{2,8}}?(?:日报|晚报|时报|周报|都市报|商报|电讯|快报|早报|晨报|青年报|报)"
)
_PAGE = compile_kept(
    r"第\s*[0-9一二三四五六七八九十]{1,3}\s*版|[A-Z]?\d{1,3}\s*版|\b[A-Z]\d{1,2}\b"
    r"|(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_WEEKDAY = compile_kept(r"星期[一二三四五六日天]|周[一二三四五六日天]|农历\S{2,8}")
_NUMBERS = compile_kept(r"[0-9]+|[—\-–·|/:：,，()（）\[\]【】]")
_SECTION_MAX = 6  # characters of a section name (`要闻`, `国际`, `理论周刊`) left over
_RUNNING_MAX = 50  # characters


@dataclass(frozen=True)
class RunningHead:
    paper: str | None = None
    date: dt.date | None = None


def running_head(line: str) -> RunningHead | None:
    """What a running head or page number says, or None when the line is not one."""
    line = line.strip()
    if len(line) > _RUNNING_MAX or any(mark in line for mark in "。！？；"):
        return None
    date, rest = find_date(line)
    paged = bool(_PAGE.search(rest))
    papers = PAPER_NAME.findall(rest)
    rest = _PAGE.sub(" ", rest)
    weekday = bool(_WEEKDAY.search(rest))
    rest = _WEEKDAY.sub(" ", rest)
    for paper in papers:
        rest = rest.replace(paper, " ")
    leftover = _NUMBERS.sub(" ", rest).split()
    if len("".join(leftover)) > _SECTION_MAX or len(leftover) > 2:
        return None
    if leftover and not (papers or paged or weekday):
        return None  # words beside a bare date: `当地时间2026年5月12日` in a paragraph
    bare_number = (  # `2`, `— 2 —`: a page number, never bare punctuation such as `）`
        any(ch.isdigit() for ch in line)
        and not leftover
        and not papers
        and date is None
        and not _NUMBERS.sub("", line).replace(" ", "")
        and len(re.findall(r"[0-9]+", line)) == 1  # `1 2 3` is text, not a page number
    )
    if not (date or paged or bare_number or (papers and not leftover)):
        return None
    if papers and date is None and not paged:
        return None  # a paper's name alone is a masthead, read elsewhere
    return RunningHead(papers[0] if papers else None, date)
