"""Cover images: a square PNG per edition (paper name and date) and one for the channel.

Chinese is drawn in Noto Sans CJK SC, which installs with the project (the
``manimgx-fonts-cjk`` package, SIL Open Font License 1.1), so covers look the same on
every machine. Should that font be missing, a system CJK font is looked for; without
any, the cover shows the date and the paper's name in pinyin in Pillow's own font: a
build never fails for lack of a font. The same inputs give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import glob
import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from audiopaper.fsutil import atomic_write_bytes, kept_derived

COVER_SIZE = 1400
BACKGROUND = (158, 27, 27)  # newsprint masthead red
INK = (255, 248, 236)
FAINT = (236, 190, 170)

_FONT_GLOBS = (
    "/usr/share/fonts/**/NotoSansCJK*",
    "/usr/share/fonts/**/NotoSerifCJK*",
    "/usr/share/fonts/**/SourceHan*",
    "/usr/share/fonts/**/wqy*",
    "/usr/share/fonts/**/DroidSansFallback*",
    "/usr/local/share/fonts/**/*CJK*",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti*.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)

PACKAGED_FONT = "NotoSansCJK-VF.otf.ttc"
WEIGHT = b"Bold"  # in a variable font (the packaged one starts at Thin)

AnyFont = ImageFont.FreeTypeFont | ImageFont.ImageFont | ImageFont.TransposedFont
FontChoice = Path | None | Literal["auto"]


@dataclass(frozen=True)
class _Line:
    text: str
    size: int
    color: tuple[int, int, int]
    y: int  # the line's vertical centre


@functools.cache
def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs, or None: the packaged Noto Sans CJK first,
    then fontconfig, then common paths."""
    for candidate in (*_packaged_font(), *_fontconfig_fonts(), *_known_fonts()):
        if candidate.is_file():
            return candidate
    return None


def _packaged_font() -> list[Path]:
    try:
        import manimgx_fonts_cjk
    except ImportError:
        return []
    return [Path(manimgx_fonts_cjk.__file__).parent / PACKAGED_FONT]


def _fontconfig_fonts() -> list[Path]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.strip().rstrip(":") for line in listed.splitlines() if line.strip()}
    return [Path(f) for f in sorted(files)]


def _known_fonts() -> list[Path]:
    return [Path(f) for pattern in _FONT_GLOBS for f in sorted(glob.glob(pattern, recursive=True))]


def _load(font_path: Path | None, size: int) -> AnyFont:
    if font_path is None:
        return ImageFont.load_default(size=size)
    face = ImageFont.truetype(str(font_path), size, index=_simplified_face(font_path))
    with contextlib.suppress(OSError, ValueError):  # not a variable font
        if WEIGHT in face.get_variation_names():
            face.set_variation_by_name(WEIGHT)
    return face


