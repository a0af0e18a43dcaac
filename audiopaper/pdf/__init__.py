"""pdf: newspaper PDF pages → typed layout blocks → articles.

The seam, in two calls:

- ``read_pdf(paths) -> list[PdfPage]``: every page of the given PDF files, each with its
  blocks in reading order, typed by layout (headline, kicker, subtitle, byline, body,
  subhead, caption, jump, running head…) and what its running head says (page number,
  section name, paper, date line). Running heads repeated across the pages of all files
  are recognized together.
- ``page_articles(page) -> list[PagedArticle]``: a page's articles (the project's
  ``Article``), with the page number and the jumps that ``continued.py`` joins.

``glyphs.py`` reads the file (pdfminer.six), ``layout.py`` builds lines, blocks and the
reading order, ``kinds.py`` types the blocks, ``articles.py`` groups them into articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiopaper.continued import PagedArticle
from audiopaper.errors import InputError
from audiopaper.pdf import articles as _articles
from audiopaper.pdf.glyphs import MAX_PAGES, RawPage, is_pdf, read_glyphs
from audiopaper.pdf.kinds import Kind, PageFacts, Typed, classify, repeated_edges
from audiopaper.pdf.layout import Block, reading_order, unordered_blocks

__all__ = ["MAX_PAGES", "Kind", "PdfPage", "Typed", "is_pdf", "page_articles", "read_pdf"]


@dataclass(frozen=True)
class PdfPage:
    source: Path
    index: int  # 1-based within its file
    blocks: tuple[Typed, ...]  # in reading order
    facts: PageFacts

    @property
    def number(self) -> int | None:
        """The page number its running head prints (第3版), if any."""
        return self.facts.number

    @property
    def label(self) -> str:
        return f"page {self.index} of {self.source.name}"


def read_pdf(paths: Sequence[Path], *, max_pages: int = MAX_PAGES) -> list[PdfPage]:
    """Read and type every page of ``paths`` (raises ``InputError`` naming a bad page)."""
    raw_pages: list[RawPage] = []
    for path in paths:
        raw_pages += read_glyphs(Path(path), max_pages=max_pages)
        if len(raw_pages) > max_pages:
            raise InputError(
                f"the PDFs given hold more than {max_pages} pages (up to {Path(path).name})",
                hint="a day's paper has far fewer; give only the pages to read",
            )
    laid_out: list[tuple[float, list[Block]]] = [
        (raw.height, reading_order(_checked(raw, unordered_blocks(raw.glyphs, raw.pictures))))
        for raw in raw_pages
    ]
    repeated = repeated_edges(laid_out)
    pages = []
    for raw, (height, blocks) in zip(raw_pages, laid_out, strict=True):
        typed, facts = classify(blocks, height, repeated)
        pages.append(PdfPage(raw.source, raw.index, tuple(typed), facts))
    return pages


MAX_BLOCKS = 5000  # separate pieces of text on a page; a newspaper page has a few hundred


def _checked(raw: RawPage, blocks: list[Block]) -> list[Block]:
    if len(blocks) > MAX_BLOCKS:
        raise InputError(
            f"{raw.label} is cut into {len(blocks)} separate pieces of text, more than a "
            f"newspaper page ({MAX_BLOCKS})",
            hint="give the paper's own page PDFs",
        )
    return blocks


def page_articles(page: PdfPage, number: int | None = None) -> list[PagedArticle]:
    """The page's articles; ``number`` overrides the page number its running head gives."""
    return _articles.page_articles(
        list(page.blocks), number if number is not None else page.number, page.facts.name
    )
