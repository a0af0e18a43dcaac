"""Typesets small newspaper pages as PDF with reportlab, for the PDF reader's tests and bench.

The text is written for the project. Each page has a running head and a footer, 4–6 columns,
stories placed in rectangular regions: kicker, headline (large type drawn fill+stroke, the
way a bold face darkens), subtitle, byline, an optional photo box with its caption in small
type, body columns with first-line indents and subheads, jump lines, and optionally the
headline printed under its body. The font is reportlab's built-in CID font STSong-Light, so
no font file is needed (the PDF names it and maps it through the standard GB CMap).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

PAGE_W, PAGE_H = 620.0, 880.0
MARGIN = 28.0
GUTTER = 10.0
HEAD_BAND = 40.0  # running head and its rule
FOOT_BAND = 30.0
FONT = "STSong-Light"
BODY_SIZE = 9.0
LEADING = 1.45
SUBHEAD_SIZE = 10.0
CAPTION_SIZE = 7.0
BYLINE_SIZE = 9.0
NON_STARTERS = "，。、；：！？）”’》」』%"


@dataclass(frozen=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]  # "## " starts a subhead, "#= " one in bold body type
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    photo_caption: str | None = None
    caption_size: float = 7.0  # small type, as captions usually are
    jump_line: str | None = None  # e.g. （下转3版）, printed as the last line
    continued_line: str | None = None  # e.g. （上接1版）, printed under the headline
    headline_below: bool = False  # the headline printed under the body
    headline_size: float = 18.0
    # how the headline's weight is printed: "stroke" (fill+stroke), "overprint" (drawn
    # twice, a hair apart), "spaced" (groups split at spaces, set apart with no space glyph)
    headline_style: str = "stroke"


@dataclass(frozen=True)
class Region:
    col: int  # first column
    span: int  # columns the story spans
    top: float  # from the top of the content area
    bottom: float


@dataclass(frozen=True)
class PageSpec:
    number: int
    name: str  # 要闻
    stories: tuple[tuple[Story, Region], ...]
    columns: int = 5
    paper: str = "滨河晨报"
    date_line: str = "2025年6月9日 星期一"
    masthead: bool = False  # the paper's name in big type at the top (front pages)
    ocr_layer: bool = False  # a scan with OCR's invisible text over it
    bare_number: bool = False  # the running head prints `要闻 03`, not `第3版 要闻`
    footer: str = "滨河晨报社出版 新闻热线 0571-86001234"
    editor: str = "本版编辑 林小禾"


@dataclass
class _Cursor:
    x: float
    y: float  # top-down, from the top of the page
    width: float


@dataclass
class _Canvas:
    canvas: object
    columns: int
    lines_drawn: list[str] = field(default_factory=list)


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def width_of(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return float(pdfmetrics.stringWidth(text, FONT, size))


def wrap(text: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Greedy line breaking by measured width; punctuation never starts a line."""
    lines: list[str] = []
    line = ""
    available = width - indent
    for char in text:
        if line and width_of(line + char, size) > available and char not in NON_STARTERS:
            lines.append(line)
            line = ""
            available = width
        line += char
    if line:
        lines.append(line)
    return lines


def column_x(spec_columns: int, col: int) -> float:
    return MARGIN + col * (column_width(spec_columns) + GUTTER)


def column_width(spec_columns: int) -> float:
    return (PAGE_W - 2 * MARGIN - (spec_columns - 1) * GUTTER) / spec_columns


def _text(
    c: object,
    x: float,
    top: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    justify_to: float | None = None,
) -> None:
    """Draw one line whose top is ``top`` points below the page's top edge."""
    c.saveState()  # type: ignore[attr-defined]
    t = c.beginText(x, PAGE_H - top - size * 0.88)  # type: ignore[attr-defined]
    t.setFont(FONT, size)
    if justify_to is not None and len(text) > 1:  # full lines are set flush, as printed
        t.setCharSpace(max(0.0, (justify_to - width_of(text, size)) / (len(text) - 1)))
    if bold:
        c.setLineWidth(size / 30)  # type: ignore[attr-defined]
        t.setTextRenderMode(2)  # fill, then stroke: a darker, bolder face
    else:
        t.setTextRenderMode(0)
    if getattr(c, "_ocr_layer", False):
        t.setTextRenderMode(3)  # invisible: OCR's text layer over a scan
    t.textOut(text)
    c.drawText(t)  # type: ignore[attr-defined]
    c.restoreState()  # type: ignore[attr-defined]


def _headline(c: object, x: float, top: float, text: str, size: float, style: str) -> None:
    if style == "overprint":
        _text(c, x, top, text, size)
        _text(c, x + size * 0.03, top, text, size)
    elif style == "spaced":
        for group in text.split(" "):
            _text(c, x, top, group, size, bold=True)
            x += width_of(group, size) + 1.5 * size
    else:
        _text(c, x, top, text, size, bold=True)


def _rule(c: object, x0: float, x1: float, top: float) -> None:
    c.setLineWidth(0.6)  # type: ignore[attr-defined]
    c.line(x0, PAGE_H - top, x1, PAGE_H - top)  # type: ignore[attr-defined]


def _photo(c: object, x: float, top: float, width: float, height: float) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (48, 32), (128, 150, 170))
    for px in range(0, 48, 4):
        for py in range(32):
            image.putpixel((px, py), (90, 110, 130))
    c.drawImage(ImageReader(image), x, PAGE_H - top - height, width, height)  # type: ignore[attr-defined]


