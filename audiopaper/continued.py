"""Articles continued on another page, joined into one.

A story that does not fit its page ends with a jump line — `（下转3版）`, `(转第3版)` — and goes
on under a repeated headline (often only its first words) marked `（上接1版）`, `(紧接第1版)`,
`（续第一版）`. A continuation is joined to the article it continues when the pages agree (the
article on page M jumps to page P; the continuation on page P comes from page M) and the
continuation's headline repeats the article's (the same, or its first words); when several
candidates remain, the one whose headline shares the longest opening wins. A continuation
printed with no headline joins the one article whose pages agree, if there is only one. The joined
article stays where it began. A jump whose other half is not in the edition stays as it is,
with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from audiopaper.kept_regex import compile_kept
from audiopaper.models import Article, Paragraph

_NUMERAL = "[0-9０-９一二三四五六七八九十百]{1,4}"
JUMP = compile_kept(
    rf"[(（]\s*(?P<dir>下转|转至|转|上接|紧接|接|续)\s*第?\s*[A-Za-z]?\s*(?P<page>{_NUMERAL})\s*"
    r"(?:版|页)(?:[^()（）]{0,12})?[)）]"
)
# the same without brackets, as a line of its own or the very end or start of a paragraph:
# `▶下转第3版`, `上接第1版▶`
BARE_JUMP = compile_kept(
    rf"(?:^|(?<=[。！？!?”’\s]))[▶►→]?\s*(?P<dir>下转|转至|上接|紧接|续)\s*第?\s*[A-Za-z]?\s*"
    rf"(?P<page>{_NUMERAL})\s*版\s*[▶►◀←]?\s*(?=$|[\s\u3400-\u9fff“‘])"
)
_ONWARD = ("下转", "转至", "转")
MIN_SHARED_OPENING = 4  # characters a repeated headline must share with the original
_NOT_WORD = compile_kept(r"[\W_]+")
_SENTENCE_ENDS = tuple("。！？!?…；;")
_CLOSERS = "”’」』)）》 "
_CHINESE_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")}


@dataclass(frozen=True)
class PagedArticle:
    """An article with the page it is printed on and where it jumps."""

    article: Article
    page: int | None = None
    page_name: str | None = None  # the page's section, e.g. 要闻
    jump_to: int | None = None  # (下转N版)
    continued_from: int | None = None  # (上接N版)


@dataclass(frozen=True)
class Markers:
    text: str  # without its jump markers
    jump_to: int | None = None
    continued_from: int | None = None


def take_markers(text: str) -> Markers:
    """Remove jump markers from ``text`` and say where they point."""
    onward: int | None = None
    back: int | None = None
    for pattern in (JUMP, BARE_JUMP):
        for match in pattern.finditer(text):
            page = page_number(match.group("page"))
            if match.group("dir") in _ONWARD:
                onward = page
            else:
                back = page
        if onward is not None or back is not None:
            text = pattern.sub("", text).strip()
    if onward is None and back is None:
        return Markers(text)
    return Markers(text, onward, back)


def page_number(numeral: str) -> int | None:
    """`3`, `０３`, `三`, `十二` → the number."""
    numeral = numeral.translate({0xFF10 + n: str(n) for n in range(10)})
    if numeral.isdigit():
        return int(numeral)
    if "百" in numeral:
        return None
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return _CHINESE_DIGITS.get(tens, 1) * 10 + (_CHINESE_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for char in numeral:
        if char not in _CHINESE_DIGITS:
            return None
        value = value * 10 + _CHINESE_DIGITS[char]
    return value


def join_continued(items: list[PagedArticle]) -> tuple[list[PagedArticle], list[str]]:
    """Join each continuation to the article it continues; notes for jumps left unmatched.

    A continuation that jumps again (1 → 3 → 5) carries its part on to the article it
    joined, so the part on page 5 joins page 1's article too.
    """
    result = list(items)
    notes: list[str] = []
    owner: dict[int, int] = {}  # a joined continuation → the article it joined
    matched: set[int] = set()  # articles (or continuations) whose jump found its other half
    for index, item in enumerate(items):
        if item.continued_from is None:
            continue
        origin = _origin(items, index, matched)
        if origin is None:
            notes.append(
                f"the continuation 《{item.article.title}》 on page {item.page} (from page "
                f"{item.continued_from}) matches no article that jumps there; read where it is"
            )
            continue
        matched.add(origin)
        home = owner.get(origin, origin)
        owner[index] = home
        result[home] = _joined(result[home], item)
    for index, item in enumerate(items):
        if item.jump_to is not None and index not in matched:
            notes.append(
                f"《{item.article.title}》 on page {item.page} continues on page {item.jump_to}, "
                "which this edition does not hold (or holds no matching continuation); read "
                "as printed"
            )
    return [item for index, item in enumerate(result) if index not in owner], notes


def _origin(items: list[PagedArticle], index: int, matched: set[int]) -> int | None:
    """The article the continuation at ``index`` continues, if one matches. A continuation
    that prints no headline joins the one article whose pages agree, if only one does."""
    item = items[index]
    agreeing = [
        i
        for i, candidate in enumerate(items)
        if i != index
        and i not in matched
        and candidate.page == item.continued_from
        and candidate.jump_to == item.page
    ]
    if item.article.title_is_derived:
        return agreeing[0] if len(agreeing) == 1 else None
    best: tuple[int, int] | None = None  # (shared opening, index)
    for candidate_index in agreeing:
        shared = _shared_opening(items[candidate_index].article.title, item.article)
        if shared >= MIN_SHARED_OPENING and (best is None or shared > best[0]):
            best = (shared, candidate_index)
    return best[1] if best else None


def _cut(paragraph: Paragraph) -> bool:
    text = paragraph.text.rstrip().rstrip(_CLOSERS)
    return not paragraph.is_subhead and not text.endswith(_SENTENCE_ENDS)


def _shared_opening(title: str, continuation: Article) -> int:
    """How many leading characters the continuation's headline shares with ``title``."""
    original = _NOT_WORD.sub("", title)
    repeated = _NOT_WORD.sub("", continuation.title)
    shared = 0
    for a, b in zip(original, repeated, strict=False):
        if a != b:
            break
        shared += 1
    if repeated and (repeated in original or original in repeated):
        shared = max(shared, min(len(repeated), len(original)))
    return shared


def _joined(origin: PagedArticle, continuation: PagedArticle) -> PagedArticle:
    """The continuation's paragraphs after the article's; a sentence the jump cut in two
    (`…双向六车道，并（下转3版）` / `设有独立的慢行系统…`) becomes one paragraph again."""
    first, more = origin.article, continuation.article
    paragraphs = list(first.paragraphs)
    rest = list(more.paragraphs)
    if paragraphs and rest and _cut(paragraphs[-1]) and not rest[0].is_subhead:
        paragraphs[-1] = Paragraph(paragraphs[-1].text + rest.pop(0).text)
    article = replace(
        first,
        paragraphs=tuple(paragraphs + rest),
        byline=first.byline or more.byline,
        captions=first.captions + more.captions,
    )
    return replace(origin, article=article)
