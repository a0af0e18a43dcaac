"""What each block of a PDF page is, decided from layout: type size, weight, place, repetition.

In order:

1. **Body size**: the type size that carries most of the page's characters.
2. **Running heads and footers**: small type in the page's top or bottom band, or text that
   recurs (digits aside) near the same edge of other pages. Never read; the page number
   (`第3版`), its section name and the date are taken from them.
3. **Masthead**: the paper's name in big type near the top (and what sits beside it).
4. **Captions**: type smaller than the body, or a block just under a picture that differs
   from the body's face. Never read; kept with the article.
5. **Jump lines**: a block that is only `（下转3版）`.
6. **Headings**: type clearly larger than the body, or bold and larger. Consecutive heading
   blocks form a cluster: the largest is the headline, those above it kickers, those below
   subtitles. A cluster in type barely larger than the body is a subhead.
7. **Bylines**: one short line right under a headline, in another face than the body (or
   that reads as a byline: `本报记者 X`, a bare name).
8. Everything else is **body**.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from audiopaper.continued import JUMP, page_number, take_markers
from audiopaper.kept_regex import compile_kept
from audiopaper.pdf.layout import Block, body_size

HEADLINE_RATIO = 1.3  # a headline's type is at least this much larger than the body's
HEADING_RATIO = 1.05  # bold type this much larger than the body is a heading (subhead)
CAPTION_RATIO = 0.93  # type this much smaller than the body is a caption (or furniture)
TOP_BAND = 0.07  # share of the page's height where running heads sit
BOTTOM_BAND = 0.05
REPEAT_BAND = 0.15  # repeated text this close to an edge is a running head or footer
MASTHEAD_RATIO = 2.5
MASTHEAD_BAND = 0.3
BYLINE_MAX = 30  # characters
CLUSTER_GAP = 1.5  # type sizes between the lines of one headline cluster
_SENTENCE_ENDS = tuple("。！？!?…；;，,：:")
CAPTION_REACH = 1.8  # line heights under a picture where its caption starts

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PAPER_NAME = compile_kept(rf"^[{_CJK}]{{2,8}}(?:报|新闻|电讯|消息|周刊)$")
_PAGE_NO = compile_kept(
    r"第\s*(?P<n>[0-9一二三四五六七八九十]{1,4})\s*版"
    r"|(?<![0-9今共])(?<!今日)(?P<m>[A-Z]?\d{1,3})\s*版"  # not `今日8版`, `共16版`
)
_BARE_PAGE = compile_kept(r"^(?:[A-Z]?0?[1-9]\d?|[A-Z]\d{1,3})$")
_RUNNING_WORDS = compile_kept(
    r"(?:责任|本版|美术|图片)?编辑[:：\s]|责编|版式|校对|新闻热线|广告热线"
    r"|(?:总)?第\s*\d+\s*期|今日\s*\d+\s*版|邮发代号|刊号|出版物号"
)
RUNNING_MAX = 40  # characters of a date line
_SECTION = compile_kept(rf"^[{_CJK}·]{{2,8}}$")
_DIGITS = compile_kept(r"\d+")
_NOT_SECTION = compile_kept(
    r"星期|周[一二三四五六日天]|农历|编辑|责编|版式|美编|校对|热线|电话|出版"
)


class Kind(StrEnum):
    RUNNING = "running"  # running head or footer: not read
    MASTHEAD = "masthead"
    KICKER = "kicker"
    HEADLINE = "headline"
    SUBTITLE = "subtitle"
    SUBHEAD = "subhead"
    BYLINE = "byline"
    BODY = "body"
    CAPTION = "caption"
    JUMP = "jump"
    PICTURE = "picture"


@dataclass(frozen=True)
class Typed:
    kind: Kind
    block: Block

    @property
    def text(self) -> str:
        return self.block.text


@dataclass(frozen=True)
class PageFacts:
    """What the running head and masthead say about the page."""

    number: int | None = None
    name: str | None = None
    paper: str | None = None
    dateline: str = ""  # running-head and masthead text, for the date


def repeated_edges(pages: Sequence[tuple[float, Sequence[Block]]]) -> set[str]:
    """Texts (digits masked) that sit near the top or bottom edge of two or more pages."""
    seen: Counter[str] = Counter()
    for height, blocks in pages:
        keys = {
            edge_key(b)
            for b in blocks
            if b.lines and (b.bottom < REPEAT_BAND * height or b.top > (1 - REPEAT_BAND) * height)
        }
        seen.update(keys)
    return {key for key, count in seen.items() if count >= 2}


def edge_key(block: Block) -> str:
    return _DIGITS.sub("#", block.text)


def classify(
    blocks: Sequence[Block], height: float, repeated: set[str]
) -> tuple[list[Typed], PageFacts]:
    body = body_size(blocks)
    kinds: list[Kind | None] = [None] * len(blocks)
    running = _mark_running(blocks, height, body, repeated, kinds)
    masthead = _mark_masthead(blocks, height, body, kinds)
    _mark_captions(blocks, body, kinds)
    _mark_headings(blocks, body, kinds)
    _mark_bylines(blocks, body, kinds)
    _mark_bold_subheads(blocks, body, kinds)
    typed = [Typed(kind or Kind.BODY, block) for kind, block in zip(kinds, blocks, strict=True)]
    return typed, _facts(running, masthead)


def _mark_running(
    blocks: Sequence[Block],
    height: float,
    body: float,
    repeated: set[str],
    kinds: list[Kind | None],
) -> list[Block]:
    found = []
    for index, block in enumerate(blocks):
        if block.is_picture:
            kinds[index] = Kind.PICTURE
            continue
        in_band = block.bottom <= TOP_BAND * height or block.top >= (1 - BOTTOM_BAND) * height
        near_edge = block.bottom < REPEAT_BAND * height or block.top > (1 - REPEAT_BAND) * height
        small = block.size <= body * 1.2
        if (
            (in_band and small)
            or (near_edge and edge_key(block) in repeated)
            or (near_edge and small and _reads_as_running(block.text))
        ):
            kinds[index] = Kind.RUNNING
            found.append(block)
    return found


def _reads_as_running(text: str) -> bool:
    """Page furniture by its words: a page number, a date line, an editor's credit."""
    from audiopaper.parse.masthead import find_date

    return bool(
        _PAGE_NO.search(text)
        or _RUNNING_WORDS.search(text)
        or (find_date(text)[0] is not None and len(text) <= RUNNING_MAX)
    )


