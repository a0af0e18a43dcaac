"""Blocks of a page: what each one looks like on its own.

Each block is classified without context (heading-like, byline, author name, caption, closing
line, editors' line, jump marker, body text), or taken as its layout hint says; paragraphs the
layout cut are then re-joined. Which heading-like block is a headline and which a subhead needs
the whole page, and is decided by the decoder (``decoder.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from audiopaper.kept_regex import compile_kept
from audiopaper.parse import bylines, captions
from audiopaper.parse.blocks import Block, Layout, blocks_from_text

HEADING_MAX = 30  # characters (spaces not counted) a headline or subhead may have
PUNCTUATED_HEADING_MAX = 46  # a headline with commas inside (`读书学习，贵在…`)
LONG_LINE = 30  # a line longer than this that stops mid-sentence was broken by the layout
ORPHAN_TAIL_MAX = 10  # characters of a short complete tail such as `联动。`
SENTENCE_END = "。！？!?…"
CLAUSE_END = "；;：:"
CLOSERS = "”’」』)）》】\"' "
# characters a sentence cannot start with: a line starting with one continues the line above
NON_STARTERS = "，,、。．；;：:！!？?）)】》〉」』”’…%％·"
_INNER_STOPS = compile_kept(r"[，,；;。！!？?]")
_HARD_STOPS = compile_kept(r"[；;。！!？?]")
_PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"))
_HAS_WORD = compile_kept(rf"[{bylines.CJK}A-Za-z]")
_KICKER_PHRASE = compile_kept(rf"^[{bylines.CJK}]{{2,5}}$")
# `（评论员观察）`, `（神州看点）` at a headline's end: the column it runs in
COLUMN_TAG = compile_kept(rf"[(（][{bylines.CJK}A-Za-z0-9·]{{2,10}}[)）]$")
_LAYOUT_KINDS = {
    Layout.BYLINE: "byline",
    Layout.BODY: "text",
    Layout.CAPTION: "caption",
    Layout.RUNNING_HEAD: "running",
}


class Kind(StrEnum):
    HEADING = "heading"  # short, no final punctuation: headline, kicker, subtitle or subhead
    AUTHOR = "author"  # a bare name: a byline when it sits under a headline
    BYLINE = "byline"  # 本报记者 X
    CAPTION = "caption"  # … 记者 X 摄
    JUMP = "jump"  # (下转3版) alone
    CLOSING = "closing"  # （本报华盛顿5月14日电）, （作者为…）, （李吉莲）: ends a story
    EDITORS = "editors"  # 本版责编：…  (never read)
    RUNNING = "running"  # a running head or page number (never read)
    TEXT = "text"  # body text


@dataclass(frozen=True)
class Line:
    text: str
    kind: Kind
    gap_before: int = 0  # blank lines above it
    continues_elsewhere: bool = False  # it carried (下转N版)
    continued_from: bool = False  # it carried (上接N版)
    credit: str | None = None  # a reporter credited at its end: `…。(记者 张三)`, `（李吉莲）`
    layout: Layout | None = None  # the layout's word on what it is, when there was one
    font_size: float | None = None
    maybe_heading: bool = False  # a long or comma-bearing line that may be a headline


def split_lines(text: str) -> list[Line]:
    """Classify every block of a plain-text page."""
    return classify_blocks(blocks_from_text(text))


def classify_blocks(blocks: list[Block]) -> list[Line]:
    return [classify_block(block) for block in blocks]


def classify_block(block: Block) -> Line:
    line = classify(" ".join(block.text.split()), block.gap_before)
    if block.layout is None:
        return replace(line, font_size=block.font_size)
    kind = Kind(_LAYOUT_KINDS.get(block.layout, "heading"))
    if kind is Kind.TEXT and line.kind is Kind.CLOSING:
        kind = Kind.CLOSING
    return replace(line, kind=kind, layout=block.layout, font_size=block.font_size)


def normalize_gaps(lines: list[Line]) -> list[Line]:
    """Make one blank line the usual gap, whatever the extractor's habit.

    Some extractors put two blank lines between all paragraphs; only gaps wider than the usual
    one separate layout blocks.
    """
    gaps = Counter(line.gap_before for line in lines[1:] if line.gap_before > 0)
    usual = gaps.most_common(1)[0][0] if gaps else 1
    if usual <= 1:
        return lines
    return [
        replace(line, gap_before=max(1, line.gap_before - usual + 1)) if line.gap_before else line
        for line in lines
    ]


def classify(text: str, gap_before: int = 0) -> Line:
    jumps = bylines.strip_jumps(text)
    line = Line(
        jumps.text or text,
        Kind.JUMP,
        gap_before,
        continues_elsewhere=jumps.continues_elsewhere,
        continued_from=jumps.continued_from,
    )
    if not jumps.text:
        return line
    closing = bylines.closing_line(jumps.text)
    if closing is not None:
        return replace(line, kind=Kind.CLOSING, credit=closing.credit)
    credit, body = bylines.split_trailing_credit(jumps.text)
    if credit and body:
        return replace(line, text=body, kind=_kind_of(body), credit=credit)
    kind = _kind_of(jumps.text)
    if kind is Kind.HEADING and _needs_context(jumps.text):
        # body text on its own; the page may still show it is a headline (``plain.py``)
        return replace(line, kind=Kind.TEXT, maybe_heading=True)
    return replace(line, kind=kind)


def _kind_of(text: str) -> Kind:
    if bylines.is_editor_line(text):
        return Kind.EDITORS
    if bylines.standalone_byline(text):
        return Kind.BYLINE
    if captions.is_caption(text):
        return Kind.CAPTION
    if bylines.starts_with_dateline(text):
        return Kind.TEXT  # even when a column end cut it short: `本报北京5月14日电 （记者X）5月`
    if is_heading_like(text) and is_kicker(text):
        return Kind.HEADING
    if bylines.is_author_name(text):
        return Kind.AUTHOR
    if is_heading_like(text):
        return Kind.HEADING
    return Kind.TEXT


def is_complete(text: str) -> bool:
    """Does the text end a sentence (or a clause before a list)?"""
    core = text.rstrip(CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END + CLAUSE_END


def stops_mid_word(text: str) -> bool:
    """Ends on a character, not on punctuation: the page cut it, not the writer."""
    return bool(_HAS_WORD.match(text[-1:])) or text[-1:].isdigit()


def without_column_tag(text: str) -> str:
    return COLUMN_TAG.sub("", text).strip() or text


def has_commas(text: str) -> bool:
    return bool(_INNER_STOPS.search(without_column_tag(text)))


def _needs_context(text: str) -> bool:
    """A heading with commas, or a long one: a headline only if the page confirms it."""
    return has_commas(text) or len(without_column_tag(text).replace(" ", "")) > HEADING_MAX


def is_heading_like(text: str) -> bool:
    core = without_column_tag(text)
    compact = core.replace(" ", "")
    if not compact or compact[0] in NON_STARTERS or compact[-1] in "、，,：:":
        return False
    if is_complete(core) or not _HAS_WORD.search(core) or not _balanced(core):
        return False
    if not _INNER_STOPS.search(core) and len(compact) <= HEADING_MAX:
        return len(compact) >= 2
    # commas inside: a headline (`用好数字，别困于数字`) or a paragraph's cut-off piece
    return (
        len(compact) <= PUNCTUATED_HEADING_MAX
        and not _HARD_STOPS.search(core)
        and len(re.findall(r"[，,]", core)) <= 2
    )


def _balanced(text: str) -> bool:
    """Quotes and brackets closed: a cut-off piece (`…开展“无人机巡`) leaves one open."""
    return all(text.count(a) == text.count(b) for a, b in _PAIRS)


def is_kicker(text: str) -> bool:
    """A lead-in ending in `——`, or a slogan of three or more short spaced phrases."""
    if text.rstrip().endswith(("——", "—", "--")):
        return True
    phrases = text.split()
    return len(phrases) >= 3 and all(_KICKER_PHRASE.match(p) for p in phrases)


def join_broken_lines(lines: list[Line]) -> list[Line]:
    """Re-join body text the layout broke mid-sentence (`…智能巡` / `检”技术…`).

    Captions printed at the cut are looked past: they stay, after the re-joined paragraph.
    """
    from audiopaper.parse.markdown import glue  # here: markdown imports this package

    joined: list[Line] = []
    held: list[Line] = []  # captions between a cut paragraph and its rest
    for line in lines:
        target = joined[-1] if joined else None
        if target is not None and line.kind is Kind.CAPTION and _is_cut(target):
            held.append(line)
            continue
        if target is not None and _continues(target, line, across_caption=bool(held)):
            joined[-1] = replace(
                target,
                text=glue(target.text, line.text),  # no 三十四 from 1 2 3 / 4 5 6
                kind=Kind.TEXT,
                continues_elsewhere=line.continues_elsewhere,
                credit=target.credit or line.credit,
                maybe_heading=False,
            )
            continue
        joined.extend(held)
        held = []
        joined.append(line)
    joined.extend(held)
    return joined


def _is_cut(line: Line) -> bool:
    return line.kind is Kind.TEXT and not line.continues_elsewhere and not is_complete(line.text)


def _continues(above: Line, line: Line, *, across_caption: bool = False) -> bool:
    """Is ``line`` the rest of ``above``'s sentence?

    A line that starts with closing punctuation always is (even under a short line). Otherwise
    only a body line that stops mid-sentence is continued: by any line right under it (no
    blank line between: wrapped text), or, across one blank line, by body text when it is long
    (> 30 characters, so the layout broke it). A headline-like line is never joined to the
    body line after it.
    """
    if above.continues_elsewhere or is_complete(above.text) or line.gap_before > 1:
        return False
    if above.layout is not None and above.layout is not Layout.BODY:
        return False
    if line.continued_from or bylines.starts_with_dateline(line.text):
        return False
    if line.text[0] in NON_STARTERS:
        return above.kind in (Kind.TEXT, Kind.HEADING) and line.kind in (Kind.TEXT, Kind.HEADING)
    if above.kind is not Kind.TEXT:
        return False
    if line.gap_before == 0 and not across_caption:  # wrapped, not laid out
        return line.kind in (Kind.TEXT, Kind.HEADING, Kind.AUTHOR)
    # across a blank line: the rest of a paragraph cut at a column end, unless it is a short
    # complete tail (`联动。`), which the decoder weighs (it may close a story cut elsewhere)
    orphan = len(line.text) <= ORPHAN_TAIL_MAX and is_complete(line.text)
    weighed = orphan and len(above.text) <= LONG_LINE and stops_mid_word(above.text)
    return line.kind is Kind.TEXT and not weighed
