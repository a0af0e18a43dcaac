"""Bylines, photo captions and jump markers: the non-body lines of a newspaper page."""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME = rf"(?:[{CJK}]{{2,4}}|[{CJK}]{{1,4}}·[{CJK}]{{1,6}})"
_NAMES = rf"{_NAME}(?:[ 、,，]+{_NAME})*"
_ROLE = (
    r"(?:本报(?:特约|见习)?(?:记者|通讯员|评论员)|特约(?:记者|评论员)|见习记者|实习生"
    r"|记者|通讯员|评论员|文\s*/|图\s*/)"
)

# `本报记者 熊辉`, `记者 张三 通讯员 李四`, `□ 本报评论员 王五`
_STANDALONE = re.compile(rf"^[□■●]?\s*{_ROLE}\s*{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*$")
# an author alone on a line under a commentary headline: `臧博`, `欧阳明 李华`
_AUTHOR = re.compile(rf"^(?:[{CJK}]{{2,3}}|[{CJK}]{{1,4}}·[{CJK}]{{1,6}})(?: +[{CJK}]{{2,3}})*$")
# `本报讯(记者 齐宏)…`, `本报讯（通讯员 李四）…`, `新华社北京3月18日电(记者 X)…`
_DATELINE = re.compile(
    rf"^(?:本报讯\s*[(（](?P<own>[^()（）]{{1,40}})[)）]"
    rf"|[{CJK}\d]{{2,16}}电\s*[(（](?P<wire>{_ROLE}[^()（）]{{1,40}})[)）]"
    r"|本报讯\s+)\s*"
)
# `…。(记者 张三)` at the end of a story
_TRAILING_CREDIT = re.compile(
    rf"[(（]\s*(?P<who>{_ROLE}\s*{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*)\s*[)）]\s*$"
)
# `… 记者 代守航 摄`, `…(王五 摄)`, `… 李华 摄`, `图：…`, `…（资料图片）`
_CAPTION_END = re.compile(
    rf"(?:(?:本报)?(?:记者|通讯员|摄影记者|特约摄影|摄影)\s*{_NAMES}\s*摄"
    rf"|(?:^|[\s(（]){_NAMES}\s+摄"
    rf"|[(（]\s*{_NAMES}\s*摄"
    r"|供图|资料图片?|新华社发)\s*[)）]?\s*$"
)
_CAPTION_START = re.compile(r"^(?:图\s*[:：]|图片\s*[:：]|图为[ ，,：:]?|上图[:：]|下图[:：])")
# `(下转3版)`, `（上接第1版）`, `(转2版)`, `（续第四版）`
_JUMP = re.compile(
    r"[(（]\s*(?P<dir>下转|上接|转|接|续)\s*第?\s*[0-9一二三四五六七八九十]{1,3}\s*版\s*[)）]"
)
_SPACES = re.compile(r"\s+")
_AUTHOR_MAX = 24  # characters: a few names at most
_CAPTION_TAIL = 60  # characters at the end of a line where a photo credit can sit


@dataclass(frozen=True)
class Jumps:
    """What a line says about the article continuing elsewhere."""

    text: str  # the line without its jump markers
    continues_elsewhere: bool = False  # (下转N版)
    continued_from: bool = False  # (上接N版)


def standalone_byline(line: str) -> str | None:
    """`本报记者 熊辉` → the byline as printed (spaces tidied), else None."""
    line = line.strip()
    if len(line) > 40 or not _STANDALONE.match(line):
        return None
    return _SPACES.sub(" ", line.lstrip("□■● "))


def is_author_name(line: str) -> bool:
    """A 2–3 character name alone on a line (only meaningful under a headline)."""
    line = line.strip()
    return len(line) <= _AUTHOR_MAX and bool(_AUTHOR.match(line))


def split_dateline(paragraph: str) -> tuple[str | None, str, bool]:
    """`本报讯(记者 齐宏)1月11日，…` → ("记者 齐宏", "1月11日，…", True).

    The bool says whether the paragraph opened with a dateline at all.
    """
    match = _DATELINE.match(paragraph)
    if not match:
        return None, paragraph, False
    who = match.group("own") or match.group("wire")
    byline = _SPACES.sub(" ", who).strip() if who else None
    return byline or None, paragraph[match.end() :].strip(), True


def split_trailing_credit(paragraph: str) -> tuple[str | None, str]:
    """`…座谈。(记者 张三)` → ("记者 张三", "…座谈。")."""
    match = _TRAILING_CREDIT.search(paragraph[-_CAPTION_TAIL:])
    if not match:
        return None, paragraph
    cut = len(paragraph) - len(paragraph[-_CAPTION_TAIL:]) + match.start()
    return _SPACES.sub(" ", match.group("who")).strip(), paragraph[:cut].rstrip()


def starts_with_dateline(paragraph: str) -> bool:
    return bool(_DATELINE.match(paragraph))


def is_caption(line: str) -> bool:
    line = line.strip()
    return bool(_CAPTION_END.search(line[-_CAPTION_TAIL:]) or _CAPTION_START.match(line))


def strip_jumps(line: str) -> Jumps:
    directions = [m.group("dir") for m in _JUMP.finditer(line)]
    if not directions:
        return Jumps(line)
    text = _JUMP.sub("", line).strip()
    onward = any(d in ("下转", "转") for d in directions)
    back = any(d in ("上接", "接", "续") for d in directions)
    return Jumps(text, continues_elsewhere=onward, continued_from=back)