def _mark_masthead(
    blocks: Sequence[Block], height: float, body: float, kinds: list[Kind | None]
) -> list[Block]:
    for index, block in enumerate(blocks):
        if (
            kinds[index] is None
            and block.size >= MASTHEAD_RATIO * body
            and block.top < MASTHEAD_BAND * height
            and PAPER_NAME.match(block.text.replace(" ", ""))
        ):
            kinds[index] = Kind.MASTHEAD
            beside = [block]
            for other, neighbour in enumerate(blocks):
                if kinds[other] is None and _overlaps_vertically(block, neighbour):
                    kinds[other] = Kind.RUNNING  # issue numbers, dates beside the masthead
                    beside.append(neighbour)
            return beside
    return []


def _overlaps_vertically(a: Block, b: Block) -> bool:
    return min(a.bottom, b.bottom) - max(a.top, b.top) > 0


def _mark_captions(blocks: Sequence[Block], body: float, kinds: list[Kind | None]) -> None:
    """Small type; or, just under a photo, another face than the body's or a photo credit
    (`… 记者 X 摄`, `图为…`)."""
    from audiopaper.parse import bylines  # read-only use of the caption recognizer

    pictures = [b for b in blocks if b.is_picture]
    body_font = _body_font(blocks, body)
    for index, block in enumerate(blocks):
        if kinds[index] is not None:
            continue
        if block.size <= CAPTION_RATIO * body or (
            block.size <= body * 1.02
            and any(_under(p, block) for p in pictures)
            and (block.font != body_font or block.size < body or bylines.is_caption(block.text))
        ):
            kinds[index] = Kind.CAPTION


def _body_font(blocks: Sequence[Block], body: float) -> str:
    fonts: Counter[str] = Counter()
    for block in blocks:
        if block.lines and abs(block.size - body) < 0.05:
            fonts[block.font] += block.chars
    return fonts.most_common(1)[0][0] if fonts else ""


def _under(picture: Block, block: Block) -> bool:
    gap = block.top - picture.bottom
    overlap = min(picture.x1, block.x1) - max(picture.x0, block.x0)
    return -1 <= gap <= CAPTION_REACH * block.size * 1.5 and overlap > 0


def _is_heading(block: Block, body: float) -> bool:
    return block.size >= HEADLINE_RATIO * body or (
        block.bold and block.size >= HEADING_RATIO * body
    )


def _mark_headings(blocks: Sequence[Block], body: float, kinds: list[Kind | None]) -> None:
    index = 0
    while index < len(blocks):
        if kinds[index] is not None or not _is_heading(blocks[index], body):
            if kinds[index] is None and _is_jump_line(blocks[index].text):
                kinds[index] = Kind.JUMP
            index += 1
            continue
        end = index + 1
        while (
            end < len(blocks)
            and kinds[end] is None
            and _is_heading(blocks[end], body)
            and _stacked_heading(blocks[end - 1], blocks[end])
        ):
            end += 1
        _name_cluster(blocks, body, kinds, index, end)
        index = end