@functools.cache
def _simplified_face(font_path: Path) -> int:
    """In a font collection, the face for Simplified Chinese (``… SC``) if there is one."""
    if font_path.suffix.lower() != ".ttc":
        return 0
    for index in range(10):
        try:
            family = ImageFont.truetype(str(font_path), 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC") or family.endswith("SC"):
            return index
    return 0


def _resolve(choice: FontChoice) -> Path | None:
    return find_cjk_font() if choice == "auto" else choice


def render_cover(lines: Sequence[tuple[str, int, tuple[int, int, int]]], font: FontChoice) -> bytes:
    """A square PNG with ``lines`` (text, font size, colour) stacked in the middle; a
    line too wide for the page is drawn smaller."""
    font_path = _resolve(font)
    image = Image.new("RGB", (COVER_SIZE, COVER_SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = COVER_SIZE // 14
    draw.rectangle(
        (margin // 2, margin // 2, COVER_SIZE - margin // 2, COVER_SIZE - margin // 2),
        outline=FAINT,
        width=6,
    )
    for line in _stack(lines):
        face = _fit(draw, line.text, line.size, font_path, COVER_SIZE - 2 * margin)
        draw.text((COVER_SIZE // 2, line.y), line.text, font=face, fill=line.color, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _stack(lines: Sequence[tuple[str, int, tuple[int, int, int]]]) -> list[_Line]:
    gap = COVER_SIZE // 20
    heights = [size for _, size, _ in lines]
    top = (COVER_SIZE - sum(heights) - gap * (len(lines) - 1)) // 2
    stacked = []
    for text, size, color in lines:
        stacked.append(_Line(text, size, color, top + size // 2))
        top += size + gap
    return stacked


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: int, font_path: Path | None, width: int
) -> AnyFont:
    face = _load(font_path, size)
    while size > 12 and draw.textlength(text, font=face) > width:
        size = size * 9 // 10
        face = _load(font_path, size)
    return face


def edition_cover(paper: str, date: dt.date, edition_id: str, font: FontChoice = "auto") -> bytes:
    """The edition's cover: paper name, date and 有声版 (or pinyin and ASCII without a
    CJK font)."""
    if _resolve(font) is not None:
        lines = [
            ("有声版", 90, FAINT),
            (paper, 230, INK),
            (f"{date.year}年{date.month}月{date.day}日", 110, INK),
        ]
    else:
        lines = [
            ("AUDIO EDITION", 80, FAINT),
            (ascii_name(paper), 170, INK),
            (date.isoformat(), 130, INK),
            (edition_id if edition_id != date.isoformat() else "", 60, FAINT),
        ]
    return render_cover([line for line in lines if line[0]], font)


def channel_cover(title: str, font: FontChoice = "auto") -> bytes:
    if _resolve(font) is not None:
        lines = [(title, 230, INK), ("每日有声报纸", 100, FAINT)]
    else:
        lines = [(ascii_name(title), 170, INK), ("AUDIOPAPER", 100, FAINT)]
    return render_cover(lines, font)


def ascii_name(name: str) -> str:
    """A Latin rendering of a Chinese name (pinyin in capitals), for fonts without CJK."""
    if name.isascii():
        return name
    try:
        from audiopaper.frontend.phrases import prepare

        prepare(name)
        from pypinyin import lazy_pinyin
    except ImportError:
        syllables = [name]
    else:
        syllables = lazy_pinyin(name)
    latin = " ".join(syllables).upper()
    return "".join(ch for ch in latin if ch.isascii()).strip() or "AUDIOPAPER"


def kept_edition_cover(folder: Path, paper: str, date: dt.date, edition_id: str) -> bytes:
    """``edition_cover``, drawn once and kept in ``folder`` (the build's cache): the same
    words, font and drawing code make the same bytes, so a rebuild reads them (drawing
    took 0.15 s of a one-sentence rebuild's 1.5). A damaged copy is drawn again."""
    return kept_derived(
        f"cover-{_drawing_key(paper, date.isoformat(), edition_id)}",
        ".png",
        lambda: edition_cover(paper, date, edition_id),
        folder=folder,
    )


def kept_channel_cover(title: str) -> bytes:
    """``channel_cover``, drawn once per title and kept in the program cache: every
    build rewrites the feed, and drawing took 0.09 s of a one-sentence rebuild."""
    return kept_derived(f"show-cover-{_drawing_key(title)}", ".png", lambda: channel_cover(title))


def _drawing_key(*words: str) -> str:
    """What makes a drawing's bytes: its words, the font, Pillow and this module."""
    import hashlib

    from PIL import __version__ as pillow

    font = find_cjk_font()
    font_id = "none"
    if font is not None:
        stat = font.stat()
        font_id = f"{font}\0{stat.st_size}\0{stat.st_mtime_ns}"
    key = hashlib.sha256()
    for part in (*words, font_id, pillow):
        key.update(part.encode("utf-8") + b"\0")
    key.update(Path(__file__).read_bytes())  # the drawing itself
    return key.hexdigest()[:32]


def write_edition_cover(
    path: Path, paper: str, date: dt.date, edition_id: str, font: FontChoice = "auto"
) -> Path:
    atomic_write_bytes(path, edition_cover(paper, date, edition_id, font))
    return path


def write_channel_cover(path: Path, title: str, font: FontChoice = "auto") -> Path:
    atomic_write_bytes(path, channel_cover(title, font))
    return path
