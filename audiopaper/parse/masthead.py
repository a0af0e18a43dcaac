"""The paper's name and date: from a masthead, a Markdown title or a file name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.parse.bylines import CJK

_DATE = compile_kept(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日"
    r"|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2})(?!\d))"
)
_COMPACT_DATE = compile_kept(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
# what else a masthead date line may carry
_DATE_LINE_EXTRAS = compile_kept(
    r"星期[一二三四五六日天]|周[一二三四五六日天]|农历\S+|(?:总)?第\s*\d+\s*[期号]"
    r"|今日\s*\d+\s*版|[A-Z]{2}\s*\d{2}\s*-\s*\d{4}|\d{1,2}\s*版|[\s,，·|/]"
)
_PAPER = compile_kept(
    rf"^[{CJK}]{{2,8}}(?:日报|晚报|时报|周报|都市报|商报|电讯|快报|早报|晨报|新闻|报)$"
)
_PAPER_AT_TOP = compile_kept(
    rf"^[{CJK}]{{2,8}}(?:日报|晚报|时报|周报|都市报|商报|电讯|快报|早报|晨报)$"
)
_MASTHEAD_DEPTH = 5  # lines from the top where a masthead date line may sit


@dataclass(frozen=True)
class Masthead:
    paper: str | None = None
    date: dt.date | None = None
    lines: int = 0  # how many leading lines it occupies


def find_date(text: str) -> tuple[dt.date | None, str]:
    """The first valid date in ``text`` and the text without it."""
    for match in _DATE.finditer(text):
        year = int(match.group("y"))
        month = int(match.group("m1") or match.group("m2"))
        day = int(match.group("d1") or match.group("d2"))
        try:
            found = dt.date(year, month, day)
        except ValueError:
            continue
        return found, (text[: match.start()] + text[match.end() :]).strip()
    return None, text


def date_in_file_name(name: str) -> dt.date | None:
    found, _ = find_date(name)
    if found:
        return found
    for match in _COMPACT_DATE.finditer(name):
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            continue
    return None


def paper_from_title(title: str) -> tuple[str | None, dt.date | None]:
    """`滨江日报 2024年3月19日 星期二` → ("滨江日报", 2024-03-19)."""
    found, rest = find_date(title)
    rest = _DATE_LINE_EXTRAS.sub(" ", rest) if found else rest
    paper = " ".join(rest.split()).strip(" -—|·,，:：")
    return paper or None, found


def is_date_line(line: str) -> bool:
    found, rest = find_date(line)
    return found is not None and not _DATE_LINE_EXTRAS.sub("", rest)


def read_masthead(lines: list[str]) -> Masthead:
    """A paper name and a date line at the top of a plain page, if there are any."""
    top = lines[:_MASTHEAD_DEPTH]
    one_line = _one_line_masthead(top[0]) if top else None
    if one_line is not None:
        end = 1
        while end < len(lines) and _is_issue_line(lines[end]):
            end += 1
        return Masthead(one_line.paper, one_line.date, end)
    for index, line in enumerate(top):
        if is_date_line(line):
            paper = next((ln for ln in top[:index] if _PAPER.match(ln.replace(" ", ""))), None)
            if index > 0 and paper is None:
                continue  # a dated line under something that is not a masthead
            end = index + 1
            while end < len(lines) and _is_issue_line(lines[end]):
                end += 1  # `第3120期 今日8版` under the date
            return Masthead(paper and paper.replace(" ", ""), find_date(line)[0], end)
    if top and _PAPER_AT_TOP.match(top[0].replace(" ", "")):
        return Masthead(top[0].replace(" ", ""), None, 1)
    return Masthead()


def _one_line_masthead(line: str) -> Masthead | None:
    """`滨江日报 2024年3月18日 星期一` on a single line."""
    found, rest = find_date(line)
    if found is None:
        return None
    paper = " ".join(_DATE_LINE_EXTRAS.sub(" ", rest).split()).replace(" ", "")
    if not _PAPER.match(paper):
        return None
    return Masthead(paper, found, 1)


def _is_issue_line(line: str) -> bool:
    return bool(line.strip()) and not _DATE_LINE_EXTRAS.sub("", line)
