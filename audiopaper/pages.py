"""Several pages → one edition.

The inputs are files, folders (their .pdf, .txt and .md files) or glob patterns (when no
such file exists: ``'pages/*.pdf'``). PDF files are read by layout (``audiopaper.pdf``);
text and Markdown pages by the text parser. Pages are put in order by the page number their
running head prints (`第3版`, `3版`), else one in the file name (`p03.pdf`, `A3.txt`, a date
aside), else as given; then continued articles are joined (``continued.py``).

A single text page reads exactly as before: no page numbers, the same edition.
"""

from __future__ import annotations

import datetime as dt
import glob
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from audiopaper.continued import PagedArticle, join_continued, take_markers
from audiopaper.errors import InputError
from audiopaper.kept_regex import compile_kept
from audiopaper.models import Article, Edition

PAGE_SUFFIXES = (".pdf", ".txt", ".text", ".md", ".markdown")
_GLOB_CHARS = compile_kept(r"[*?\[]")
_DATE_IN_NAME = compile_kept(r"(?:19|20)\d{2}[-_.]?\d{1,2}[-_.]?\d{1,2}")
_NUMBER = compile_kept(r"(\d{1,3})")
_RUNNING_PAGE = compile_kept(r"第\s*([0-9一二三四五六七八九十]{1,4})\s*版")
_NATURAL = compile_kept(r"(\d+)")
_NO_DATE = dt.date.min
_RUNNING_HEAD_MAX = 40  # characters
_HEAD_LINES = 6  # lines at the top of a text page where its page number may be printed


@dataclass(frozen=True)
class PageEdition:
    """The pages read, in order, and what the reader noticed."""

    edition: Edition
    notes: tuple[str, ...] = ()


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given, a folder's page files, a glob's matches; in natural name order."""
    files: list[Path] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES),
                key=_natural_key,
            )
            if not found:
                raise InputError(
                    f"the folder {path} holds no pages", hint="put .pdf, .txt or .md pages in it"
                )
            files += found
        elif not path.exists() and _GLOB_CHARS.search(str(given)):
            matches = sorted((Path(m) for m in glob.glob(str(given))), key=_natural_key)
            matches = [m for m in matches if m.is_file()]
            if not matches:
                raise InputError(f"no page matches {given}", hint="check the pattern")
            files += matches
        else:
            files.append(path)
    seen: set[Path] = set()
    unique = []
    for file in files:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part for part in _NATURAL.split(path.name)]


def read_edition(
    inputs: Sequence[Path],
    *,
    fmt: str = "auto",
    paper: str | None = None,
    date: dt.date | None = None,
    today: dt.date,
) -> PageEdition:
    """Read every page and make one edition of them."""
    from audiopaper.parse import parse_page
    from audiopaper.pdf import is_pdf
    from audiopaper.read import read_text

    files = expand_inputs(inputs)
    pdf_files = [f for f in files if f.suffix.lower() == ".pdf" or is_pdf(f)]
    if len(files) == 1 and not pdf_files:
        text = read_text(files[0])
        edition = parse_page(text, fmt=fmt, paper=paper, date=date, today=today, source=files[0])
        return PageEdition(edition)
    pages: list[_Page] = []
    pdf_pages = _pdf_pages(pdf_files, files)
    for position, file in enumerate(files):
        if file in pdf_pages:
            pages += pdf_pages[file]
        else:
            pages.append(_text_page(file, position, fmt))
    return _combine(pages, files, paper, date, today)


@dataclass(frozen=True)
class _Page:
    articles: list[PagedArticle]
    number: int | None
    order: tuple[int, int]  # (argument position, page within the file)
    paper: str | None
    date: dt.date | None


def _pdf_pages(files: list[Path], given: list[Path]) -> dict[Path, list[_Page]]:
    """The PDF pages by file. A page whose running head prints no number takes the one in
    its file's name (a file of one page) or its place in the file (the only file given)."""
    if not files:
        return {}
    from audiopaper.parse.masthead import find_date
    from audiopaper.pdf import page_articles, read_pdf

    result: dict[Path, list[_Page]] = {}
    read = read_pdf(files)
    pages_per_file = Counter(page.source for page in read)
    for page in read:
        number = page.number
        if number is None and pages_per_file[page.source] == 1:
            number = _number_in_name(page.source)
        elif number is None and len(given) == 1:
            number = page.index
        found_date, _ = find_date(page.facts.dateline)
        items = page_articles(page, number)
        position = given.index(page.source)
        result.setdefault(page.source, []).append(
            _Page(items, number, (position, page.index), page.facts.paper, found_date)
        )
    return result


