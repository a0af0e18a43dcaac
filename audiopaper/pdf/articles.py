"""A PDF page's typed blocks, in reading order → its articles.

The kinds are already decided by layout (``kinds.py``); this only groups them:

- a headline cluster (kickers, headline, subtitles) opens an article — except one that no
  body follows while the open article has a body but no headline: that is a headline
  printed under its body, and it names that article;
- a subhead inside an open article is a section subhead (``Paragraph(is_subhead=True)``);
  with no article open it is a small headline;
- bylines, captions and jump lines go to the open article; a body block whose first line is
  not indented continues the paragraph the previous column ended (a paragraph running on
  into the next column); body with no open article starts a headless one;
- `本报讯(记者 X)` opening a paragraph gives the byline; `（下转3版）` / `（上接1版）` are
  taken out of the text and remembered for joining (``continued.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from audiopaper.continued import PagedArticle, take_markers
from audiopaper.models import Article, Paragraph
from audiopaper.pdf.kinds import Kind, Typed
from audiopaper.pdf.layout import Block

_HEADING = (Kind.KICKER, Kind.HEADLINE, Kind.SUBTITLE)
UNTITLED = "无标题"
NEIGHBOUR_COLUMN = (
    2.5  # type sizes: a body block this close beside an article's columns is its next
)
_SKIPPED = (Kind.RUNNING, Kind.MASTHEAD, Kind.PICTURE, Kind.CAPTION, Kind.JUMP)


@dataclass
class _Draft:
    title: str | None = None
    kicker: list[str] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)
    byline: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    jump_to: int | None = None
    continued_from: int | None = None
    closed: bool = False
    span: tuple[float, float] | None = None  # left and right edge of what it holds so far

    def widen(self, block: Block) -> None:
        left, right = self.span or (block.x0, block.x1)
        self.span = (min(left, block.x0), max(right, block.x1))

    def reaches(self, block: Block) -> bool:
        """The block sits in (or next to) the columns the article holds: a body far to the
        side is another story's."""
        if self.span is None:
            return True
        left, right = self.span
        reach = NEIGHBOUR_COLUMN * block.size
        return block.x0 <= right + reach and block.x1 >= left - reach

    @property
    def has_body(self) -> bool:
        return any(not p.is_subhead for p in self.paragraphs)

    def add(self, text: str, *, new: bool, subhead: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        last = self.paragraphs[-1] if self.paragraphs else None
        if not new and not subhead and last is not None and not last.is_subhead:
            self.paragraphs[-1] = Paragraph(last.text + text)
        else:
            self.paragraphs.append(Paragraph(text, is_subhead=subhead))

    def build(self, page: int | None, name: str | None) -> PagedArticle | None:
        from audiopaper.parse.draft import title_from_body  # read-only helper

        printed = (self.title or "").strip()
        if not self.paragraphs and not printed:
            return None
        # a body of bare punctuation gives no title to borrow: the chapter still needs a name
        title = printed or title_from_body(self.paragraphs).strip() or UNTITLED
        article = Article(
            title=title,
            paragraphs=tuple(self.paragraphs),
            byline=self.byline,
            kicker=tuple(self.kicker),
            subtitles=tuple(self.subtitles),
            captions=tuple(self.captions),
            title_is_derived=not printed,
        )
        return PagedArticle(article, page, name, self.jump_to, self.continued_from)


class _Assembler:
    def __init__(self, typed: list[Typed]) -> None:
        self.typed = typed
        self.drafts: list[_Draft] = []
        self.early_captions: list[str] = []

    @property
    def current(self) -> _Draft | None:
        return self.drafts[-1] if self.drafts else None

    def open_draft(self) -> _Draft:
        current = self.current
        if current is not None and not current.closed:
            return current
        return self.start()

    def start(self) -> _Draft:
        draft = _Draft()
        self.drafts.append(draft)
        return draft

    def run(self) -> list[_Draft]:
        index = 0
        while index < len(self.typed):
            kind = self.typed[index].kind
            if kind in _HEADING:
                index = self.take_heading(index)
                continue
            self.take(self.typed[index], self._next_content(index + 1))
            index += 1
        if self.early_captions and self.drafts:
            self.drafts[0].captions[:0] = self.early_captions
        return self.drafts

    def take_heading(self, start: int) -> int:
        end = start
        seen_headline = False
        while end < len(self.typed) and self.typed[end].kind in (*_HEADING, Kind.PICTURE):
            kind = self.typed[end].kind
            if seen_headline and kind in (Kind.KICKER, Kind.HEADLINE):
                break  # the next story's heading
            seen_headline = seen_headline or kind is Kind.HEADLINE
            end += 1
        cluster = [t for t in self.typed[start:end] if t.kind in _HEADING]
        current = self.current
        below_body = (
            current is not None
            and current.title is None
            and current.has_body
            and (not self._body_follows(end) or self._hugs_body_above(start, end))
        )
        draft = current if below_body and current is not None else self.start()
        for item in cluster:
            draft.widen(item.block)
            markers = take_markers(item.text)
            draft.continued_from = draft.continued_from or markers.continued_from
            if not markers.text:
                continue
            if item.kind is Kind.KICKER:
                draft.kicker.append(markers.text)
            elif item.kind is Kind.HEADLINE and draft.title is None:
                draft.title = markers.text
            else:
                draft.subtitles.append(markers.text)
        if below_body:
            draft.closed = True
        return end

    def _hugs_body_above(self, start: int, end: int) -> bool:
        """The headline sits closer under the body before it than over the body after it:
        a headline printed under its body, though more body follows."""
        text_kinds = (Kind.BODY, Kind.SUBHEAD, Kind.BYLINE)
        above = next((t for t in reversed(self.typed[:start]) if t.kind in text_kinds), None)
        below = self._next_content(end)
        heading = [t.block for t in self.typed[start:end] if t.kind in _HEADING]
        if above is None or not heading:
            return False
        top = min(b.top for b in heading)
        bottom = max(b.bottom for b in heading)
        gap_above = _space(above.block.bottom, top, above.block, heading)
        gap_below = (
            float("inf") if below is None else _space(bottom, below.block.top, below.block, heading)
        )
        return gap_above < float("inf") and gap_above <= gap_below

    def _body_follows(self, start: int) -> bool:
        for item in self.typed[start:]:
            if item.kind in _SKIPPED:
                continue
            return item.kind in (Kind.BODY, Kind.BYLINE, Kind.SUBHEAD)
        return False

    def _next_content(self, start: int) -> Typed | None:
        return next((t for t in self.typed[start:] if t.kind not in _SKIPPED), None)

    def take(self, item: Typed, following: Typed | None = None) -> None:
        kind = item.kind
        if kind in (Kind.RUNNING, Kind.MASTHEAD, Kind.PICTURE):
            return
        if kind is Kind.CAPTION:
            self.take_caption(item.text)
        elif kind is Kind.JUMP:
            self.take_jump(item.text)
        elif kind is Kind.BYLINE:
            draft = self.open_draft()
            draft.byline = draft.byline or " ".join(ln.text for ln in item.block.lines)
        elif kind is Kind.SUBHEAD:
            self.take_subhead(item.text, _brings_byline(following))
        else:
            self.take_body(item)

    def take_caption(self, text: str) -> None:
        if self.current is None:
            self.early_captions.append(text)
        else:
            self.current.captions.append(text)

    def take_jump(self, text: str) -> None:
        markers = take_markers(text)
        current = self.current
        if markers.continued_from is not None:
            draft = current if current is not None and not current.has_body else self.start()
            draft.continued_from = markers.continued_from
        if markers.jump_to is not None and current is not None:
            current.jump_to = markers.jump_to
            current.closed = True

    def take_subhead(self, text: str, byline_follows: bool) -> None:
        """A subhead of the open article — unless a byline or `本报讯(…)` follows it: then it
        is the small bold headline of a brief."""
        current = self.current
        if current is not None and not current.closed and current.has_body and not byline_follows:
            current.add(text, new=True, subhead=True)
        elif current is not None and not current.closed and current.title and not current.has_body:
            current.subtitles.append(text)  # a bold line between the headline and the body
        else:
            draft = self.start()
            draft.title = text

    def take_body(self, item: Typed) -> None:
        from audiopaper.parse import bylines  # read-only use of the dateline recognizer

        if self.current is not None and not self.current.reaches(item.block):
            self.current.closed = True  # a body far to the side: another story's
        for text, new in item.block.paragraphs():
            markers = take_markers(text)
            draft = self.open_draft()
            draft.widen(item.block)
            if markers.continued_from is not None:
                if draft.has_body:
                    draft = self.start()
                draft.continued_from = markers.continued_from
            if not draft.paragraphs and bylines.standalone_byline(markers.text):
                draft.byline = draft.byline or bylines.standalone_byline(markers.text)
                continue  # a byline set in body type, on its own line above the body
            byline, body, _ = bylines.split_dateline(markers.text)
            if byline and draft.has_body:
                draft = self.start()
            draft.byline = draft.byline or byline
            draft.add(body, new=new or not draft.paragraphs)
            if markers.jump_to is not None:
                draft.jump_to = markers.jump_to
                draft.closed = True


def _overlaps(block: Block, heading: list[Block]) -> bool:
    return any(min(block.x1, h.x1) - max(block.x0, h.x0) > 0 for h in heading)


def _space(upper: float, lower: float, block: Block, heading: list[Block]) -> float:
    """The space between two edges, if ``block`` stands over or under the heading's span
    (else infinite)."""
    gap = lower - upper
    return gap if gap >= -1 and _overlaps(block, heading) else float("inf")


def _brings_byline(item: Typed | None) -> bool:
    from audiopaper.parse import bylines  # read-only use of the dateline recognizer

    if item is None:
        return False
    return item.kind is Kind.BYLINE or (
        item.kind is Kind.BODY and bylines.starts_with_dateline(item.text)
    )


def page_articles(typed: list[Typed], page: int | None, name: str | None) -> list[PagedArticle]:
    drafts = _Assembler(typed).run()
    built = (draft.build(page, name) for draft in drafts)
    return [article for article in built if article is not None]
