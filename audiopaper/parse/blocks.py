"""A page as layout blocks: the unit the page decoder reads.

A block is one paragraph-like piece of the page in reading order: a headline line, a byline, a
paragraph (or a piece of one the layout cut at a column end), a caption. Plain text becomes
blocks here; a reader that knows the layout (a PDF reader) may build blocks itself and give
each one hints — the kind of block its layout shows, its font size, its page — which the
decoder honours instead of guessing from the text.

Wrapped text is re-joined here: lines with no blank line between them are one block when the
run they sit in was wrapped at a fixed width (its lines reach the same right margin).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from audiopaper.kept_regex import compile_kept
from audiopaper.parse.runningheads import running_head

SENTENCE_END = "。！？!?…"
CLOSERS = "”’」』)）》】\"' "
# a line starting with one of these continues the line above (`…举行—` / `—`)
CONTINUING = "”’」』)）》】，,。、；;：:！!？?…"
_HTML_TAG = compile_kept(r"</?[A-Za-z][^<>]{0,200}>")
WRAP_SLACK = 2  # characters a wrapped line may fall short of the run's right margin
MIN_WRAP = 8  # narrower "margins" are not wrapping, just short lines


class Layout(StrEnum):
    """What a block is, as the page's layout (not its text) shows it."""

    HEADLINE = "headline"
    KICKER = "kicker"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    BODY = "body"
    CAPTION = "caption"
    RUNNING_HEAD = "running_head"


@dataclass(frozen=True)
class Block:
    text: str
    gap_before: int = 0  # blank lines above it
    layout: Layout | None = None  # given by a layout-aware reader; None: guess from the text
    font_size: float | None = None  # points, when known
    page: int | None = None  # printed page number, when known

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ValueError("a block needs text")
        if self.font_size is not None and self.font_size <= 0:
            raise ValueError(f"bad font size {self.font_size}")


def blocks_from_text(text: str) -> list[Block]:
    """Split plain text into blocks: runs of non-blank lines, wrapped lines re-joined."""
    runs = list(_runs(text))
    # the page's column widths, from runs long enough to show one
    margins = {m for _, run in runs if len(run) > 2 and (m := _wrap_margin(run)) is not None}
    blocks: list[Block] = []
    for gap, run in runs:
        for index, piece in enumerate(_unwrap(run, margins)):
            blocks.append(Block(piece, gap if index == 0 else 0))
    return blocks


def _runs(text: str) -> Iterable[tuple[int, list[str]]]:
    """(blank lines above, consecutive non-blank lines) in page order."""
    gap = 0
    run: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(_HTML_TAG.sub("", raw).split())
        if line and running_head(line) is not None:
            # a running head or page number printed inside a wrapped run stands alone
            if run:
                yield gap, run
                run, gap = [], 0
            yield gap, [line]
            gap = 0
            continue
        if line:
            run.append(line)
            continue
        if run:
            yield gap, run
            run, gap = [], 0
        gap += 1
    if run:
        yield gap, run


def _unwrap(run: list[str], page_margins: set[int]) -> list[str]:
    """Join the lines of a run that a fixed-width wrap broke; keep the others apart."""
    if len(run) == 1:
        return run
    margin = _wrap_margin(run, page_margins)
    if margin is None and all(_continues(a, b) for a, b in itertools.pairwise(run)):
        margin = 0  # every later line starts with a closing mark: one broken line
    if margin is None:
        return run
    pieces = [run[0]]
    for previous, line in itertools.pairwise(run):
        if len(previous) >= margin - WRAP_SLACK or _continues(previous, line):
            pieces[-1] += _joiner(pieces[-1], line) + line
        else:
            pieces.append(line)
    return pieces


def _continues(previous: str, line: str) -> bool:
    """A line starting with a closing mark, or the second half of a dash (`…举行—` / `—`),
    is the rest of the line above; `——访…` under a headline is a subtitle, not a rest."""
    if line.startswith("—"):
        return previous.endswith("—") and not previous.endswith("——")
    return line[0] in CONTINUING


def _wrap_margin(
    run: list[str], page_margins: frozenset[int] | set[int] = frozenset()
) -> int | None:
    """The run's right margin if it was wrapped at one, else None.

    A wrapped run has most of its lines (all but the paragraph ends) at nearly the same
    length; lines of free length are paragraphs one per line. Two lines are wrapped when the
    first stops mid-sentence and reaches a column width seen elsewhere on the page, is long,
    or carries a remainder less than half its length.
    """
    lengths = [len(line) for line in run[:-1]]
    margin = max(lengths)
    if margin < MIN_WRAP:
        return None
    at_margin = sum(1 for n in lengths if n >= margin - WRAP_SLACK)
    if len(lengths) == 1:
        if len(run[1]) > margin + WRAP_SLACK:
            return None
        first = run[0].rstrip(CLOSERS)
        if first[-1:] in SENTENCE_END + "——":
            return None
        near = any(abs(margin - width) <= WRAP_SLACK for width in page_margins)
        # a short remainder under a long line: a headline wrapped in a narrower column
        remainder = margin >= MIN_WRAP + WRAP_SLACK and 2 * len(run[1]) <= margin
        return margin if near or remainder or margin >= 2 * MIN_WRAP else None
    return margin if at_margin >= max(2, math.ceil(0.6 * len(lengths))) else None


def _joiner(left: str, right: str) -> str:
    """A space only between two Latin words."""
    if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return " "
    return ""  # Chinese text, and numbers a wrap cut (`66` / `00小时`), join directly
