"""read: a page file's bytes → clean text.

Decoding, in order: a BOM (UTF-8, UTF-16 LE/BE, UTF-32), strict UTF-8, then the GB family
(GB2312 and GBK are subsets of GB18030, so GB18030 decodes all three) and Big5. Big5 bytes
usually also decode "cleanly" as GB18030 — into nonsense — so when both decode, the one whose
text holds more of the commonest Chinese characters wins; on a tie GB18030 wins.

Cleaning, in order: line endings → ``\\n``; tabs → a space; U+3000 and no-break spaces → a
space; zero-width characters and control characters removed; full-width digits, Latin letters
and ASCII symbols (``０-９``, ``Ａ-ｚ``, ``％``, ``＋`` …) → half-width. Chinese punctuation
that drives sentence splitting (``，。：；！？（）“”``) is kept as printed: the parser
accepts both ``（）`` and ``()``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from audiopaper.errors import InputError
from audiopaper.fsutil import TooLarge, read_bounded
from audiopaper.kept_regex import compile_kept

MAX_PAGE_BYTES = 32 * 2**20  # a page's text is well under 1 MB

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Frequent characters in both scripts; Big5 read as GB18030 (or the reverse) rarely hits them.
_COMMON_HANZI = frozenset(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报叫完马"
    "們個來這時國為會說還對發動經過後開現問進實應點樣當從學種義與長華書員電體裡"
)
_CJK = compile_kept(r"[\u3400-\u9fff\uf900-\ufaff]")

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# bidi overrides and isolates (U+202E turns a title around on screen): never meant text
_ZERO_WIDTH += "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_KEEP_FULL_WIDTH = "，。：；！？（）"  # sentence and clause punctuation the parser relies on
_CONTROL = compile_kept(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = compile_kept(r"\r\n?|[\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")


def _width_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0xFF01, 0xFF5F):
        char = chr(code)
        if char not in _KEEP_FULL_WIDTH:
            table[code] = chr(code - 0xFEE0)
    for char in _ZERO_WIDTH:
        table[ord(char)] = None
    for char in "\t\u3000\u00a0\u202f\u2007":
        table[ord(char)] = " "
    return table


_TRANSLATE = _width_table()
_SAMPLE_BYTES = 65536
_HINT_BINARY = "give a plain-text page (UTF-8 is safest) or a Markdown file"


def read_text(path: Path) -> str:
    """Read a page file and return clean text with ``\\n`` line endings."""
    path = Path(path)
    data = _read_bytes(path)
    text = clean_text(_decode(data, path))
    if not text.strip():
        raise InputError(f"{path.name} is empty", hint="the page file has no text in it")
    return text


def clean_text(text: str) -> str:
    """Normalize line endings, spaces, widths; drop control and zero-width characters."""
    text = _LINE_BREAKS.sub("\n", text)
    text = text.translate(_TRANSLATE)
    return _CONTROL.sub("", text)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"cannot read {path}: no such file", hint="check the page's path")
    if path.is_dir():
        raise InputError(f"cannot read {path}: it is a folder", hint="give a page file")
    try:
        return read_bounded(path, MAX_PAGE_BYTES)
    except TooLarge:
        raise InputError(
            f"cannot read {path}: larger than {MAX_PAGE_BYTES // 2**20} MB (is it a page?)",
            hint="give one page's text; a device or endless stream is not a page",
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read {path}: {reason}", hint="check its permissions") from exc


def _decode(data: bytes, path: Path) -> str:
    if not data.strip():
        raise InputError(f"{path.name} is empty", hint="the page file has no text in it")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, codec, path)
    if _looks_binary(data):
        raise _undecodable(path, "looks binary")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _decode_chinese_legacy(data)
    if text is None:
        raise _undecodable(path, "invalid in every encoding tried")
    return text


def _decode_with_bom(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read {path.name}: it starts like {codec.upper()} but is not valid {codec}",
            hint="re-save the page as UTF-8",
        ) from exc


def _decode_chinese_legacy(data: bytes) -> str | None:
    """GB18030 (covering GB2312/GBK), else Big5; the likelier text when both decode.

    The choice is made on the first 64 KB, so a large page is decoded once, not twice.
    """
    sample = data[:_SAMPLE_BYTES]
    gb = _try_decode(sample, "gb18030", final=len(data) <= _SAMPLE_BYTES)
    big5 = _try_decode(sample, "big5", final=len(data) <= _SAMPLE_BYTES)
    order = ["gb18030", "big5"]
    if gb is None or (big5 is not None and _common_share(big5) > _common_share(gb)):
        order.reverse()
    for codec in order:
        text = _try_decode(data, codec)
        if text is not None:
            return text
    return None


def _try_decode(data: bytes, codec: str, *, final: bool = True) -> str | None:
    try:
        return codecs.getincrementaldecoder(codec)().decode(data, final=final)
    except UnicodeDecodeError:
        return None


def _common_share(text: str) -> float:
    hanzi = _CJK.findall(text)
    if not hanzi:
        return 0.0
    return sum(1 for char in hanzi if char in _COMMON_HANZI) / len(hanzi)


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\x0c\x1b")
    return controls > max(8, len(sample) // 100)


def _undecodable(path: Path, why: str) -> InputError:
    return InputError(
        f"cannot read {path.name}: not UTF-8, UTF-16 or GB18030 text ({why})",
        hint=_HINT_BINARY,
    )
