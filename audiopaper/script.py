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
    greeting = f"这里是{edition.paper}，{date.year}年{date.month}月{date.day}日。"
    greeting += disclosure.strip()
    by_page = contents_by_page(edition)
    if by_page:
        contents = f"本期共有{count}篇报道。{by_page}"
    else:
        titles = "；".join(article.title for article in edition.articles)
        contents = f"本期共有{count}篇报道：{titles}。"
    return [
        Line(greeting, Role.INTRO, None, 0, Pause.PARAGRAPH),
        Line(contents, Role.INTRO, None, 1, Pause.ARTICLE),
    ]


def contents_by_page(edition: Edition) -> str:
    """`第一版 要闻：A；B。第三版 经济：C。` when the articles come from several pages."""
    pages = [article.page for article in edition.articles]
    if len({page for page in pages if page is not None}) < 2:
        return ""
    groups: list[tuple[int | None, str | None, list[str]]] = []
    for article in edition.articles:
        if not groups or groups[-1][0] != article.page:
            groups.append((article.page, article.page_name, []))
        groups[-1][2].append(article.title)
    parts = []
    for page, name, titles in groups:
        label = f"第{chinese_number(page)}版" if page is not None else "其他版面"
        label += f" {name}" if name else ""
        parts.append(f"{label}：{'；'.join(titles)}。")
    return "".join(parts)


def chinese_number(value: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 24 → 二十四, 100 and more as digits are read."""
    digits = "零一二三四五六七八九"
    if value < 10:
        return digits[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return "".join(digits[int(d)] for d in str(value))


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
