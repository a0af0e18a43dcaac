"""The page decoder: classified blocks → article drafts, decided over the whole page.

Runs of heading-like blocks are the candidate headlines. Each run is weighed by what surrounds
it, and the first signal that holds decides, in this order (``plan`` shows it per article):

- the layout marks it a headline (a PDF reader's hint);
- a byline, an author's bare name or a dateline paragraph follows it;
- it carries a lead-in (`——` at the end of a line above the headline), a subtitle (`——访…`)
  or a column tag (`（评论员观察）`);
- the story before it is closed (a closing line such as `（本报北京5月14日电）` or `（作者为…）`,
  a jump marker, a paragraph the page cut off), or there is no story yet;
- three or more heading lines, a wide gap above it, or no body after it (a headline printed
  after its body).

Otherwise the run is one or two section subheads of the current story (quoted, numbered, a
paragraph ending in `——` followed by its text). A story opened by its byline or dateline
with no headline above it takes the heading lines printed after its body (column order):
the last headline group of the run, just above the next byline, is the next story's.
Then two page-level checks:

- a story that names two different authors — one under its headline, one at its end — is two
  stories: the last subhead before the second author was the second one's headline;
- a run of body text with no headline between a closed story and the next headline is the end
  of that next story, printed first (column order), when it shares that story's vocabulary;
  otherwise it stays a story of its own, titled from its first sentence.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.parse import bylines
from audiopaper.parse.blocks import Layout
from audiopaper.parse.draft import LABEL_MAX, Draft, Ending
from audiopaper.parse.lines import (
    COLUMN_TAG,
    ORPHAN_TAIL_MAX,
    Kind,
    Line,
    is_complete,
    is_kicker,
    stops_mid_word,
)

log = logging.getLogger(__name__)

BIG_GAP = 2  # blank lines that separate layout blocks
MAX_SUBHEAD_LINES = 2  # a subhead and its sub-subhead
TAIL_OVERLAP = 0.05  # least share of a headless run's character pairs found in its story
TAIL_MARGIN = 1.25  # …and how much more than it shares with the story before it
TEXT_BEGINS = "body text with no headline above it"
BYLINE_FIRST = "a byline with no headline above it"
DATELINE_FIRST = "a dateline paragraph with no headline above it"
_SIGNED = compile_kept(r"\s|文$")  # `沈 丘文`, `李 斌`: a name signing a story's end
_CJK_PAIR = compile_kept(rf"(?=([{bylines.CJK}]{{2}}))")


@dataclass(frozen=True)
class HeadRun:
    """Consecutive heading-like lines."""

    lines: tuple[Line, ...]

    def groups(self) -> list[list[Line]]:
        """Split where two or more blank lines separate the lines."""
        groups: list[list[Line]] = []
        for index, line in enumerate(self.lines):
            if index == 0 or line.gap_before >= BIG_GAP:
                groups.append([])
            groups[-1].append(line)
        return groups


Item = HeadRun | Line


def decode(lines: list[Line]) -> list[Draft]:
    drafts = _Assembler().run(group_items(lines))
    drafts = [piece for draft in drafts for piece in split_at_second_author(draft)]
    return attach_tails_to_their_stories(drafts)


def group_items(lines: list[Line]) -> list[Item]:
    """Runs of heading lines become one item; a bare name under a heading becomes a byline,
    and one after a story's last paragraph is its author's credit."""
    items: list[Item] = []
    run: list[Line] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        previous = lines[index - 1] if index else None
        if (
            line.kind is Kind.AUTHOR
            and run
            and line.gap_before < BIG_GAP
            and _under_a_headline(lines, index + 1)
        ):
            items.append(HeadRun(tuple(run)))
            run = []
            items.append(line)
        elif (
            line.kind is Kind.AUTHOR
            and not run
            and previous is not None
            and previous.kind is Kind.TEXT
            and not _starts_plain_body(following)
            and _SIGNED.search(line.text)
        ):
            items.append(Line(line.text, Kind.CLOSING, line.gap_before, credit=line.text))
        elif line.kind in (Kind.HEADING, Kind.AUTHOR):
            run.append(line)
        else:
            if run:
                items.append(HeadRun(tuple(run)))
                run = []
            items.append(line)
    if run:
        items.append(HeadRun(tuple(run)))
    return items


def _under_a_headline(lines: list[Line], start: int) -> bool:
    """Is a name right under heading lines their byline? Yes unless another byline or name
    follows it (then it was one more heading line); captions in between do not count."""
    following = next((ln for ln in lines[start:] if ln.kind is not Kind.CAPTION), None)
    if following is None or following.kind in (Kind.BYLINE, Kind.AUTHOR):
        return False
    return following.kind is not Kind.TEXT or not bylines.starts_with_dateline(following.text)


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

    def run(self, items: list[Item]) -> list[Draft]:
        for index, item in enumerate(items):
            if isinstance(item, HeadRun):
                self.take_run(item, _next_content(items, index + 1))
            elif item.kind in (Kind.BYLINE, Kind.AUTHOR):
                self.take_byline(item)
            elif item.kind is Kind.CAPTION:
                self.take_caption(item.text)
            elif item.kind is Kind.JUMP:
                self.take_jump(item)
            elif item.kind is Kind.CLOSING:
                self.take_closing(item)
            elif item.kind is Kind.TEXT and self.is_late_headline(item, items[index + 1 :]):
                self.take_headline_without_body([item])
            elif item.kind is Kind.TEXT:
                self.take_text(item)
        if self.early_captions and self.drafts:
            self.drafts[0].captions[:0] = self.early_captions
        return self.drafts

    def start(self, reason: str, headline: list[Line] | None = None) -> Draft:
        draft = Draft(reason)
        if headline:
            draft.set_headline(headline)
        self.drafts.append(draft)
        return draft

    def take_run(self, run: HeadRun, following: Item | None) -> None:
        current = self.current
        reason = opening_signal(run, following, current)
        if reason is None and current is not None:
            for line in run.lines:
                current.add_text(line.text, subhead=True)
            return
        reason = reason or "first on the page"
        if _ends_a_headless_story(current, run, following):
            cut = _head_start(run.lines)
            self.take_headline_without_body(list(run.lines[:cut]))
            run = HeadRun(run.lines[cut:])
        groups = run.groups()
        for group in groups[:-1]:
            self.take_headline_without_body(group)
        if _is_body(following):
            self.start(reason, groups[-1])
        else:
            self.take_headline_without_body(groups[-1])

    def is_late_headline(self, line: Line, rest: list[Item]) -> bool:
        """A headline-like line with commas after a story that has a byline but no headline
        yet, and before the next headline: that story's headline, printed after it."""
        current = self.current
        following = _next_content(rest, 0)
        return (
            line.maybe_heading
            and current is not None
            and current.title is None
            and current.has_body
            and current.opened_by in (BYLINE_FIRST, DATELINE_FIRST)
            and (following is None or isinstance(following, HeadRun))
        )

    def take_headline_without_body(self, group: list[Line]) -> None:
        current = self.current
        if current is not None and current.title is None and current.has_body:
            current.set_headline(group)  # the headline was printed under its body
            current.opened_by += "; its headline is printed after its body"
        else:
            log.info("headline without a body: %s", " / ".join(line.text for line in group))
            current = self.start("a headline with no body after it", group)
        current.ending = Ending.CLOSED

    def take_byline(self, line: Line) -> None:
        current = self.current
        if current is None or not current.is_open or current.has_body:
            current = self.start(BYLINE_FIRST)
        current.byline = current.byline or bylines.tidy(line.text)

    def take_caption(self, caption: str) -> None:
        if self.current is None:
            self.early_captions.append(caption)
        else:
            self.current.captions.append(caption)

    def take_jump(self, line: Line) -> None:
        current = self.current
        if current is not None and (line.continues_elsewhere or current.has_body):
            current.ending = Ending.JUMPED

    def take_closing(self, line: Line) -> None:
        current = self.current
        if current is None or not current.is_open:
            current = self.start(TEXT_BEGINS)
        if line.credit:
            current.credit(bylines.tidy(line.credit))
        current.add_text(line.text)  # read: `（作者为…）`, `（本报北京5月14日电）`, `（李吉莲）`
        current.ending = Ending.CLOSED

    def take_text(self, line: Line) -> None:
        draft = self.draft_for_text(line)
        if draft is None:
            return
        byline, body, _ = bylines.split_dateline(line.text)
        if byline is None:
            body = line.text  # `新华社北京4月27日电 …` with no reporter: read as printed
        if line.credit and draft.byline is not None:
            draft.credit(line.credit)
        draft.byline = draft.byline or byline or line.credit
        draft.add_text(body)
        if line.continues_elsewhere:
            draft.ending = Ending.JUMPED
        elif body and not is_complete(body):
            draft.ending = Ending.CUT

    def draft_for_text(self, line: Line) -> Draft | None:
        """The article this body line belongs to (None: it was attached as an orphan tail)."""
        current = self.current
        dateline = bylines.starts_with_dateline(line.text)
        reason = DATELINE_FIRST if dateline else TEXT_BEGINS
        if current is None:
            return self.start(reason)
        if current.ending is Ending.CUT and _is_orphan_tail(line) and _cut_mid_word(current):
            current.extend_last(line.text)
            current.ending = Ending.CLOSED
            log.info("attached the orphan tail %r to %r", line.text, current.paragraphs[-1].text)
            return None
        if line.continued_from and current.has_body:
            return self.start("continued from another page")
        if not current.is_open or (dateline and current.has_body):
            return self.start(reason)
        return current


