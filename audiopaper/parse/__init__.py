"""parse: a page's text → an ``Edition`` of articles.

``parse_page`` picks the format, runs the plain-text page heuristics (``plain.py``) or the
Markdown reader (``markdown.py``), then settles the paper name and date:

- paper: the ``paper`` argument, else the Markdown ``#`` title without its date, else a
  masthead at the top of a plain page (``滨江日报`` over ``2024年3月18日 星期一``) or a running
  head (``人民日报 2026年5月15日 星期五 第2版 要闻``); with none of them the paper is not
  named (``UNNAMED_PAPER``, never a made-up name) and the edition carries a note asking for
  ``--paper``;
- date: the ``date`` argument, else the date in the Markdown title, the masthead or a running
  head, else a date in the source file's name (``…-2024-03-18.txt``), else ``today`` — with a
  note asking for ``--date``.

A page in which no headline at all is found becomes one article titled from its first
sentence, holding all its text, with a note saying so: bad structure never fails a build.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from audiopaper.errors import ParseError
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Article, Edition, Paragraph
from audiopaper.parse.blocks import Block, Layout
from audiopaper.parse.draft import Draft, title_from_body
from audiopaper.parse.markdown import parse_markdown
from audiopaper.parse.masthead import Masthead, date_in_file_name, paper_from_title
from audiopaper.parse.plain import parse_blocks, parse_plain

__all__ = [
    "DEFAULT_PAPER",
    "FORMATS",
    "UNNAMED_PAPER",
    "Block",
    "Layout",
    "edition_from_blocks",
    "parse_blocks",
    "parse_page",
]

UNNAMED_PAPER = "未署名报纸"  # said when nothing names the paper: honest, not invented
DEFAULT_PAPER = UNNAMED_PAPER  # the older name, still used by the multi-page reader
FORMATS = ("auto", "text", "markdown")
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_READABLE = compile_kept(r"[^\W_]")  # a letter, digit or Chinese character
_MARKDOWN_ARTICLE = compile_kept(r"^##\s+\S", re.MULTILINE)


def parse_page(
    text: str,
    *,
    fmt: str = "auto",
    paper: str | None = None,
    date: dt.date | None = None,
    today: dt.date,
    source: Path | None = None,
) -> Edition:
    """Find the articles of a page; see the module docstring for names and dates."""
    name = source.name if source else "the page"
    if not _READABLE.search(text):
        raise ParseError(
            f"no readable text in {name}",
            hint="the page holds only punctuation or symbols; is it the right file?",
        )
    chosen = detect_format(text, fmt, source)
    if chosen == "markdown":
        page = parse_markdown(text)
        found_paper, found_date = paper_from_title(page.title) if page.title else (None, None)
        drafts = page.drafts
    else:
        plain = parse_plain(text)
        found_paper, found_date = plain.masthead.paper, plain.masthead.date
        drafts = plain.drafts
    found = Masthead(_clean(paper) or found_paper, date or found_date or _date_from_source(source))
    return _edition(drafts, found, today, source, text)


def edition_from_blocks(
    blocks: list[Block],
    *,
    paper: str | None = None,
    date: dt.date | None = None,
    today: dt.date,
    source: Path | None = None,
) -> Edition:
    """An edition from a page given as layout blocks (a PDF reader's), hints honoured."""
    page = parse_blocks(blocks)
    found = Masthead(
        _clean(paper) or page.masthead.paper,
        date or page.masthead.date or _date_from_source(source),
    )
    text = "\n\n".join(block.text for block in blocks)
    return _edition(page.drafts, found, today, source, text)


def _edition(
    drafts: list[Draft], found: Masthead, today: dt.date, source: Path | None, text: str
) -> Edition:
    name = source.name if source else "the page"
    notes = _missing_names(found.paper, found.date)
    articles, headless = _articles(drafts, text)
    if headless:
        notes.append(
            f"no headline found in {name}: read as one article titled from its first sentence"
        )
    return Edition(
        found.paper or UNNAMED_PAPER, found.date or today, articles, source, tuple(notes)
    )


def _missing_names(paper: str | None, date: dt.date | None) -> list[str]:
    """One note when the page names no paper or no date (never a made-up name)."""
    missing = [what for what, value in (("paper", paper), ("date", date)) if value is None]
    if not missing:
        return []
    flags = " and ".join(f"--{what}" for what in missing)
    fallback = f"the paper is called {UNNAMED_PAPER}" if paper is None else ""
    if date is None:
        fallback += (" and " if fallback else "") + "the edition is dated today"
    return [
        f"the page names no {' and no '.join(missing)} (no masthead or running head): "
        f"{fallback}; pass {flags}"
    ]


def detect_format(text: str, fmt: str, source: Path | None) -> str:
    if fmt not in FORMATS:
        raise ParseError(f"unknown page format {fmt!r}", hint="use auto, text or markdown")
    if fmt != "auto":
        return fmt
    if source is not None and source.suffix.lower() in _MARKDOWN_SUFFIXES:
        return "markdown"
    first = next((line for line in text.split("\n") if line.strip()), "")
    if first.lstrip().startswith("# ") or _MARKDOWN_ARTICLE.search(text):
        return "markdown"
    return "text"


def _articles(drafts: list[Draft], text: str) -> tuple[tuple[Article, ...], bool]:
    """The articles, and whether the page had no headline at all."""
    with_body = [d for d in drafts if d.paragraphs or d.title]
    if any(d.title for d in with_body):
        return tuple(_built(d) for d in with_body), False
    # no headline anywhere: one article titled from its first sentence
    paragraphs = [p for d in with_body for p in d.paragraphs] or _all_lines(text)
    captions = [c for d in drafts for c in d.captions]
    byline = next((d.byline for d in with_body if d.byline), None)
    article = Article(
        title_from_body(paragraphs),
        tuple(paragraphs),
        byline=byline,
        captions=tuple(captions),
        title_is_derived=True,
        opened_by="no headline on the page: the whole page is one article",
    )
    return (article,), True


def _built(draft: Draft) -> Article:
    if not draft.opened_by:  # a Markdown page says where each article starts
        draft.opened_by = "a Markdown heading" if draft.title else "text before the first heading"
    return draft.build()


def _all_lines(text: str) -> list[Paragraph]:
    """Last resort when every line was taken for a caption or byline: read them all."""
    return [Paragraph(" ".join(line.split())) for line in text.split("\n") if line.strip()]


def _date_from_source(source: Path | None) -> dt.date | None:
    return date_in_file_name(source.name) if source is not None else None


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None
