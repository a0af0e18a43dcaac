"""What the edition says, in order: the opening with a spoken table of contents, each
article (lead-in, headline, sub-headlines, body; captions are never read), the closing.

Text stays as printed here; the segment stage normalizes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from audiopaper.models import Edition, Pause, Role

OPENING_CHAPTER_TITLE = "开篇：本期导读"


@dataclass(frozen=True)
class Line:
    """One paragraph-level unit of the script."""

    text: str
    role: Role
    article_index: int | None  # None for the opening and the closing
    paragraph_index: int
    pause_after: Pause


def edition_script(edition: Edition, disclosure: str = "") -> list[Line]:
    """The edition's lines; ``disclosure`` (that a synthetic voice reads) is said once,
    right after the greeting, unless it is empty."""
    lines = _opening(edition, disclosure)
    for index in range(len(edition.articles)):
        lines.extend(_article_lines(edition, index))
    lines.append(_closing(edition))
    return lines


def _opening(edition: Edition, disclosure: str) -> list[Line]:
    date = edition.date
    count = len(edition.articles)
    titles = "；".join(article.title for article in edition.articles)
    greeting = (
        f"这里是{edition.paper}，{date.year}年{date.month}月{date.day}日。{disclosure.strip()}"
    )
    contents = f"本期共有{count}篇报道：{titles}。"
    return [
        Line(greeting, Role.INTRO, None, 0, Pause.PARAGRAPH),
        Line(contents, Role.INTRO, None, 1, Pause.ARTICLE),
    ]


def _article_lines(edition: Edition, index: int) -> list[Line]:
    article = edition.articles[index]
    # A lead-in ending in —— runs into the headline; slogan banners are not read.
    lead_ins = [k.rstrip("—").strip() for k in article.kicker if k.rstrip().endswith("——")]
    headline = "——".join([*lead_ins, article.title]) if lead_ins else article.title
    heading = [*([] if article.title_is_derived else [headline]), *article.subtitles]
    lines = [
        Line(text, Role.HEADLINE, index, number, Pause.PARAGRAPH)
        for number, text in enumerate(heading)
    ]
    for number, paragraph in enumerate(article.paragraphs, start=len(heading)):
        role = Role.HEADLINE if paragraph.is_subhead else Role.BODY
        lines.append(Line(paragraph.text, role, index, number, Pause.PARAGRAPH))
    if lines:
        last = lines[-1]
        lines[-1] = Line(
            last.text, last.role, last.article_index, last.paragraph_index, Pause.ARTICLE
        )
    return lines


def _closing(edition: Edition) -> Line:
    text = f"以上就是本期{edition.paper}的全部内容，感谢收听。"
    return Line(text, Role.INTRO, None, 2, Pause.ARTICLE)
