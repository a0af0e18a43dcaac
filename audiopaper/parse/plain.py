"""A plain-text page extracted from a PDF → article drafts.

Three steps: classify lines (``lines.py``) → group them into blocks (runs of heading-like lines,
single body/byline/caption/jump lines) → assemble articles, deciding for each run of heading
lines whether it opens a new article or is a section subhead of the current one.

The rules, in the order they are tried:

- A run of heading lines opens a new article when there is no open article (none yet, or the
  last one was closed by ``(下转N版)``, by a paragraph the page cut off, or by its headline), when
  a byline follows it (``本报记者 X``, an author's bare name, a paragraph opening
  ``本报讯(记者 X)``), when it holds a kicker (``——`` lead-in or a spaced slogan), when it has
  three or more lines, when two or more blank lines precede it (more than the page's usual
  gap), or when no body follows it. Otherwise its lines are section subheads
  (``Paragraph(is_subhead=True)``) of the current article.
- A bare 2–3 character name right under a heading line is the byline of a commentary, when body
  text without its own ``本报讯(记者 X)`` follows; otherwise it is one more heading line.
- Two or more blank lines split a run into headline groups. A group followed by no body (another
  group, or the end of the page) is a headline printed after its body: it goes to the current
  article if that article has a body but no headline yet, else it stands alone as a small
  headline-only article (never merged into a neighbour).
- A paragraph opening ``本报讯(…)`` always starts an article, unless it is the first body of the
  article whose headline came just before. Body text with no open article starts a headless
  article, titled from its first clause.
- An orphan tail — a short (≤ 10 characters) complete sentence such as ``联动。`` right after an
  article the page cut off — is attached to that article's last paragraph, which closes it.
- A reporter credited at the end of a paragraph (``…。(记者 张三)``) is taken out of the text and
  becomes the byline if the article has none.
- Photo captions go to the current (nearest preceding) article's ``captions``; captions before
  any article go to the first one. Jump markers are removed from the text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from audiopaper.parse import bylines
from audiopaper.parse.draft import Draft, Ending
from audiopaper.parse.lines import (
    Kind,
    Line,
    is_complete,
    is_kicker,
    join_broken_lines,
    normalize_gaps,
    split_lines,
)
from audiopaper.parse.masthead import Masthead, read_masthead

log = logging.getLogger(__name__)

BIG_GAP = 2  # blank lines that separate layout blocks
MAX_SUBHEAD_LINES = 2  # a subhead and its sub-subhead
ORPHAN_TAIL_MAX = 10  # characters


@dataclass(frozen=True)
class HeadRun:
    """Consecutive heading-like lines."""

    lines: tuple[Line, ...]

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    def groups(self) -> list[list[str]]:
        """Split where two or more blank lines separate the lines."""
        groups: list[list[str]] = []
        for index, line in enumerate(self.lines):
            if index == 0 or line.gap_before >= BIG_GAP:
                groups.append([])
            groups[-1].append(line.text)
        return groups


Block = HeadRun | Line


@dataclass(frozen=True)
class PlainPage:
    drafts: list[Draft]
    masthead: Masthead


def parse_plain(text: str) -> PlainPage:
    lines = split_lines(text)
    masthead = read_masthead([line.text for line in lines])
    lines = join_broken_lines(normalize_gaps(lines[masthead.lines :]))
    return PlainPage(_Assembler().run(group_blocks(lines)), masthead)


def group_blocks(lines: list[Line]) -> list[Block]:
    """Runs of heading lines become one block; a bare name under a heading becomes a byline."""
    blocks: list[Block] = []
    run: list[Line] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if line.kind is Kind.AUTHOR and run and _starts_plain_body(following):
            blocks.append(HeadRun(tuple(run)))
            run = []
            blocks.append(Line(line.text, Kind.BYLINE, line.gap_before))
        elif line.kind in (Kind.HEADING, Kind.AUTHOR):
            run.append(line)
        else:
            if run:
                blocks.append(HeadRun(tuple(run)))
                run = []
            blocks.append(line)
    if run:
        blocks.append(HeadRun(tuple(run)))
    return blocks


def _starts_plain_body(line: Line | None) -> bool:
    """Body text that does not bring its own byline (`本报讯(记者 X)`)."""
    return (
        line is not None and line.kind is Kind.TEXT and not bylines.starts_with_dateline(line.text)
    )


class _Assembler:
    def __init__(self) -> None:
        self.drafts: list[Draft] = []
        self.early_captions: list[str] = []

    @property
    def current(self) -> Draft | None:
        return self.drafts[-1] if self.drafts else None

    def run(self, blocks: list[Block]) -> list[Draft]:
        for index, block in enumerate(blocks):
            if isinstance(block, HeadRun):
                self.take_run(block, _next_content(blocks, index + 1))
            elif block.kind is Kind.BYLINE:
                self.take_byline(block.text)
            elif block.kind is Kind.CAPTION:
                self.take_caption(block.text)
            elif block.kind is Kind.JUMP:
                self.take_jump(block)
            else:
                self.take_text(block)
        if self.early_captions and self.drafts:
            self.drafts[0].captions[:0] = self.early_captions
        return self.drafts

    def start(self, headline: list[str] | None = None) -> Draft:
        draft = Draft()
        if headline:
            draft.set_headline(headline)
        self.drafts.append(draft)
        return draft

    def take_run(self, run: HeadRun, following: Block | None) -> None:
        current = self.current
        if current is not None and current.is_open and not _opens_article(run, following):
            for text in run.texts:
                current.add_text(text, subhead=True)
            return
        groups = run.groups()
        for group in groups[:-1]:
            self.take_headline_without_body(group)
        if _is_body(following):
            self.start(groups[-1])
        else:
            self.take_headline_without_body(groups[-1])

    def take_headline_without_body(self, group: list[str]) -> None:
        current = self.current
        if current is not None and current.title is None and current.has_body:
            current.set_headline(group)  # the headline was printed under its body
        else:
            log.info("headline without a body: %s", " / ".join(group))
            current = self.start(group)
        current.ending = Ending.CLOSED

    def take_byline(self, byline: str) -> None:
        current = self.current
        if current is None or not current.is_open or current.has_body:
            current = self.start()
        current.byline = current.byline or byline

    def take_caption(self, caption: str) -> None:
        if self.current is None:
            self.early_captions.append(caption)
        else:
            self.current.captions.append(caption)

    def take_jump(self, line: Line) -> None:
        current = self.current
        if current is not None and (line.continues_elsewhere or current.has_body):
            current.ending = Ending.JUMPED

    def take_text(self, line: Line) -> None:
        draft = self.draft_for_text(line)
        if draft is None:
            return
        byline, body, _ = bylines.split_dateline(line.text)
        draft.byline = draft.byline or byline or line.credit
        draft.add_text(body)
        if line.continues_elsewhere:
            draft.ending = Ending.JUMPED
        elif body and not is_complete(body):
            draft.ending = Ending.CUT

    def draft_for_text(self, line: Line) -> Draft | None:
        """The article this body line belongs to (None: it was attached as an orphan tail)."""
        current = self.current
        if current is None:
            return self.start()
        if current.ending is Ending.CUT and _is_orphan_tail(line):
            current.extend_last(line.text)
            current.ending = Ending.CLOSED
            log.info("attached the orphan tail %r to %r", line.text, current.paragraphs[-1].text)
            return None
        dateline = bylines.starts_with_dateline(line.text)
        if not current.is_open or (dateline and current.has_body):
            return self.start()
        if line.continued_from and current.has_body:
            return self.start()
        return current


def _next_content(blocks: list[Block], start: int) -> Block | None:
    """The next block that is not a caption or a jump marker."""
    for block in blocks[start:]:
        if isinstance(block, HeadRun) or block.kind not in (Kind.CAPTION, Kind.JUMP):
            return block
    return None


def _is_body(block: Block | None) -> bool:
    return isinstance(block, Line) and block.kind in (Kind.TEXT, Kind.BYLINE)


def _opens_article(run: HeadRun, following: Block | None) -> bool:
    byline_follows = isinstance(following, Line) and (
        following.kind is Kind.BYLINE
        or (following.kind is Kind.TEXT and bylines.starts_with_dateline(following.text))
    )
    return (
        byline_follows
        or any(line.kind is Kind.HEADING and is_kicker(line.text) for line in run.lines)
        or len(run.lines) > MAX_SUBHEAD_LINES
        or run.lines[0].gap_before >= BIG_GAP
        or not _is_body(following)
    )


def _is_orphan_tail(line: Line) -> bool:
    text = line.text
    return line.kind is Kind.TEXT and len(text) <= ORPHAN_TAIL_MAX and is_complete(text)