def _text_page(path: Path, position: int, fmt: str) -> _Page:
    """A text or Markdown page through the text parser; the paper and date it names (its
    masthead or Markdown title) count for the edition."""
    from audiopaper.parse import DEFAULT_PAPER, parse_page
    from audiopaper.read import read_text

    text = read_text(path)
    head = [line.strip() for line in text.split("\n") if line.strip()][:_HEAD_LINES]
    number = _number_in_head(head)
    if number is None:
        number = _number_in_name(path)
    if fmt == "auto" and path.suffix.lower() in (".md", ".markdown"):
        fmt = "markdown"
    # Parsed with an impossible "today" and no file name, so a date found is the page's own.
    edition = parse_page(_without_running_head(text), fmt=fmt, today=_NO_DATE, source=None)
    paper = edition.paper if edition.paper != DEFAULT_PAPER else None
    date = edition.date if edition.date != _NO_DATE else None
    items = _text_jumps(text, list(edition.articles), number)
    return _Page(items, number, (position, 1), paper, date)


def _number_in_head(lines: list[str]) -> int | None:
    from audiopaper.continued import page_number

    for line in lines:
        match = _RUNNING_PAGE.search(line)
        if match and _is_running_head(line):
            return page_number(match.group(1))
    return None


def _without_running_head(text: str) -> str:
    """The page without its running-head lines (`第3版 经济`) at the top: page furniture, not
    a headline. The masthead and everything else stay for the parser."""
    lines = text.split("\n")
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _HEAD_LINES:
            break
        if _is_running_head(line):
            lines[index] = ""
    return "\n".join(lines)


def _is_running_head(line: str) -> bool:
    line = line.strip()
    return (
        len(line) <= _RUNNING_HEAD_MAX
        and bool(_RUNNING_PAGE.search(line))
        and take_markers(line).text == line
        and not line.endswith(("。", "！", "？"))
    )


def _number_in_name(path: Path) -> int | None:
    stem = _DATE_IN_NAME.sub(" ", path.stem)
    numbers = _NUMBER.findall(stem)
    return int(numbers[-1]) if numbers else None


def _text_jumps(text: str, articles: list[Article], page: int | None) -> list[PagedArticle]:
    """Where a text page's jump markers point, given to the article printed above them."""
    from audiopaper.continued import JUMP

    anchors = [_anchor(text, article) for article in articles]
    onward: dict[int, int] = {}
    back: dict[int, int] = {}
    for match in JUMP.finditer(text):
        markers = take_markers(match.group(0))
        owner = max(
            (i for i, at in enumerate(anchors) if at is not None and at <= match.start()),
            key=lambda i: anchors[i] or 0,
            default=None,
        )
        if owner is None:
            continue
        if markers.jump_to is not None:
            onward[owner] = markers.jump_to
        if markers.continued_from is not None:
            back[owner] = markers.continued_from
    return [
        PagedArticle(article, page, None, onward.get(i), back.get(i))
        for i, article in enumerate(articles)
    ]


def _anchor(text: str, article: Article) -> int | None:
    probes = [] if article.title_is_derived else [article.title]
    probes += [p.text[:12] for p in article.paragraphs[:1]]
    found = [text.find(probe) for probe in probes if probe]
    found = [at for at in found if at >= 0]
    return min(found) if found else None


def _combine(
    pages: list[_Page], files: list[Path], paper: str | None, date: dt.date | None, today: dt.date
) -> PageEdition:
    from audiopaper.parse import DEFAULT_PAPER
    from audiopaper.parse.masthead import date_in_file_name

    ordered = sorted(pages, key=lambda p: (p.number is None, p.number or 0, p.order))
    items = [item for page in ordered for item in page.articles]
    joined, notes = join_continued(items)
    articles = tuple(
        replace(item.article, page=item.page, page_name=item.page_name) for item in joined
    )
    if not articles:
        raise InputError(
            f"no articles found in the pages given ({files[0].name} …)",
            hint="are these a paper's pages?",
        )
    edition_paper = paper or next((p.paper for p in ordered if p.paper), None) or DEFAULT_PAPER
    edition_date = (
        date
        or next((p.date for p in ordered if p.date), None)
        or next((d for f in files if (d := date_in_file_name(f.name))), None)
    )
    edition = Edition(edition_paper, edition_date or today, articles, files[0])
    return PageEdition(edition, tuple(notes))