def _stacked_heading(above: Block, block: Block) -> bool:
    """Kicker, headline and subtitle sit one under another, close and overlapping; a
    heading elsewhere (the next story's) starts a cluster of its own."""
    gap = block.top - above.bottom
    overlap = min(above.x1, block.x1) - max(above.x0, block.x0)
    return -0.5 * block.size <= gap <= CLUSTER_GAP * max(above.size, block.size) and overlap > 0


def _is_jump_line(text: str) -> bool:
    markers = take_markers(text)
    return not markers.text and (markers.jump_to is not None or markers.continued_from is not None)


def _name_cluster(
    blocks: Sequence[Block], body: float, kinds: list[Kind | None], start: int, end: int
) -> None:
    cluster = range(start, end)
    biggest = max(blocks[i].size for i in cluster)
    if biggest < HEADLINE_RATIO * body:
        for i in cluster:
            kinds[i] = Kind.SUBHEAD
        return
    headline = next(i for i in cluster if blocks[i].size >= biggest - 0.05)
    for i in cluster:
        kinds[i] = Kind.KICKER if i < headline else Kind.SUBTITLE
    kinds[headline] = Kind.HEADLINE


def _mark_bylines(blocks: Sequence[Block], body: float, kinds: list[Kind | None]) -> None:
    from audiopaper.parse import bylines  # read-only use of the text recognizers

    body_font = _body_font(blocks, body)
    for index, block in enumerate(blocks):
        if kinds[index] is not None or len(block.lines) > 2 or len(block.text) > BYLINE_MAX:
            continue
        above = _previous_content(kinds, index)
        if above not in (Kind.HEADLINE, Kind.SUBTITLE):
            continue
        text = block.text
        styled = block.bold or block.font != body_font
        reads_as_byline = bool(bylines.standalone_byline(text) or bylines.is_author_name(text))
        if reads_as_byline or (styled and not JUMP.search(text)):
            kinds[index] = Kind.BYLINE


def _mark_bold_subheads(blocks: Sequence[Block], body: float, kinds: list[Kind | None]) -> None:
    """A short bold line in body type, alone in its block, is a section subhead."""
    for index, block in enumerate(blocks):
        text = block.text
        if (
            kinds[index] is None
            and block.bold
            and len(block.lines) <= 2
            and len(text) <= BYLINE_MAX
            and abs(block.size - body) <= 0.05 * body
            and not text.endswith(_SENTENCE_ENDS)
            and not JUMP.search(text)
        ):
            kinds[index] = Kind.SUBHEAD


def _previous_content(kinds: list[Kind | None], index: int) -> Kind | None:
    for kind in reversed(kinds[:index]):
        if kind not in (Kind.CAPTION, Kind.PICTURE, Kind.RUNNING, Kind.MASTHEAD):
            return kind
    return None


def _facts(running: list[Block], masthead: list[Block]) -> PageFacts:
    number: int | None = None
    name: str | None = None
    paper: str | None = None
    texts = [b.text for b in running]
    for text in texts:
        match = _PAGE_NO.search(text)
        if match and number is None:
            raw = match.group("n") or match.group("m").lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            number = page_number(raw)
            name = name or _section_near(text, match)
    if number is None:
        number, near = _bare_page_number(texts)
        name = name or near
    for text in texts:
        for token in text.split():
            if paper is None and PAPER_NAME.match(token):
                paper = token
    if masthead:
        paper = masthead[0].text.replace(" ", "")
    if number is not None and name is None:
        name = next((_section(t) for t in texts if _section(t)), None)
    dateline = " ".join(texts + [b.text for b in masthead[1:]])
    return PageFacts(number, name, paper, dateline)


def _bare_page_number(texts: list[str]) -> tuple[int | None, str | None]:
    """A running head that prints its page number bare: `要闻 3`, `A03`, `- 5 -`."""
    for text in texts:
        tokens = text.replace("-", " ").split()
        for index, token in enumerate(tokens):
            if _BARE_PAGE.match(token):
                neighbours = tokens[index + 1 : index + 2] + tokens[max(0, index - 1) : index]
                name = next((t for t in neighbours if _is_section(t)), None)
                return int(token.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), name
    return None, None


def _is_section(token: str) -> bool:
    return bool(
        _SECTION.match(token) and not PAPER_NAME.match(token) and not _NOT_SECTION.search(token)
    )


def _section_near(text: str, match: re.Match[str]) -> str | None:
    after = text[match.end() :].split()
    before = text[: match.start()].split()
    for token in [*after[:1], *before[-1:]]:
        if _SECTION.match(token) and not PAPER_NAME.match(token) and not _NOT_SECTION.search(token):
            return token
    return None


def _section(text: str) -> str | None:
    tokens = text.split()
    if len(tokens) == 1 and _SECTION.match(tokens[0]) and not PAPER_NAME.match(tokens[0]):
        return None if _NOT_SECTION.search(tokens[0]) else tokens[0]
    return None
