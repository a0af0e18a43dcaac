"""An article while it is being assembled: mutable, turned into a frozen ``Article`` at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from audiopaper.kept_regex import compile_kept
from audiopaper.models import Article, Paragraph
from audiopaper.parse.blocks import Layout
from audiopaper.parse.lines import COLUMN_TAG, Line, has_commas, is_kicker

TITLE_MAX = 20  # characters of body text a headless article's title may borrow
_SENTENCE = compile_kept(r"[^。！？!?…；;]+")
_CLAUSE_BREAK = compile_kept(r"[，,、：:]")
_MIN_CLAUSE = 6
_READABLE = compile_kept(r"[^\W_]")
# a line reporting who spoke or presided: a kicker above the headline or a subtitle below it
_SPEAKER = compile_kept(
    r"(?:强调|指出|表示|要求|主持|致辞|讲话|出席|会见|会谈|致信|批示|寄语|时说|时强调|提出)$"
)
_EVENT = compile_kept(r"(?:举行|召开|开幕|闭幕|举办|启动|发布)$")
LABEL_MAX = 4  # characters: a column's or roundup's name above the headline (`八方速递`)
_LABEL_RATIO = 2.5  # a label is much shorter than the headline under it
_SPACED_PHRASES = compile_kept(r"^\S{3,}\s+\S{3,}$")


class Ending(StrEnum):
    OPEN = "open"  # more body may follow
    JUMPED = "jumped"  # (下转N版): continued on another page
    CUT = "cut"  # its last paragraph stops mid-sentence: the page cut it off
    CLOSED = "closed"  # a closing line, its headline after its body, or no body at all


@dataclass
class Draft:
    opened_by: str = ""  # the signal that opened it, shown by `plan`
    title: str | None = None
    kicker: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    byline: str | None = None
    closing_credit: str | None = None  # a name credited at the end besides the byline
    paragraphs: list[Paragraph] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    ending: Ending = Ending.OPEN
    has_body: bool = False  # a paragraph that is not a subhead

    @property
    def is_open(self) -> bool:
        return self.ending is Ending.OPEN

    def set_headline(self, lines: list[Line]) -> None:
        """Kicker lines, then the headline, then sub-headlines."""
        main = title_index(lines)
        texts = [line.text for line in lines]
        self.kicker = texts[:main]
        self.title = texts[main]
        self.subtitles = texts[main + 1 :]
        if len(self.subtitles) == 1 and COLUMN_TAG.fullmatch(self.subtitles[0]):
            self.title += self.subtitles.pop()  # `（评论员观察）` printed on its own line

    def add_text(self, text: str, *, subhead: bool = False) -> None:
        if text.strip():
            self.paragraphs.append(Paragraph(text.strip(), is_subhead=subhead))
            self.has_body = self.has_body or not subhead

    def extend_last(self, text: str) -> None:
        last = self.paragraphs[-1]
        self.paragraphs[-1] = Paragraph(last.text + text.strip(), last.is_subhead)

    def credit(self, name: str) -> None:
        """A name credited at the story's end: the byline, or a second one."""
        if self.byline is None:
            self.byline = name
        elif _compact(name) not in _compact(self.byline):
            self.closing_credit = name

    def build(self) -> Article:
        return Article(
            title=self.title or title_from_body(self.paragraphs),
            paragraphs=tuple(self.paragraphs),
            byline=self.byline,
            kicker=tuple(self.kicker),
            subtitles=tuple(self.subtitles),
            captions=tuple(self.captions),
            title_is_derived=not self.title,
            opened_by=self.opened_by,
        )


def title_index(lines: list[Line]) -> int:
    """Which line of a headline group is the main headline (主题)."""
    for index, line in enumerate(lines):
        if line.layout is Layout.HEADLINE:
            return index
    sizes = [line.font_size for line in lines]
    if all(size is not None for size in sizes) and len(set(sizes)) > 1:
        return max(range(len(lines)), key=lambda i: (sizes[i] or 0.0, -i))
    lengths = [len(line.text.replace(" ", "")) for line in lines] + [0]
    scores = [
        _title_score(index, line.text, len(lines), lengths[index + 1])
        - (10 if line.layout in (Layout.KICKER, Layout.SUBTITLE) else 0)
        for index, line in enumerate(lines)
    ]
    return max(range(len(lines)), key=lambda i: (scores[i], -i))


def _title_score(index: int, text: str, count: int, next_length: int) -> float:
    stripped = text.strip()
    if (
        stripped.endswith(("——", "—", "--"))
        or stripped.startswith(("——", "—", "--"))
        or is_kicker(stripped)
    ):
        return -10.0  # a lead-in, a subtitle or a slogan, never the headline
    score = 0.0
    if COLUMN_TAG.search(stripped) and not COLUMN_TAG.fullmatch(stripped):
        score += 3  # `（评论员观察）`: the paper tags the headline with its column
    if _SPACED_PHRASES.match(stripped):
        score += 1  # `守护真相 维护和平`: two parallel phrases
    if _SPEAKER.search(stripped):
        score -= 3
    elif count > 1 and _EVENT.search(stripped):
        score -= 1  # `…在巴黎举行` beside another line: the kicker or subtitle reporting it
    compact = stripped.replace(" ", "")
    if count > 1 and index == 0 and _is_label(compact, next_length):
        score -= 2  # a column's name or a season above the headline
    if has_commas(stripped) and len(compact) > TITLE_MAX:
        score -= 1  # a long explanatory line
    return score


def _is_label(compact: str, next_length: int) -> bool:
    """`八方速递` over a much longer headline, or `2025—2026赛季`."""
    return (len(compact) <= LABEL_MAX and next_length >= _LABEL_RATIO * len(compact)) or compact[
        :4
    ].isdigit()


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def title_from_body(paragraphs: list[Paragraph]) -> str:
    """A headless article's title: its first sentence, cut at a clause near 20 characters."""
    text = next((p.text for p in paragraphs if not p.is_subhead), "")
    text = text or (paragraphs[0].text if paragraphs else "")
    sentences = (m.group(0).strip() for m in _SENTENCE.finditer(text))
    sentence = next((s for s in sentences if s), "").strip(" ，,、：:")
    if not _READABLE.search(sentence):
        return "无标题"  # the first sentence is bare punctuation: nothing to name it by
    if len(sentence) <= TITLE_MAX:
        return sentence.rstrip("，,、：:")
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence[: TITLE_MAX + 1])]
    cut = max((b for b in breaks if b >= _MIN_CLAUSE), default=None)
    return sentence[:cut] if cut else sentence[:TITLE_MAX] + "…"