def _running_head(c: object, spec: PageSpec) -> None:
    size = 8.0
    _text(c, MARGIN, MARGIN, f"{spec.paper}  {spec.date_line}", size)
    right = (
        f"{spec.name}  {spec.number:02d}" if spec.bare_number else f"第{spec.number}版  {spec.name}"
    )
    _text(c, PAGE_W - MARGIN - width_of(right, size), MARGIN, right, size)
    _rule(c, MARGIN, PAGE_W - MARGIN, MARGIN + size + 6)


def _footer(c: object, spec: PageSpec) -> None:
    size = 7.0
    top = PAGE_H - MARGIN - size
    _rule(c, MARGIN, PAGE_W - MARGIN, top - 5)
    _text(c, MARGIN, top, spec.footer, size)
    _text(c, PAGE_W - MARGIN - width_of(spec.editor, size), top, spec.editor, size)


def _masthead(c: object, spec: PageSpec) -> float:
    top = MARGIN + HEAD_BAND - 14
    _text(c, MARGIN, top, spec.paper, 40, bold=True)
    _text(c, MARGIN + width_of(spec.paper, 40) + 20, top + 28, "第8123期 今日8版", 9)
    _rule(c, MARGIN, PAGE_W - MARGIN, top + 50)
    return 62.0


def _heading_lines(
    c: object, story: Story, x: float, top: float, width: float, *, draw: bool = True
) -> float:
    """Kicker, headline, subtitle (and a continuation line); returns the height used."""
    y = top
    parts: list[tuple[str, float, bool]] = []
    if story.kicker:
        parts.append((story.kicker, 12.0, False))
    parts.append((story.headline, story.headline_size, True))
    if story.subtitle:
        parts.append((story.subtitle, 12.0, False))
    for text, size, bold in parts:
        for line in wrap(text, size, width):
            if draw:
                if bold:
                    _headline(c, x, y, line, size, story.headline_style)
                else:
                    _text(c, x, y, line, size)
            y += size * 1.3
        y += 3
    return y - top + 4


def _flow_body(
    c: object,
    story: Story,
    columns: list[tuple[float, float]],
    top: float,
    bottom: float,
) -> float:
    """Body (with byline, subheads, jump line) down the columns; returns the lowest y used."""
    items: list[tuple[str, float, bool, float]] = []  # text, size, bold, indent
    if story.continued_line:
        items.append((story.continued_line, BODY_SIZE, False, 0.0))
    if story.byline:
        items.append((story.byline, BYLINE_SIZE, True, 0.0))
    for paragraph in story.paragraphs:
        if paragraph.startswith("## "):
            items.append((paragraph[3:], SUBHEAD_SIZE, True, 0.0))
        elif paragraph.startswith("#= "):  # a subhead in bold body type
            items.append((paragraph[3:], BODY_SIZE, True, 0.0))
        else:
            items.append((paragraph, BODY_SIZE, False, 2 * BODY_SIZE))
    if story.jump_line:
        items.append((story.jump_line, BODY_SIZE, False, -1.0))  # -1: right-aligned
    col = 0
    y = top
    lowest = top
    for text, size, bold, indent in items:
        x, width = columns[col]
        pieces = [text] if indent < 0 else wrap(text, size, width, max(indent, 0.0))
        for number, piece in enumerate(pieces):
            step = size * LEADING
            if y + step > bottom:
                col += 1
                if col >= len(columns):
                    raise ValueError(f"story {story.headline!r} does not fit its region")
                x, width = columns[col]
                y = top
            offset = width - width_of(piece, size) if indent < 0 else 0.0
            if indent >= 0 and number == 0:
                offset = indent
            flush = number < len(pieces) - 1 and indent >= 0
            _text(
                c,
                x + offset,
                y,
                piece,
                size,
                bold=bold,
                justify_to=width - offset if flush else None,
            )
            y += step
            lowest = max(lowest, y)
    return lowest


def _place(c: object, spec: PageSpec, story: Story, region: Region, content_top: float) -> None:
    x = column_x(spec.columns, region.col)
    width = column_x(spec.columns, region.col + region.span - 1) + column_width(spec.columns) - x
    top = content_top + region.top
    bottom = content_top + region.bottom
    body_columns = [
        (column_x(spec.columns, col), column_width(spec.columns))
        for col in range(region.col, region.col + region.span)
    ]
    if story.headline_below:
        heading = _heading_lines(c, story, x, 0, width, draw=False)
        lowest = _flow_body(c, story, body_columns, top, bottom - heading - 6)
        _heading_lines(c, story, x, lowest + 6, width)  # right under the body, as printed
        return
    y = top + _heading_lines(c, story, x, top, width)
    if story.photo_caption:
        photo_h = 70.0
        _photo(c, x, y, width, photo_h)
        y += photo_h + 3
        size = story.caption_size
        for line in wrap(story.photo_caption, size, width):
            _text(c, x, y, line, size)
            y += size * 1.4
        y += 6
    _flow_body(c, story, body_columns, y, bottom)


def draw_page(c: object, spec: PageSpec) -> None:
    _register_font()
    c._ocr_layer = spec.ocr_layer  # type: ignore[attr-defined]
    if spec.ocr_layer:
        _photo(c, 0, 0, PAGE_W, PAGE_H)
    _running_head(c, spec)
    content_top = MARGIN + HEAD_BAND
    if spec.masthead:
        content_top += _masthead(c, spec)
    for story, region in spec.stories:
        _place(c, spec, story, region, content_top)
    _footer(c, spec)


def typeset(specs: list[PageSpec], path: Path | None = None, **canvas_options: object) -> bytes:
    """One PDF holding ``specs`` in order; written to ``path`` when given."""
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H), **canvas_options)  # type: ignore[arg-type]
    for spec in specs:
        draw_page(c, spec)
        c.showPage()
    c.save()
    data = buffer.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data