def _ends_a_headless_story(current: Draft | None, run: HeadRun, following: Item | None) -> bool:
    """A story opened by its byline or dateline, with no headline yet, followed by heading
    lines and another byline (or ended by a closing line before them): the first of those
    lines are its headline, printed after it."""
    return (
        current is not None
        and current.title is None
        and current.has_body
        and current.opened_by in (BYLINE_FIRST, DATELINE_FIRST)
        and len(run.lines) > 1
        and _head_start(run.lines) > 0
        and (
            not current.is_open
            or (
                isinstance(following, Line)
                and (
                    following.kind in (Kind.BYLINE, Kind.AUTHOR)
                    or (
                        following.kind is Kind.TEXT and bylines.starts_with_dateline(following.text)
                    )
                )
            )
        )
    )


def _head_start(lines: tuple[Line, ...]) -> int:
    """Where the last headline group of a run begins: its headline (the last line, or the
    one above a `——` subtitle), the lead-ins ending in `——` above it and a roundup's name."""
    start = len(lines) - 1
    if start > 0 and lines[start].text.startswith(("——", "—")):
        start -= 1
    while start > 0 and lines[start - 1].text.rstrip().endswith(("——", "—")):
        start -= 1
    if start > 1 and len(lines[start - 1].text.replace(" ", "")) <= LABEL_MAX:
        start -= 1  # a roundup's name (`环球扫描`) over it
    return start


