"""Bylines and credits: who wrote a story, and the lines that open or close one.

- a byline on its own line: `本报记者 熊辉`, `新华社记者 胡璐 韩佳诺`, `安徽日报记者 袁 野`,
  `本报评论员`, `记者 张三 通讯员 李四`;
- an author's bare name under a commentary headline: `臧博`, `李 斌`, `劳伦斯·弗里曼`;
- a dateline opening a paragraph: `本报讯(记者 齐宏)…`, `新华社北京4月27日电（记者樊曦）…`,
  `内蒙古日报呼和浩特5月13日电 （记者李国萍）…`, `本报讯 …`;
- a closing line: `（本报华盛顿5月14日电）`, `新华社贵阳4月27日电`, `（作者为…）`, `〔作者系…〕`,
  `（本报记者张武岳）`, `（李吉莲）`, `（据新华社电）`, `（摘编自…）`;
- a reporter credited at the end of a paragraph: `…。(记者 张三)`;
- the editors' line, never read: `本版责编：…`, `责任编辑：…`, `版式设计：…`, `校对：…`;
- jump markers: `(下转3版)`, `（上接第1版）`.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a name: `熊辉`, `袁 野` (printed with a space inside), `劳伦斯·弗里曼`
_NAME = rf"(?:[{CJK}]{{1,4}}·[{CJK}]{{1,8}}|[{CJK}] [{CJK}]{{1,2}}(?![{CJK}])|[{CJK}]{{2,4}})"
_NAMES = rf"{_NAME}(?:\s*[ 、,，]\s*{_NAME})*"
_ORG = (
    rf"(?:本报|新华社|中新社|[{CJK}·]{{2,14}}?(?:日报|晚报|时报|早报|商报|电讯|报|社|台|网|在线))"
)
_ROLE = (
    rf"(?:{_ORG}?(?:特约|见习|首席|驻[{CJK}]{{1,6}})?"
    r"(?:记者|通讯员|评论员|撰稿人|摄影记者)|实习生|文\s*/|图\s*/)"
)
_BULLET = r"[□■●◎]?\s*"
_STANDALONE = compile_kept(rf"^{_BULLET}{_ROLE}\s*{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*$")
_ANONYMOUS = compile_kept(rf"^{_BULLET}(?:本报|{_ORG})?(?:特约)?评论员$")
_AUTHOR = compile_kept(
    rf"^(?:[{CJK}]{{1,4}}·[{CJK}]{{1,8}}|[{CJK}] [{CJK}]{{1,2}}|[{CJK}]{{2,3}})"
    rf"(?:\s+(?:[{CJK}]{{1,4}}·[{CJK}]{{1,8}}|[{CJK}]{{2,3}}))*$"
)
# where a dateline is filed: `本报北京5月13日电`, `新华社北京4月27日电`, `据新华社日内瓦…电`
_FILED = rf"(?:据)?{_ORG}[{CJK}]{{0,12}}?\d{{1,2}}月\d{{1,2}}日电"
_DATELINE = compile_kept(
    rf"^(?:本报讯|本报电|{_FILED})\s*(?:[(（](?P<who>[^()（）]{{1,40}})[)）]"
    rf"|(?P<reported>(?:记者|通讯员)\s*{_NAMES}(?:\s*(?:记者|通讯员)\s*{_NAMES})*)\s*报道[:：])?\s*"
)
_BARE_DATELINE = compile_kept(rf"^{_FILED}$")
_BRACKETED = compile_kept(r"^[(（〔\[【]\s*(?P<inside>.+?)\s*[)）〕\]】]$")
_CLOSING_NOTE = compile_kept(
    rf"^(?:{_FILED}|本报[{CJK}]{{0,12}}电|据{_ORG}电|作者(?:为|系|是|单位)|摘编自|摘自|此文为|本文"
    r"|原载|来源|转载自|编者按|文章来源)"
)
_NAMED_CREDIT = compile_kept(rf"^(?:{_ROLE}\s*)?{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*$")
# `（评论员观察）` and the like: a column's tag, not a credit
_COLUMN_TAG = compile_kept(
    r"(?:观察|论坛|随笔|视点|看点|评论|时评|杂谈|札记|手记|漫谈|快评|点评|短评|听音)$"
)
_NOT_NAMES = {"待续", "未完", "完", "续", "上", "下", "中", "图", "资料", "摄影", "下转", "上接"}
_TRAILING_CREDIT = compile_kept(
    rf"[(（]\s*(?P<who>{_ROLE}\s*{_NAMES}(?:\s*{_ROLE}\s*{_NAMES})*)\s*[)）]\s*$"
)
_EDITORS = compile_kept(
    r"^(?:本版|本期)?(?:责编|责任编辑|主编|编辑|美编|版式设计|版式|设计|校对|审校|制图|图表制作"
    r"|统筹|监制|本版统筹)\s*[:：]"
    rf"|^(?:本版|本期)?(?:责编|责任编辑|编辑|美编|校对)\s+{_NAMES}$"
)
_EDITORS_MAX = 80  # characters: a line of names, not a paragraph
_JUMP = compile_kept(
    r"[(（]\s*(?P<dir>下转|上接|紧接|转|接|续)\s*第?\s*[0-9一二三四五六七八九十]{1,3}\s*版\s*[)）]"
)
_SPACES = compile_kept(r"\s+")
_BYLINE_MAX = 48  # characters: a few names and roles at most


@dataclass(frozen=True)
class Jumps:
    """What a line says about the article continuing elsewhere."""

    text: str  # the line without its jump markers
    continues_elsewhere: bool = False  # (下转N版)
    continued_from: bool = False  # (上接N版)


@dataclass(frozen=True)
class Closing:
    """A line that ends a story, with the name it credits if any."""

    text: str
    credit: str | None = None


def tidy(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def standalone_byline(line: str) -> str | None:
    """`本报记者 熊辉` → the byline as printed (spaces tidied), else None."""
    line = line.strip()
    if len(line) > _BYLINE_MAX:
        return None
    if _STANDALONE.match(line) or _ANONYMOUS.match(line):
        return tidy(line.lstrip("□■●◎ "))
    return None


def is_author_name(line: str) -> bool:
    """A bare name alone on a line (only a byline when it sits under a headline)."""
    line = line.strip()
    return len(line) <= 24 and bool(_AUTHOR.match(line))


def split_dateline(paragraph: str) -> tuple[str | None, str, bool]:
    """`本报讯(记者 齐宏)1月11日，…` → ("记者 齐宏", "1月11日，…", True).

    The bool says whether the paragraph opened with a dateline at all.
    """
    match = _DATELINE.match(paragraph)
    if not match or match.end() == len(paragraph.rstrip()):
        return None, paragraph, False
    who = match.group("who") or match.group("reported")
    if who and not _NAMED_CREDIT.match(tidy(who)):
        return None, paragraph, False  # `本报讯（…）` holding something else
    return (tidy(who) if who else None), paragraph[match.end() :].strip(), True


def starts_with_dateline(paragraph: str) -> bool:
    return split_dateline(paragraph)[2]


def closing_line(line: str) -> Closing | None:
    """A line that ends a story: a closing dateline, an author's note or a bracketed credit."""
    line = line.strip()
    if _BARE_DATELINE.match(line):
        return Closing(line)
    bracketed = _BRACKETED.match(line)
    if bracketed is None or len(line) > 120:
        return None
    inside = tidy(bracketed.group("inside"))
    if _CLOSING_NOTE.match(inside):
        return Closing(line)
    if (
        len(inside) <= _BYLINE_MAX
        and inside not in _NOT_NAMES
        and not _COLUMN_TAG.search(inside)
        and _NAMED_CREDIT.match(inside)
    ):
        return Closing(line, credit=inside)
    return None


def split_trailing_credit(paragraph: str) -> tuple[str | None, str]:
    """`…座谈。(记者 张三)` → ("记者 张三", "…座谈。")."""
    tail = paragraph[-60:]
    match = _TRAILING_CREDIT.search(tail)
    if not match or _COLUMN_TAG.search(match.group("who")):
        return None, paragraph
    cut = len(paragraph) - len(tail) + match.start()
    return tidy(match.group("who")), paragraph[:cut].rstrip()


def is_editor_line(line: str) -> bool:
    line = line.strip()
    return len(line) <= _EDITORS_MAX and bool(_EDITORS.match(line))


def is_caption(line: str) -> bool:
    """Kept for the Markdown reader; captions have their own module."""
    from audiopaper.parse.captions import is_caption as caption_test

    return caption_test(line)


def strip_jumps(line: str) -> Jumps:
    directions = [m.group("dir") for m in _JUMP.finditer(line)]
    if not directions:
        return Jumps(line)
    text = _JUMP.sub("", line).strip()
    onward = any(d in ("下转", "转") for d in directions)
    back = any(d in ("上接", "紧接", "接", "续") for d in directions)
    return Jumps(text, continues_elsewhere=onward, continued_from=back)
