"""A PDF file → its pages' glyphs and pictures, with pdfminer.six (MIT).

Each glyph keeps its text, box, type size, font name and text render mode (fill+stroke is
how a bold face is faked when the font has none). Coordinates are turned top-down: ``top``
is the distance from the page's top edge.

A file that is not a PDF, is truncated, is locked by a password, holds too many pages, has
a page with no text layer (a scan) or with glyphs that map to no character is refused with
an ``InputError`` naming the file and the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiopaper.errors import InputError

MAX_PAGES = 200  # a day's paper, even a thick weekend one, has far fewer
MAX_GLYPHS = 200_000  # a dense broadsheet page holds some 20,000 characters
TAIL_BYTES = 2048  # where a complete PDF's %%EOF marker sits
UNMAPPED_SHARE = 0.02  # above this share of glyphs with no character, a page is garbage
BOLD_RENDER_MODES = frozenset({1, 2, 5, 6})  # stroked glyphs: drawn darker than plain fill
# Bold faces by name: Latin weights; 黑体 (Hei), 粗宋/标宋 (headline Song faces) by
# their pinyin and Founder (方正) codes: FZHTK 黑体, FZDHTK 大黑, FZXBSK 小标宋,
# FZDBSK 大标宋, FZCSK 粗宋; `SimSun,Bold`
_BOLD_FONT_WORDS = (
    "bold",
    "black",
    "heavy",
    "demi",
    "hei",
    "cusong",
    "biaosong",
    "fzht",
    "fzdht",
    "fzxbs",
    "fzdbs",
    "fzcs",
    ",b",
)
_HINT_TEXT = "give the page's text (.txt) or a PDF with a text layer"


@dataclass(frozen=True, slots=True)
class Glyph:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool


@dataclass(frozen=True, slots=True)
class Picture:
    """An image or a filled box on the page (a photo, a drawing)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class RawPage:
    source: Path
    index: int  # 1-based, within the file
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    pictures: tuple[Picture, ...]

    @property
    def label(self) -> str:
        return f"page {self.index} of {self.source.name}"


def is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def read_glyphs(path: Path, *, max_pages: int = MAX_PAGES) -> list[RawPage]:
    """Every page of a PDF file, or an ``InputError`` saying which page cannot be read."""
    data = _read_checked(path)
    return list(_pages(path, data, max_pages))


def _read_checked(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read {path}: {reason}", hint="check its path") from exc
    if b"%PDF-" not in data[:1024]:
        raise InputError(
            f"{path.name} is not a PDF (it has no %PDF header)",
            hint="give a PDF page, a plain-text page or a Markdown file",
        )
    if b"%%EOF" not in data[-TAIL_BYTES:]:
        raise InputError(
            f"{path.name} is truncated (the PDF has no end-of-file marker)",
            hint="download the page again",
        )
    return data


def _pages(path: Path, data: bytes, max_pages: int) -> Iterator[RawPage]:
    import io

    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    document = _open_document(path, io.BytesIO(data))
    count = _page_count(document)
    if count > max_pages:
        raise InputError(
            f"{path.name} has {count} pages, more than the {max_pages} a paper's edition may have",
            hint="split it, or give only the pages to read",
        )
    resources = PDFResourceManager(caching=True)
    device = _GlyphDevice(resources)
    interpreter = PDFPageInterpreter(resources, device)
    index = 0
    pages = PDFPage.create_pages(document)
    while True:
        index += 1
        label = f"page {index} of {path.name}"
        try:
            page = next(pages)
        except StopIteration:
            break
        except Exception as exc:
            raise _damaged(label, exc) from exc
        try:
            device.begin()
            interpreter.process_page(page)
        except Exception as exc:
            raise _damaged(label, exc) from exc
        raw = device.finish(path, index)
        _check_text_layer(raw)
        yield raw
    if index == 1:
        raise InputError(f"{path.name} has no pages", hint=_HINT_TEXT)


def _open_document(path: Path, stream: Any) -> Any:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError
    from pdfminer.pdfparser import PDFParser

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        return PDFDocument(PDFParser(stream))
    except PDFEncryptionError as exc:
        raise InputError(
            f"{path.name} is encrypted (it needs a password to open)",
            hint="save an unlocked copy (e.g. qpdf --decrypt) and give that",
        ) from exc
    except Exception as exc:
        raise InputError(
            f"{path.name} is a damaged PDF ({type(exc).__name__}: {_short(exc)})",
            hint="download the page again",
        ) from exc


def _page_count(document: Any) -> int:
    from pdfminer.pdftypes import resolve1

    try:
        pages = resolve1(document.catalog.get("Pages"))
        return int(resolve1(pages.get("Count", 0)))
    except Exception:
        return 0  # counted while reading instead


def _damaged(label: str, exc: Exception) -> InputError:
    return InputError(
        f"{label} cannot be read: the PDF is damaged ({type(exc).__name__}: {_short(exc)})",
        hint="download the page again",
    )


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:80] + ("…" if len(text) > 80 else "")


