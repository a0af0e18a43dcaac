"""Glyphs → lines → blocks, in reading order.

- A **line** is a run of glyphs of one type size on one baseline; a gap wider than most of a
  character (a column gutter) ends it.
- A **block** is a column run of lines in one style (size, weight, font) stacked at the
  page's line spacing: a headline, a byline, the part of an article's body in one column, a
  caption. Pictures (photos) are blocks with no text: they steer the reading order.
- **Reading order** is a recursive XY cut: a group of blocks is split at the widest set of
  clear vertical gutters first (columns and side-by-side articles read left to right), and
  else at clear horizontal bands (top to bottom); a group that no clear line splits reads
  top to bottom. A headline spanning its article's columns therefore comes before them,
  and one printed under its body (across the body's gutters) after it.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from audiopaper.kept_regex import compile_kept
from audiopaper.pdf.glyphs import Glyph, Picture

_RADICALS = compile_kept("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff]")
MIN_PHOTO = 12.0  # points: a smaller picture is an icon or a rule
OVERPRINT = 0.15  # glyphs this close (share of the size) with the same text are one, bolded
WORD_GAP = 0.2  # a gap this share of the type size between Latin glyphs is a word space
BASELINE = 0.35  # glyphs whose bottoms differ by less than this share of the size share a line
MIXED_SIZES = 1.25  # sizes within this ratio may share a line
GUTTER_SHARE = 0.8  # a horizontal gap wider than this share of the type size ends a line
SAME_SIZE = 0.06  # sizes closer than this share are one style
LINE_GAP = 0.9  # a vertical gap up to this share of the type size keeps lines in one block
INDENT_EMS = 2.6  # a first-line indent (two characters) stays in its paragraph's block
PARAGRAPH_INDENT_EMS = 1.2  # a line indented this much more than its block starts a paragraph
SHORT_LINE_EMS = 1.0  # a line ending this far short of its block's right edge ends a paragraph
SENTENCE_ENDS = "。！？!?…”’」』）)"  # ...when it ends a sentence, too
STACK_RATIO = 1.25  # type this much larger than the body is a heading: never stacked
SMALL_TYPE = 0.93  # type this much smaller than the body's (captions) is never stacked
STACK_GAP = 1.6  # body sizes of space between blocks stacked in one column
SPACED_HEADING_EMS = 2.2  # widest gap inside a spaced headline, in its type size
SPACED_GROUP_MAX = 6  # characters in one group of a spaced headline
ROW_GAP = 1.2  # body sizes: the least space between rows of stories
HALF_LINE = 0.5  # body sizes: narrower bands (a photo over its caption) part nothing
HUG = 2.0  # body sizes between a body and the headline printed under it
HEADING_REACH = 3.0  # body sizes above a band where a headline keeps it from parting rows


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    font: str


@dataclass(frozen=True)
class Block:
    lines: tuple[TextLine, ...]  # empty for a picture
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def is_picture(self) -> bool:
        return not self.lines

    @property
    def size(self) -> float:
        return self.lines[0].size if self.lines else 0.0

    @property
    def bold(self) -> bool:
        return bool(self.lines) and self.lines[0].bold

    @property
    def font(self) -> str:
        return self.lines[0].font if self.lines else ""

    @property
    def text(self) -> str:
        return join_lines(line.text for line in self.lines)

    @property
    def chars(self) -> int:
        return sum(len(line.text) for line in self.lines)

    def paragraphs(self) -> list[tuple[str, bool]]:
        """(text, starts a new paragraph) for each paragraph of the block, from indents and
        short last lines."""
        result: list[tuple[list[str], bool]] = []
        starts_new = False
        for index, line in enumerate(self.lines):
            indented = line.x0 - self.x0 >= PARAGRAPH_INDENT_EMS * line.size
            previous = self.lines[index - 1] if index else None
            ended = (
                previous is not None
                and self.x1 - previous.x1 >= SHORT_LINE_EMS * line.size
                and previous.text.rstrip()[-1:] in SENTENCE_ENDS
            )
            if index == 0:
                starts_new = indented
                result.append(([line.text], starts_new))
            elif indented or ended:
                result.append(([line.text], True))
            else:
                result[-1][0].append(line.text)
        return [(join_lines(texts), new) for texts, new in result]


def join_lines(texts: Iterable[str]) -> str:
    """Chinese lines join without a space; Latin words broken across lines get one back."""
    out = ""
    for text in texts:
        text = text.strip()
        if out and text and out[-1].isascii() and out[-1].isalpha() and text[0].isascii():
            out += " "
        out += text
    return out


def overprinted(glyphs: Sequence[Glyph]) -> list[Glyph]:
    """One glyph for each drawn twice or more at (nearly) the same place — how many PDFs fake
    a bold face — marked bold."""
    ordered = sorted(glyphs, key=lambda g: (g.text, g.top, g.x0))
    kept: list[Glyph] = []
    for glyph in ordered:
        last = kept[-1] if kept else None
        if (
            last is not None
            and last.text == glyph.text
            and abs(last.top - glyph.top) <= OVERPRINT * glyph.size
            and abs(last.x0 - glyph.x0) <= OVERPRINT * glyph.size
        ):
            if not last.bold:
                kept[-1] = replace(last, bold=True)
            continue
        kept.append(glyph)
    return kept


def lines_of(glyphs: Sequence[Glyph]) -> list[TextLine]:
    """Group glyphs into lines: one baseline, sizes that go together (a Latin font's digits
    beside Chinese set a little larger or smaller), no gutter-wide gap."""
    glyphs = overprinted(glyphs)
    common = Counter(g.size for g in glyphs).most_common(1)
    body = common[0][0] if common else 10.0
    rows: list[list[Glyph]] = []
    near: list[list[Glyph]] = []  # rows whose baseline the sweep has not yet left
    for glyph in sorted(glyphs, key=lambda g: (g.bottom, g.x0)):
        near = [r for r in near if glyph.bottom - r[0].bottom <= BASELINE * r[0].size]
        home = next((r for r in reversed(near) if _sizes_go(r[0].size, glyph.size)), None)
        if home is None:
            home = [glyph]
            rows.append(home)
            near.append(home)
        else:
            home.append(glyph)
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        start = 0
        for index in range(1, len(row) + 1):
            if index == len(row) or _gutter(row[index - 1], row[index], body):
                line = _line(row[start:index])
                if line is not None:
                    lines.append(line)
                start = index
    return lines


def _sizes_go(a: float, b: float) -> bool:
    return max(a, b) <= MIXED_SIZES * min(a, b)


def _gutter(left: Glyph, right: Glyph, body: float) -> bool:
    """A gap wider than most of a character — of the body's size at most: a column gutter
    is as wide beside a headline as beside the text, and headlines side by side must part."""
    return right.x0 - left.x1 > GUTTER_SHARE * min(max(left.size, right.size), body)


def _line(glyphs: list[Glyph]) -> TextLine | None:
    text = _glyph_text(glyphs)
    if not text.strip():
        return None
    visible = [g for g in glyphs if not g.text.isspace()]
    bold = sum(1 for g in visible if g.bold) * 2 > len(visible)
    sizes = Counter(g.size for g in visible)
    return TextLine(
        " ".join(printed_text(text).split()),
        min(g.x0 for g in visible),
        min(g.top for g in visible),
        max(g.x1 for g in visible),
        max(g.bottom for g in visible),
        sizes.most_common(1)[0][0],  # the size most of its characters are set in
        bold,
        Counter(g.font for g in visible).most_common(1)[0][0],
    )


def _glyph_text(glyphs: list[Glyph]) -> str:
    """The line's text; a word space the PDF made by moving the pen (no space glyph) is put
    back between Latin letters or digits, never between Chinese characters."""
    parts: list[str] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if (
            previous is not None
            and glyph.x0 - previous.x1 > WORD_GAP * glyph.size
            and _latin(previous.text[-1:])
            and _latin(glyph.text[:1])
        ):
            parts.append(" ")
        parts.append(glyph.text)
        previous = glyph
    return "".join(parts)


def printed_text(text: str) -> str:
    """The characters as printed: radicals and compatibility forms some PDF fonts map their
    glyphs to become the ideographs (⽇ → 日, ⻓ → 长), then the same cleaning as text pages
    (widths, control and zero-width characters)."""
    from audiopaper.read import clean_text

    if _RADICALS.search(text):
        text = _RADICALS.sub(_ideograph, text)
    return clean_text(text)


def _ideograph(match: re.Match[str]) -> str:
    char = match.group(0)
    return _radical_table().get(char) or unicodedata.normalize("NFKC", char)


@functools.cache
def _radical_table() -> dict[str, str]:
    table: dict[str, str] = {}
    data = resources.files("audiopaper.pdf").joinpath("data/radicals.tsv")
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            radical, char = line.split("\t")
            table[radical] = char
    return table


def _latin(char: str) -> bool:
    return bool(char) and char.isascii() and not char.isspace()


def blocks_of(lines: Sequence[TextLine], pictures: Sequence[Picture] = ()) -> list[Block]:
    """Stack lines of one style into column blocks; pictures become empty blocks."""
    open_blocks: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        home = _block_for(open_blocks, line)
        if home is None:
            open_blocks.append([line])
        else:
            home.append(line)
    blocks = [_block(group) for group in open_blocks]
    blocks += [Block((), p.x0, p.top, p.x1, p.bottom) for p in photos(pictures, lines)]
    return blocks


def photos(pictures: Sequence[Picture], lines: Sequence[TextLine]) -> list[Picture]:
    """The pictures that stand on their own: not a background or tint under text, not an
    icon smaller than a line of type."""
    kept = []
    for picture in pictures:
        small = min(picture.x1 - picture.x0, picture.bottom - picture.top) < MIN_PHOTO
        under_text = any(
            line.x0 < picture.x1
            and picture.x0 < line.x1
            and line.top < picture.bottom
            and picture.top < line.bottom
            for line in lines
        )
        if not small and not under_text:
            kept.append(picture)
    return kept


def _block_for(open_blocks: list[list[TextLine]], line: TextLine) -> list[TextLine] | None:
    best: list[TextLine] | None = None
    best_gap = float("inf")
    for group in reversed(open_blocks[-40:]):  # only recent blocks can sit right above
        last = group[-1]
        gap = line.top - last.bottom
        if not (-0.2 * line.size <= gap <= LINE_GAP * line.size) or gap >= best_gap:
            continue
        if _same_style(last, line) and _aligned(group, line):
            best, best_gap = group, gap
    return best


def _same_style(a: TextLine, b: TextLine) -> bool:
    return abs(a.size - b.size) <= SAME_SIZE * max(a.size, b.size) and a.bold == b.bold


def _aligned(group: list[TextLine], line: TextLine) -> bool:
    left = min(ln.x0 for ln in group)
    right = max(ln.x1 for ln in group)
    overlap = min(right, line.x1) - max(left, line.x0)
    if overlap <= 0:
        return False
    indent = INDENT_EMS * line.size
    starts_together = abs(line.x0 - left) <= indent
    centred = overlap >= 0.6 * min(right - left, line.x1 - line.x0)
    return starts_together or (centred and line.size > group[0].size * 0.99 and len(group) < 4)


def _block(lines: list[TextLine]) -> Block:
    return Block(
        tuple(lines),
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )


def reading_order(blocks: Sequence[Block]) -> list[Block]:
    """Recursive XY cut over column stacks (see ``_order``)."""
    body = body_size(blocks)
    stacks = _stacks(blocks, body)
    return [block for stack in _order(stacks, body) for block in stack.lines_or_blocks]


@dataclass(frozen=True)
class _Stack:
    """Blocks in text type stacked down one column (body, subheads, byline):
    cut as one, so a band that ends a column's subhead cannot split the column's flow."""

    lines_or_blocks: tuple[Block, ...]
    x0: float
    top: float
    x1: float
    bottom: float


def _stacks(blocks: Sequence[Block], body: float) -> list[_Stack]:
    groups: list[list[Block]] = []
    for block in sorted(blocks, key=lambda b: (b.top, b.x0)):
        recent = reversed(groups[-60:])  # only recent stacks can end right above
        home = next((g for g in recent if _stacks_on(g[-1], block, body)), None)
        if home is None:
            groups.append([block])
        else:
            home.append(block)
    stacks = [_stack(g) for g in groups]
    # A stack that another block reaches into is no column: its blocks are cut one by one.
    by_top = sorted(blocks, key=lambda b: b.top)
    tops = [b.top for b in by_top]
    result: list[_Stack] = []
    for stack in stacks:
        if len(stack.lines_or_blocks) > 1 and _intruded(stack, by_top, tops):
            result += [_stack([b]) for b in stack.lines_or_blocks]
        else:
            result.append(stack)
    return result


def _stack(blocks: list[Block]) -> _Stack:
    return _Stack(
        tuple(blocks),
        min(b.x0 for b in blocks),
        min(b.top for b in blocks),
        max(b.x1 for b in blocks),
        max(b.bottom for b in blocks),
    )


def _intruded(stack: _Stack, by_top: list[Block], tops: list[float]) -> bool:
    members = {id(b) for b in stack.lines_or_blocks}
    for block in by_top[: bisect.bisect_left(tops, stack.bottom)]:
        if (
            id(block) not in members
            and block.bottom > stack.top + 0.5
            and block.x0 < stack.x1 - 0.5
            and stack.x0 + 0.5 < block.x1
        ):
            return True
    return False


def _stacks_on(above: Block, block: Block, body: float) -> bool:
    if above.is_picture or block.is_picture:
        return False
    if max(above.size, block.size) >= STACK_RATIO * body:
        return False
    if min(above.size, block.size) < SMALL_TYPE * body:
        return False  # captions and notes in small type may be wider than the column
    gap = block.top - above.bottom
    overlap = min(above.x1, block.x1) - max(above.x0, block.x0)
    narrower = min(above.x1 - above.x0, block.x1 - block.x0)
    return 0 <= gap <= STACK_GAP * body and overlap >= 0.7 * narrower


def _order(items: list[_Stack], body: float) -> list[_Stack]:
    """Cut, read the earlier part first, cut the parts again (iteratively: a page of many
    blocks must not run out of recursion). Which cut:

    1. the widest clean horizontal band — no headline just above it, and either a line
       high or a headline just below it — so it parts rows of stories (or a body from the
       headline printed under it), never headlines from the bodies they head nor a photo
       from its caption;
    2. else the widest vertical gutter (columns, stories side by side);
    3. else the widest horizontal band (headline from body inside one story).
    """
    ordered: list[_Stack] = []
    todo = [items]
    while todo:
        group = todo.pop()
        if len(group) <= 1:
            ordered += group
            continue
        bands = _gaps(group, lambda b: (b.top, b.bottom))
        clean = [
            gap
            for gap in bands
            if not _heading_above(group, gap[1], body)
            and (
                gap[0] >= ROW_GAP * body
                or (gap[0] >= HALF_LINE * body and _heading_below(group, gap[1] + gap[0], body))
            )
        ]
        gutters = _gaps(group, lambda b: (b.x0, b.x1))
        if clean:
            cut = max(clean)[1]
            first = [b for b in group if b.bottom <= cut]
        elif gutters:
            cut = max(gutters)[1]
            first = [b for b in group if b.x1 <= cut]
        elif bands:
            cut = max(bands)[1]
            first = [b for b in group if b.bottom <= cut]
        else:
            ordered += sorted(group, key=lambda b: (b.top, b.x0))
            continue
        taken = {id(b) for b in first}
        todo += [[b for b in group if id(b) not in taken], first]
    return ordered


def _gaps(
    items: list[_Stack], span: Callable[[_Stack], tuple[float, float]]
) -> list[tuple[float, float]]:
    """(width, where it starts) of every clear gap along one axis."""
    ordered = sorted(items, key=span)
    reach = span(ordered[0])[1]
    gaps = []
    for block in ordered[1:]:
        start, end = span(block)
        if start >= reach - 0.5:
            gaps.append((start - reach, reach + 0.01))
        reach = max(reach, end)
    return gaps


def _heading_below(group: list[_Stack], edge: float, body: float) -> bool:
    """A headline starts just below ``edge``."""
    return any(
        edge <= stack.top <= edge + HEADING_REACH * body and _is_heading_stack(stack, body)
        for stack in group
    )


def _heading_above(group: list[_Stack], cut: float, body: float) -> bool:
    """A headline ends just above ``cut`` — one that heads what follows, not one printed
    right under a body of text (which closes that body's story)."""
    return any(
        cut - HEADING_REACH * body <= stack.bottom <= cut
        and _is_heading_stack(stack, body)
        and not _text_right_above(group, stack, body)
        for stack in group
    )


def _is_heading_stack(stack: _Stack, body: float) -> bool:
    return max(b.size for b in stack.lines_or_blocks) >= STACK_RATIO * body


def _text_right_above(group: list[_Stack], heading: _Stack, body: float) -> bool:
    return any(
        0 <= heading.top - stack.bottom <= HUG * body
        and min(stack.x1, heading.x1) - max(stack.x0, heading.x0) > 0
        and not _is_heading_stack(stack, body)
        and not stack.lines_or_blocks[0].is_picture
        for stack in group
    )


def body_size(blocks: Sequence[Block]) -> float:
    """The type size that carries most characters (bold type aside)."""
    sizes: Counter[float] = Counter()
    for block in blocks:
        if block.lines and not block.bold:
            sizes[round(block.size, 1)] += block.chars
    if not sizes:
        sizes.update({round(b.size, 1): b.chars for b in blocks if b.lines})
    return sizes.most_common(1)[0][0] if sizes else 10.0


def page_blocks(glyphs: Sequence[Glyph], pictures: Sequence[Picture]) -> list[Block]:
    """A page's blocks in reading order."""
    return reading_order(unordered_blocks(glyphs, pictures))


def unordered_blocks(glyphs: Sequence[Glyph], pictures: Sequence[Picture]) -> list[Block]:
    return blocks_of(spaced_headings(lines_of(glyphs)), pictures)


def spaced_headings(lines: Sequence[TextLine]) -> list[TextLine]:
    """Rejoin a headline set in spaced groups (`惠民生　强基层`) that the gutter rule split:
    short pieces in large type on one baseline, one or two characters apart. Body type is
    never rejoined (its columns sit on shared baselines too), nor are long pieces: the
    headlines of stories side by side."""
    body = body_size([_block([line]) for line in lines])
    result: list[TextLine] = []
    for line in sorted(lines, key=lambda ln: (ln.size, round(ln.bottom, 1), ln.x0)):
        last = result[-1] if result else None
        if (
            last is not None
            and line.size >= STACK_RATIO * body
            and last.size == line.size
            and last.bold == line.bold
            and abs(last.bottom - line.bottom) <= 0.3 * line.size
            and 0 <= line.x0 - last.x1 <= SPACED_HEADING_EMS * line.size
            and len(line.text) <= SPACED_GROUP_MAX
            and len(last.text.rsplit(" ", 1)[-1]) <= SPACED_GROUP_MAX
        ):
            result[-1] = replace(last, text=f"{last.text} {line.text}", x1=line.x1)
        else:
            result.append(line)
    return result


__all__ = [
    "Block",
    "TextLine",
    "blocks_of",
    "join_lines",
    "lines_of",
    "page_blocks",
    "reading_order",
]
