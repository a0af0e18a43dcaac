"""An article while it is being assembled: mutable, turned into a frozen ``Article`` at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from audiopaper.models import Article, Paragraph
from audiopaper.parse.lines import is_kicker

TITLE_MAX = 20  # characters of body text a headless article's title may borrow
_SENTENCE = re.compile(r"[^。！？!?…；;]+")
_CLAUSE_BREAK = re.compile(r"[，,、：:]")
_MIN_CLAUSE = 6


class Ending(StrEnum):
    OPEN = "open"  # more body may follow
    JUMPED = "jumped"  # (下转N版): continued on another page
    CUT = "cut"  # its last paragraph stops mid-sentence: the page cut it off
    CLOSED = "closed"  # its headline came after its body, or it has no body at all


@dataclass
class Draft:
    title: str | None = None
    kicker: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    byline: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    ending: Ending = Ending.OPEN
    has_body: bool = False  # a paragraph that is not a subhead

    @property
    def is_open(self) -> bool:
        return self.ending is Ending.OPEN

    def set_headline(self, lines: list[str]) -> None:
        """Kicker lines, then the headline, then sub-headlines."""
        kickers = 0
        while kickers < len(lines) - 1 and is_kicker(lines[kickers]):
            kickers += 1
        self.kicker = lines[:kickers]
        self.title = lines[kickers]
        self.subtitles = lines[kickers + 1 :]

    def add_text(self, text: str, *, subhead: bool = False) -> None:
        if text.strip():
            self.paragraphs.append(Paragraph(text.strip(), is_subhead=subhead))
            self.has_body = self.has_body or not subhead

    def extend_last(self, text: str) -> None:
        last = self.paragraphs[-1]
        self.paragraphs[-1] = Paragraph(last.text + text.strip(), last.is_subhead)

    def build(self) -> Article:
        return Article(
            title=self.title or title_from_body(self.paragraphs),
            paragraphs=tuple(self.paragraphs),
            byline=self.byline,
            kicker=tuple(self.kicker),
            subtitles=tuple(self.subtitles),
            captions=tuple(self.captions),
            title_is_derived=not self.title,
        )


def title_from_body(paragraphs: list[Paragraph]) -> str:
    """A headless article's title: its first sentence, cut at a clause near 20 characters."""
    text = next((p.text for p in paragraphs if not p.is_subhead), "")
    text = text or (paragraphs[0].text if paragraphs else "")
    sentences = (m.group(0).strip() for m in _SENTENCE.finditer(text))
    sentence = next((s for s in sentences if s), "")
    if not sentence:
        return "无标题"
    if len(sentence) <= TITLE_MAX:
        return sentence.rstrip("，,、：:")
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence[: TITLE_MAX + 1])]
    cut = max((b for b in breaks if b >= _MIN_CLAUSE), default=None)
    return sentence[:cut] if cut else sentence[:TITLE_MAX] + "…"
