"""A plain-text page (or a PDF reader's blocks) → article drafts, in five steps:

1. blocks (``blocks.py``): lines, wrapped lines re-joined; or blocks a layout reader built;
2. what each block looks like on its own (``lines.py``): heading-like, byline, caption,
   closing line, editors' line, jump marker, body;
3. the page's furniture taken out: the masthead and running heads (which name the paper and
   date, ``masthead.py``, ``runningheads.py``) and the editors' line are never read;
4. context settles what a block alone cannot: a heading with commas inside is a headline only
   when a byline, dateline or subtitle follows it, else a paragraph the page cut off; cut
   paragraphs are re-joined; short captions printed before a credit for several pictures are
   captions too (``captions.py``);
5. the decoder (``decoder.py``) decides the articles for the whole page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from audiopaper.kept_regex import compile_kept
from audiopaper.parse import bylines, captions
from audiopaper.parse.blocks import Block, Layout, blocks_from_text
from audiopaper.parse.decoder import BIG_GAP, decode
from audiopaper.parse.draft import Draft
from audiopaper.parse.lines import (
    Kind,
    Line,
    classify_blocks,
    join_broken_lines,
    normalize_gaps,
)
from audiopaper.parse.masthead import Masthead, read_masthead
from audiopaper.parse.runningheads import RunningHead, running_head

UNCREDITED_CAPTIONS_MAX = 2  # captions a credit `以上图片均为…` may cover before its own
HEAD_LINES_MAX = 2  # heading lines between a headline and its byline (kicker, subtitle)
SUBHEAD_BALANCE = 0.5
SUBHEAD_HALF_MAX = 14  # characters in each half of a two-part subhead
_DATED = compile_kept(
    r"^(?:\d{2,4}年|\d{1,2}月\d{1,2}日|\d{1,2}日|近日|日前|今年|去年|目前|当天|当日)"
)  # shortest part / longest part of a subhead's comma-separated halves
_LABELLED = compile_kept(r"^[^，,：:]{1,8}[：:]")  # `新成果：…`, `看点一：…`
_COMMAS = compile_kept(r"[，,]")
_NOT_FURNITURE = (Kind.JUMP, Kind.CLOSING, Kind.BYLINE, Kind.CAPTION)


@dataclass(frozen=True)
class PlainPage:
    drafts: list[Draft]
    masthead: Masthead


def parse_plain(text: str) -> PlainPage:
    return parse_blocks(blocks_from_text(text))


def parse_blocks(blocks: list[Block]) -> PlainPage:
    """Decode a page given as blocks; layout hints on them are honoured."""
    lines = classify_blocks(blocks)
    masthead = read_masthead([line.text for line in lines])
    lines, heads = _without_furniture(lines[masthead.lines :])
    lines = join_broken_lines(_settle_punctuated_headings(normalize_gaps(lines)))
    lines = _uncredited_captions(lines)
    paper = masthead.paper or next((h.paper for h in heads if h.paper), None)
    date = masthead.date or _first_date([h.date for h in heads])
    return PlainPage(decode(lines), Masthead(paper, date, masthead.lines))


def _without_furniture(lines: list[Line]) -> tuple[list[Line], list[RunningHead]]:
    """Drop running heads, page numbers and editors' lines; keep what the heads say."""
    kept: list[Line] = []
    heads: list[RunningHead] = []
    for line in lines:
        head = None
        if line.layout in (None, Layout.RUNNING_HEAD) and line.kind not in _NOT_FURNITURE:
            head = running_head(line.text)
        if line.kind is Kind.RUNNING or head is not None:
            if head is not None:
                heads.append(head)
            continue
        if line.kind is Kind.EDITORS:
            continue
        kept.append(line)
    return kept, heads


def _first_date(dates: list[dt.date | None]) -> dt.date | None:
    return next((d for d in dates if d is not None), None)


def _settle_punctuated_headings(lines: list[Line]) -> list[Line]:
    """A long or comma-bearing heading-like line is a headline if a byline, dateline or
    subtitle follows it, a subhead if it is shaped like one, else body text."""
    settled = list(lines)
    for index, line in enumerate(lines):
        if not line.maybe_heading or line.layout is not None:
            continue
        if _announced(lines, index + 1) or _shaped_like_a_subhead(line.text):
            settled[index] = replace(line, kind=Kind.HEADING, maybe_heading=False)
    return settled


def _shaped_like_a_subhead(text: str) -> bool:
    """`看点一：…，…`, `“…，…”`, `…，…——`, or two balanced halves (`向远方，扎根奉献`);
    a paragraph's cut-off piece (`北碚区是传统制造业大区，仪器仪表`) is none of these."""
    if _LABELLED.match(text) or text.endswith("——"):
        return True
    if text.startswith("“") and text.endswith("”"):
        return True
    if _DATED.match(text):
        return False  # `2023年12月末，…`: a sentence opens with its time, a subhead does not
    parts = [len(part) for part in _COMMAS.split(text)]
    return (
        len(parts) == 2
        and max(parts) <= SUBHEAD_HALF_MAX
        and min(parts) >= SUBHEAD_BALANCE * max(parts)
    )


def _announced(lines: list[Line], start: int) -> bool:
    """Does a byline, dateline or subtitle follow, past captions and up to two more heading
    lines (a subtitle, or the headline under a kicker)?"""
    headings = 0
    for line in lines[start:]:
        if line.kind is Kind.CAPTION:
            continue
        if _announces_a_story(line):
            return True
        if (line.kind is Kind.HEADING or line.maybe_heading) and headings < HEAD_LINES_MAX:
            headings += 1
            continue
        return False
    return False


def _announces_a_story(line: Line | None) -> bool:
    if line is None:
        return False
    if line.kind is Kind.BYLINE or (line.kind is Kind.AUTHOR and line.gap_before < BIG_GAP):
        return True
    if line.kind is Kind.TEXT:
        return bylines.starts_with_dateline(line.text)
    return line.kind is Kind.HEADING and line.text.startswith(("——", "—"))


def _uncredited_captions(lines: list[Line]) -> list[Line]:
    """Short descriptions just before a credit for several pictures are captions too."""
    result = list(lines)
    for index, line in enumerate(lines):
        if line.kind is not Kind.CAPTION or not captions.covers_several(line.text):
            continue
        for back in range(index - 1, max(-1, index - 1 - UNCREDITED_CAPTIONS_MAX), -1):
            earlier = result[back]
            if earlier.kind is not Kind.TEXT or earlier.layout is Layout.BODY:
                break
            if not captions.could_be_uncredited_caption(earlier.text):
                break
            result[back] = replace(earlier, kind=Kind.CAPTION)
    return result