def _check_text_layer(page: RawPage) -> None:
    if len(page.glyphs) > MAX_GLYPHS:
        raise InputError(
            f"{page.label} holds {len(page.glyphs)} characters, more than a newspaper page "
            f"({MAX_GLYPHS})",
            hint="give the paper's own page PDFs",
        )
    visible = [g for g in page.glyphs if not g.text.isspace()]
    if not visible:
        what = "it is an image (a scan?)" if page.pictures else "it is blank"
        raise InputError(
            f"{page.label} has no text layer: {what}",
            hint="run OCR on it first (e.g. ocrmypdf), leave that page out, or " + _HINT_TEXT,
        )
    unmapped = sum(1 for g in visible if is_unmapped(g.text))
    if unmapped > max(3, UNMAPPED_SHARE * len(visible)):
        raise InputError(
            f"{page.label} has {unmapped} of {len(visible)} glyphs that map to no character "
            "(its fonts lack a ToUnicode table or use private-use codes)",
            hint="export the PDF again with text that can be copied, or " + _HINT_TEXT,
        )


def is_unmapped(text: str) -> bool:
    """pdfminer's `(cid:N)`, U+FFFD, or a private-use code point."""
    if text.startswith("(cid:") or "\ufffd" in text:
        return True
    return any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 for c in text)


def _is_bold_font(name: str) -> bool:
    lowered = name.lower().split("+")[-1]  # drop a subset prefix (ABCDEF+Name)
    return any(word in lowered for word in _BOLD_FONT_WORDS)


class _GlyphDevice:
    """A pdfminer device that keeps glyphs and pictures, nothing else (no layout pass)."""

    def __new__(cls, resources: Any) -> Any:  # built lazily: pdfminer is imported on use
        from pdfminer.converter import PDFLayoutAnalyzer

        class Device(PDFLayoutAnalyzer):  # type: ignore[misc]
            def __init__(self, rsrcmgr: Any) -> None:
                super().__init__(rsrcmgr, pageno=1, laparams=None)
                self.render_mode = 0
                self.glyphs: list[Glyph] = []
                self.hidden: list[Glyph] = []
                self.pictures: list[Picture] = []
                self.height = 0.0
                self.width = 0.0

            def begin(self) -> None:
                self.glyphs = []
                self.hidden = []
                self.pictures = []

            def begin_page(self, page: Any, ctm: Any) -> None:
                super().begin_page(page, ctm)
                # the page as shown (a /Rotate turns it): its box in device space
                self.width = float(self.cur_item.width)
                self.height = float(self.cur_item.height)

            def render_string(self, textstate: Any, seq: Any, ncs: Any, gs: Any) -> None:
                self.render_mode = textstate.render
                super().render_string(textstate, seq, ncs, gs)

            def render_char(self, matrix: Any, font: Any, fontsize: float, *rest: Any) -> float:
                from pdfminer.layout import LTChar

                sink = _Sink()
                self.cur_item = sink  # type: ignore[assignment]
                advance: float = super().render_char(matrix, font, fontsize, *rest)
                char = sink.item
                if isinstance(char, LTChar):
                    self._keep(char)
                return advance

            def _keep(self, char: Any) -> None:
                x0, y0, x1, y1 = char.bbox
                # 3: invisible text, the layer OCR lays over a scan: used only when the
                # page has no visible text
                kept = self.hidden if self.render_mode == 3 else self.glyphs
                kept.append(
                    Glyph(
                        char.get_text(),
                        x0,
                        self.height - y1,
                        x1,
                        self.height - y0,
                        round(char.size, 1),
                        char.fontname,
                        self.render_mode in BOLD_RENDER_MODES or _is_bold_font(char.fontname),
                    )
                )

            def render_image(self, name: Any, stream: Any) -> None:
                x0, y0, x1, y1 = _image_box(self.ctm)
                self.pictures.append(Picture(x0, self.height - y1, x1, self.height - y0))

            def paint_path(
                self, gstate: Any, stroke: Any, fill: Any, evenodd: Any, path: Any
            ) -> None:
                pass  # rules and boxes are not needed to read the page

            def begin_figure(self, name: Any, bbox: Any, matrix: Any) -> None:
                self._figure_depth = getattr(self, "_figure_depth", 0) + 1

            def end_figure(self, _: Any) -> None:
                self._figure_depth -= 1

            def end_page(self, page: Any) -> None:
                pass

            def finish(self, path: Path, index: int) -> RawPage:
                width = self.width
                visible = any(not g.text.isspace() for g in self.glyphs)
                return RawPage(
                    path,
                    index,
                    width,
                    float(self.height),
                    tuple(self.glyphs if visible else self.hidden),
                    tuple(self.pictures),
                )

        return Device(resources)


class _Sink:
    """Stands in for pdfminer's layout container: catches the one glyph just rendered."""

    item: Any = None

    def add(self, item: Any) -> None:
        self.item = item


def _image_box(ctm: Any) -> tuple[float, float, float, float]:
    """An image fills the unit square under the current transform."""
    a, b, c, d, e, f = ctm
    xs = [e, e + a, e + c, e + a + c]
    ys = [f, f + b, f + d, f + b + d]
    return min(xs), min(ys), max(xs), max(ys)