def opening_signal(run: HeadRun, following: Item | None, current: Draft | None) -> str | None:
    """Why this run of heading lines opens a new article; None: it is a section subhead."""
    lines = run.lines
    if any(line.layout is Layout.HEADLINE for line in lines):
        return "the layout marks a headline"
    if isinstance(following, Line):
        if following.kind is Kind.BYLINE:
            return "a byline follows the headline"
        if following.kind is Kind.AUTHOR:
            return "an author's name follows the headline"
        if following.kind is Kind.TEXT and bylines.starts_with_dateline(following.text):
            return "a dateline follows the headline"
    if any(is_kicker(line.text) for line in lines[:-1]):
        return "a lead-in (kicker) above the headline"
    if any(line.text.startswith(("——", "—", "--")) for line in lines[1:]):
        return "a subtitle (——…) under the headline"
    if any(COLUMN_TAG.search(line.text) for line in lines):
        return "a column tag on the headline"
    if current is None:
        return "first on the page"
    if current.ending is Ending.CLOSED:
        return "the story before it has ended"
    if current.ending is Ending.JUMPED:
        return "the story before it jumps to another page"
    if current.ending is Ending.CUT:
        return "the story before it was cut off"
    if len(lines) > MAX_SUBHEAD_LINES:
        return "three or more heading lines"
    if lines[0].gap_before >= BIG_GAP:
        return "a wide gap above it"
    if not _is_body(following):
        return "no body follows it"
    return None


