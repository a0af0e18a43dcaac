"""Lines of a PDF-extracted page: what each one looks like on its own.

A line is classified without context (heading-like, byline, caption, jump marker, author name,
body text); broken lines are then re-joined. Deciding which heading-like line is a headline and
which a section subhead needs context, and happens in ``plain.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from enum import StrEnum

from audiopaper.parse import bylines

HEADING_MAX = 30  # characters (spaces not counted) a headline or subhead may have
LONG_LINE = 30  # a line longer than this that stops mid-sentence was broken by the layout
SENTENCE_END = "。！？!?…"
CLAUSE_END = "；;：:"
CLOSERS = "”’」』)）》】\"' "
# characters a sentence cannot start with: a line starting with one continues the line above
NON_STARTERS = "，,、。．；;：:！!？?）)】》〉」』”’…%％·"
_INNER_STOPS = re.compile(r"[，,；;。！!？?]")
_HAS_WORD = re.compile(rf"[{bylines.CJK}A-Za-z]")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>")
_KICKER_PHRASE = re.compile(rf"^[{bylines.CJK}]{{2,5}}$")


class Kind(StrEnum):
    HEADING = "heading"  # short, no final punctuation: headline, kicker, subtitle or subhead
    AUTHOR = "author"  # a bare 2–3 character name: a byline when it sits under a headline
    BYLINE = "byline"  # 本报记者 X
    CAPTION = "caption"  # … 记者 X 摄
    JUMP = "jump"  # (下转3版) alone
    TEXT = "text"  # body text


@dataclass(frozen=True)
class Line:
    text: str
    kind: Kind
    gap_before: int = 0  # blank lines above it
    continues_elsewhere: bool = False  # it carried (下转N版)
    continued_from: bool = False  # it carried (上接N版)
    credit: str | None = None  # a reporter credited at its end: `…。(记者 张三)`


def split_lines(text: str) -> list[Line]:
    """Classify every non-blank line, remembering the blank lines above it."""
    lines: list[Line] = []
    gap = 0
    for raw in text.split("\n"):
        stripped = " ".join(_HTML_TAG.sub("", raw).split())
        if not stripped:
            gap += 1
            continue
        lines.append(classify(stripped, gap))
        gap = 0
    return lines


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
    credit, body = bylines.split_trailing_credit(jumps.text)
    if credit and body:
        return replace(line, text=body, kind=_kind_of(body), credit=credit)
    return replace(line, kind=_kind_of(jumps.text))


def _kind_of(text: str) -> Kind:
    if bylines.standalone_byline(text):
        return Kind.BYLINE
    if bylines.is_caption(text):
        return Kind.CAPTION
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


def is_heading_like(text: str) -> bool:
    compact = text.replace(" ", "")
    return (
        2 <= len(compact) <= HEADING_MAX
        and not is_complete(text)
        and not _INNER_STOPS.search(text)
        and compact[0] not in NON_STARTERS
        and compact[-1] not in "、，,"
        and bool(_HAS_WORD.search(text))
    )


def is_kicker(text: str) -> bool:
    """A lead-in ending in `——`, or a slogan of three or more short spaced phrases."""
    if text.rstrip().endswith(("——", "—", "--")):
        return True
    phrases = text.split()
    return len(phrases) >= 3 and all(_KICKER_PHRASE.match(p) for p in phrases)


def join_broken_lines(lines: list[Line]) -> list[Line]:
    """Re-join body lines the layout broke mid-sentence (`…智能巡` / `检”技术…`)."""
    from audiopaper.parse.markdown import glue  # here: markdown imports this package

    joined: list[Line] = []
    for line in lines:
        if joined and _continues(joined[-1], line):
            above = joined[-1]
            joined[-1] = replace(
                above,
                text=glue(above.text, line.text),  # no 三十四 from 1 2 3 / 4 5 6
                kind=Kind.TEXT,
                continues_elsewhere=line.continues_elsewhere,
            )
        else:
            joined.append(line)
    return joined


def _continues(above: Line, line: Line) -> bool:
    """Is ``line`` the rest of ``above``'s sentence?

    A line that starts with closing punctuation always is (even under a short line). Otherwise
    only a body line that stops mid-sentence is continued: by any line right under it (no
    blank line between: wrapped text), or, across one blank line, by body text when it is long
    (> 30 characters, so the layout broke it). A headline-like line is never joined to the
    body line after it.
    """
    if above.continues_elsewhere or is_complete(above.text) or line.gap_before > 1:
        return False
    if line.continued_from or bylines.starts_with_dateline(line.text):
        return False
    if line.text[0] in NON_STARTERS:
        return above.kind in (Kind.TEXT, Kind.HEADING) and line.kind in (Kind.TEXT, Kind.HEADING)
    if above.kind is not Kind.TEXT:
        return False
    if line.gap_before == 0:  # no blank line between: the text was wrapped, not laid out
        return line.kind in (Kind.TEXT, Kind.HEADING, Kind.AUTHOR)
    return line.kind is Kind.TEXT and len(above.text) > LONG_LINE
