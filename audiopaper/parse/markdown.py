"""A Markdown page → article drafts.

``#`` is the edition title (paper and date), ``##`` an article headline, ``###`` and deeper a
section subhead. An article's first line ``作者：X`` / ``记者：X`` (or a plain-page byline) is its
byline. Paragraphs are blank-line separated; soft-wrapped lines are joined without a space
between Chinese characters. Inline syntax is stripped: emphasis, code, links (their text kept),
images (dropped), HTML tags, list markers and ``>`` quote markers. A paragraph starting
``图：``/``图片：`` or ending in ``X 摄`` is a photo caption.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.parse import bylines
from audiopaper.parse.draft import Draft

# Line patterns run on the line with its leading whitespace already cut (once, in
# linear time), and none has two adjacent unbounded quantifiers over the same characters,
# so a line costs time linear in its length however deep it is indented.
_HEADING = compile_kept(r"(#{1,6})[ \t]+(.*)")
_RULE = compile_kept(r"(?:[-*_][ \t]*){3,}")
_TABLE_RULE_CHARS = frozenset("|:- \t")
_FENCE = compile_kept(r"```|~~~")
_REFERENCE = compile_kept(r"\[[^\]]{1,200}\]:[ \t]*\S")
_QUOTE = compile_kept(r"(?:>[ \t]?)+")
_LIST_MARK = compile_kept(r"(?:[-*+]|\d{1,3}[.)、])[ \t]+")
_LABELLED_BYLINE = compile_kept(r"^(作者|记者|文|通讯员|撰文|评论员)\s*[:：]\s*(.{1,40})$")
_CAPTION_LEAD = compile_kept(r"^(?:图|图片)\s*[:：]")

# inline syntax, in order: images before links (an image is a link with a `!`),
# code before emphasis (a `*` inside code is literal), tags after autolinks; every span is
# bounded, and link text stops at a `[`, so a line full of unmatched `[` or `*` stays
# linear with a small constant
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (compile_kept(r"!\[[^\[\]]{0,300}\]\([^)]{0,500}\)|!\[[^\[\]]{0,300}\]\[[^\]]{0,100}\]"), ""),
    (compile_kept(r"\[([^\[\]]{1,300})\]\([^)]{0,500}\)"), r"\1"),
    (compile_kept(r"\[([^\[\]]{1,300})\]\[[^\]]{0,100}\]"), r"\1"),
    (compile_kept(r"`{1,3}([^`]{1,500}?)`{1,3}"), r"\1"),
    (compile_kept(r"<((?:https?|mailto):[^>\s]{1,500})>"), r"\1"),
    (compile_kept(r"</?[A-Za-z][^<>]{0,200}>"), ""),
    (compile_kept(r"\*\*(.{1,500}?)\*\*|__(.{1,500}?)__"), r"\1\2"),
    (compile_kept(r"\*(?!\s)(.{1,500}?)(?<!\s)\*"), r"\1"),
    (compile_kept(r"(?<![A-Za-z0-9])_(?!\s)(.{1,500}?)(?<!\s)_(?![A-Za-z0-9])"), r"\1"),
    (compile_kept(r"~~(.{1,500}?)~~"), r"\1"),
)
_ESCAPED = compile_kept(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_SHELTER = 0xF0000  # escaped characters hide in a private-use plane while syntax is stripped
_SHELTERED = compile_kept("[\U000f0000-\U000f007f]")


@dataclass(frozen=True)
class _Heading:
    level: int  # 1, 2, or 3 for any deeper level
    text: str


@dataclass(frozen=True)
class MarkdownPage:
    drafts: list[Draft]
    title: str | None  # the `#` line, inline syntax stripped


def parse_markdown(text: str) -> MarkdownPage:
    title: str | None = None
    drafts: list[Draft] = []
    for block in _blocks(text):
        if not isinstance(block, _Heading):
            _take_paragraph(_current(drafts), block)
        elif block.level == 1 and title is None:
            title = block.text
        elif block.level < 3:
            drafts.append(Draft(title=block.text))
        else:
            _current(drafts).add_text(block.text, subhead=True)
    return MarkdownPage([d for d in drafts if d.paragraphs or d.title], title)


def _current(drafts: list[Draft]) -> Draft:
    if not drafts:
        drafts.append(Draft())
    return drafts[-1]


def _take_paragraph(draft: Draft, lines: list[str]) -> None:
    if not draft.paragraphs and draft.byline is None:
        byline = _labelled_byline(lines[0]) or bylines.standalone_byline(lines[0])
        if byline:
            draft.byline = byline
            lines = lines[1:]
    text = strip_inline(join_wrapped(lines))
    text = bylines.strip_jumps(text).text
    if not text:
        return
    if _CAPTION_LEAD.match(text) or bylines.is_caption(text):
        draft.captions.append(text)
        return
    if not draft.has_body:
        byline, text, _ = bylines.split_dateline(text)
        draft.byline = draft.byline or byline
    draft.add_text(text)


def _labelled_byline(line: str) -> str | None:
    match = _LABELLED_BYLINE.match(strip_inline(line).strip())
    return f"{match.group(1)} {match.group(2).strip()}" if match else None


def _blocks(text: str) -> list[_Heading | list[str]]:
    """Headings, and paragraphs as their lines (block syntax removed)."""
    blocks: list[_Heading | list[str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(paragraph.copy())
            paragraph.clear()

    for raw in strip_comments(text).split("\n"):
        stripped = raw.strip()
        heading = _HEADING.fullmatch(raw.rstrip()) if raw.startswith("#") else None
        if heading:
            flush()
            content = strip_inline(heading.group(2).rstrip().rstrip("#"))
            if content:
                blocks.append(_Heading(min(len(heading.group(1)), 3), content))
        elif not stripped or _RULE.fullmatch(stripped) or _is_table_rule(stripped):
            flush()
        elif not (_FENCE.match(stripped) or _REFERENCE.match(stripped)):
            quote = _QUOTE.match(stripped)
            unquoted = stripped[quote.end() :].lstrip() if quote else stripped
            item = _LIST_MARK.match(unquoted)
            line = unquoted[item.end() :] if item else unquoted
            line = line.strip().strip("|").replace("|", " ")
            if _LIST_MARK.match(stripped):
                flush()  # each list item is a paragraph of its own
            if line:
                paragraph.append(line)
    flush()
    return blocks


def _without_inline_comments(line: str) -> str:
    """``<!-- … -->`` spans inside one line removed (a scan, linear in the line)."""
    out: list[str] = []
    at = 0
    while True:
        start = line.find("<!--", at)
        end = line.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            out.append(line[at:])
            return "".join(out)
        out.append(line[at:start])
        at = end + 3


def _is_table_rule(stripped: str) -> bool:
    """``|---|:--:|`` and the like: only pipes, colons, dashes and spaces, with ``--``."""
    return "--" in stripped and not set(stripped) - _TABLE_RULE_CHARS


def strip_comments(text: str) -> str:
    """HTML comments out, real text kept.

    A comment inside one line (``标题<!-- 注 -->``) is removed. A comment over several
    lines must start a line with ``<!--`` and end a line with ``-->``; if no such end
    follows, the ``<!--`` was text and everything stays. An arrow inside a sentence
    (``申请-->审核``) never closes a comment, so a stray ``<!--`` can never swallow the
    articles after it.
    """
    lines = text.split("\n")
    kept: list[str] = []
    closers = [n for n, line in enumerate(lines) if line.rstrip().endswith("-->")]
    next_closer = 0
    number = 0
    while number < len(lines):
        line = _without_inline_comments(lines[number])
        if line.lstrip().startswith("<!--"):
            while next_closer < len(closers) and closers[next_closer] <= number:
                next_closer += 1
            if next_closer < len(closers):
                number = closers[next_closer] + 1  # the whole comment, up to its end
                continue
        kept.append(line)
        number += 1
    return "\n".join(kept)


def glue(above: str, below: str) -> str:
    """Two lines of one paragraph as one: a space between two words or numbers (``1 2 3``
    over ``4 5 6`` must not read 三十四), none between Chinese characters."""
    if above and below and _word_char(above[-1]) and _word_char(below[0]):
        return f"{above} {below}"
    return above + below


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_wrapped(lines: list[str]) -> str:
    """Join soft-wrapped lines: no space between Chinese characters, one between words."""
    text = ""
    for line in lines:
        line = line.strip()
        if text and line and text[-1].isascii() and line[0].isascii():
            text += " "
        text += line
    return text


def strip_inline(text: str) -> str:
    """Markdown inline syntax → its text; ``\\*`` and other escapes → the literal character."""
    text = _ESCAPED.sub(lambda m: chr(_SHELTER + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = _SHELTERED.sub(lambda m: chr(ord(m.group(0)) - _SHELTER), text)
    return " ".join(html.unescape(text).split())