def split_at_second_author(draft: Draft) -> list[Draft]:
    """A story crediting a second author at its end is two stories (see the module doc)."""
    if draft.closing_credit is None:
        return [draft]
    paragraphs = draft.paragraphs
    starts = [
        i
        for i, p in enumerate(paragraphs)
        if p.is_subhead
        and not paragraphs[i - 1].is_subhead
        and any(not q.is_subhead for q in paragraphs[:i])
        and any(not q.is_subhead for q in paragraphs[i:])
    ]
    if not starts:
        return [draft]
    cut = starts[-1]
    end = cut
    while end < len(paragraphs) and paragraphs[end].is_subhead:
        end += 1
    second = Draft("a second author is credited at the end: the last heading before it")
    second.set_headline([Line(p.text, Kind.HEADING) for p in paragraphs[cut:end]])
    for paragraph in paragraphs[end:]:
        second.add_text(paragraph.text, subhead=paragraph.is_subhead)
    second.byline, second.ending = draft.closing_credit, draft.ending
    draft.paragraphs, draft.closing_credit, draft.ending = paragraphs[:cut], None, Ending.CLOSED
    return [draft, second]


def attach_tails_to_their_stories(drafts: list[Draft]) -> list[Draft]:
    """Headless body text printed before its own headline goes to the end of that story."""
    kept: list[Draft] = []
    for index, draft in enumerate(drafts):
        after = drafts[index + 1] if index + 1 < len(drafts) else None
        before = kept[-1] if kept else None
        if (
            before is not None
            and after is not None
            and draft.opened_by == TEXT_BEGINS
            and draft.title is None
            and draft.byline is None
            and after.title is not None
            and not before.is_open
            and _shared(draft, after) >= max(TAIL_OVERLAP, TAIL_MARGIN * _shared(draft, before))
        ):
            after.paragraphs.extend(draft.paragraphs)
            after.captions.extend(draft.captions)
            after.opened_by += "; body printed before its headline joined it"
            continue
        kept.append(draft)
    return kept


def _shared(part: Draft, story: Draft) -> float:
    """The share of ``part``'s character pairs that ``story`` also uses."""
    mine = set(_CJK_PAIR.findall("".join(p.text for p in part.paragraphs)))
    theirs = set(_CJK_PAIR.findall("".join(p.text for p in story.paragraphs)))
    return len(mine & theirs) / len(mine) if mine else 0.0


def _next_content(items: list[Item], start: int) -> Item | None:
    """The next item that is not a caption or a jump marker."""
    for item in items[start:]:
        if isinstance(item, HeadRun) or item.kind not in (Kind.CAPTION, Kind.JUMP):
            return item
    return None


def _is_body(item: Item | None) -> bool:
    return isinstance(item, Line) and item.kind in (Kind.TEXT, Kind.BYLINE, Kind.AUTHOR)


def _cut_mid_word(draft: Draft) -> bool:
    return bool(draft.paragraphs) and stops_mid_word(draft.paragraphs[-1].text)


def _is_orphan_tail(line: Line) -> bool:
    text = line.text
    return line.kind is Kind.TEXT and len(text) <= ORPHAN_TAIL_MAX and is_complete(text)
