"""Markdown pages: headings, bylines, inline syntax, captions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiopaper.models import Edition
from audiopaper.parse import UNNAMED_PAPER, detect_format, parse_page
from audiopaper.parse.markdown import join_wrapped, strip_inline

TODAY = dt.date(2024, 5, 1)


def parse_md(text: str, **options: object) -> Edition:
    return parse_page(text, fmt="markdown", today=TODAY, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("**加粗**与*强调*", "加粗与强调"),
        ("__加粗__和_强调_", "加粗和强调"),
        ("snake_case_name 不变", "snake_case_name 不变"),
        ("见[通知全文](https://example.org/a)。", "见通知全文。"),
        ("见[通知][1]。", "见通知。"),
        ("前![现场照片](photo.jpg)后", "前后"),
        ("运行`audiopaper build`命令", "运行audiopaper build命令"),
        ("<b>粗体</b>和<br/>换行", "粗体和换行"),
        ("网址<https://example.org>", "网址https://example.org"),
        ("~~删除~~保留", "删除保留"),
        ("转义\\*星号\\*", "转义*星号*"),
        ("A&amp;B", "A&B"),
        ("2\\*3 与 a*b", "2*3 与 a*b"),
    ],
)
def test_inline_syntax_is_stripped(written: str, plain: str) -> None:
    assert strip_inline(written) == plain


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["线路全长16.8公里，", "沿途设站21个。"], "线路全长16.8公里，沿途设站21个。"),
        (["the quick", "brown fox"], "the quick brown fox"),
        (["使用 Python", "语言"], "使用 Python语言"),
    ],
)
def test_soft_wrapped_lines_are_joined(lines: list[str], joined: str) -> None:
    assert join_wrapped(lines) == joined


# (page, expected [(title, byline, [(paragraph, is_subhead)], captions)])
CASES = {
    "byline-labels": (
        "# 报\n\n## 甲\n\n作者：张三\n\n正文一。\n\n## 乙\n\n记者: 李四 王五\n\n正文二。\n\n"
        "## 丙\n\n本报记者 赵六\n\n正文三。",
        [
            ("甲", "作者 张三", [("正文一。", False)], ()),
            ("乙", "记者 李四 王五", [("正文二。", False)], ()),
            ("丙", "本报记者 赵六", [("正文三。", False)], ()),
        ],
    ),
    "byline-line-inside-a-paragraph": (
        "## 甲\n记者：张三\n正文第一行，\n接着第二行。",
        [("甲", "记者 张三", [("正文第一行，接着第二行。", False)], ())],
    ),
    "dateline": (
        "## 甲\n\n本报讯（记者 张三）3月1日，正文。",
        [("甲", "记者 张三", [("3月1日，正文。", False)], ())],
    ),
    "subheads": (
        "## 甲\n\n导语。\n\n### 小标题\n\n正文。\n\n#### 更小 ####\n\n再正文。",
        [
            (
                "甲",
                None,
                [
                    ("导语。", False),
                    ("小标题", True),
                    ("正文。", False),
                    ("更小", True),
                    ("再正文。", False),
                ],
                (),
            )
        ],
    ),
    "lists-quotes-rules": (
        "## 甲\n\n- 第一项\n- 第二项\n1. 第三项\n\n> 引用的话。\n\n---\n\n结尾。",
        [
            (
                "甲",
                None,
                [
                    ("第一项", False),
                    ("第二项", False),
                    ("第三项", False),
                    ("引用的话。", False),
                    ("结尾。", False),
                ],
                (),
            )
        ],
    ),
    "captions": (
        "## 甲\n\n![照片](a.jpg)\n\n图：市民在站台乘车。\n\n> 图片：江边夜景。\n\n"
        "正文。\n\n3月1日，工人在施工。 李华 摄\n\n(新华社发)",
        [
            (
                "甲",
                None,
                [("正文。", False)],
                (
                    "图：市民在站台乘车。",
                    "图片：江边夜景。",
                    "3月1日，工人在施工。 李华 摄",
                    "(新华社发)",
                ),
            )
        ],
    ),
    "jump-marker-and-comment": (
        "## 甲\n\n正文。(下转2版)\n\n<!-- 编辑备注 -->\n\n[1]: https://example.org",
        [("甲", None, [("正文。", False)], ())],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_markdown_structure(name: str) -> None:
    page, expected = CASES[name]
    edition = parse_md(page)
    found = [
        (a.title, a.byline, [(p.text, p.is_subhead) for p in a.paragraphs], a.captions)
        for a in edition.articles
    ]
    assert found == expected


@pytest.mark.parametrize(
    ("title_line", "paper", "date"),
    [
        ("# 滨江日报 2024年3月19日", "滨江日报", dt.date(2024, 3, 19)),
        ("# 滨江日报 · 2024-03-19 星期二", "滨江日报", dt.date(2024, 3, 19)),
        ("# 滨江日报", "滨江日报", TODAY),
        ("# 2024年3月19日", UNNAMED_PAPER, dt.date(2024, 3, 19)),
        ("## 只有文章", UNNAMED_PAPER, TODAY),
    ],
)
def test_paper_and_date_from_the_title(title_line: str, paper: str, date: dt.date) -> None:
    edition = parse_md(f"{title_line}\n\n## 标题\n\n正文。")
    assert (edition.paper, edition.date) == (paper, date)


def test_arguments_win_over_the_title() -> None:
    edition = parse_md(
        "# 滨江日报 2024年3月19日\n\n## 标题\n\n正文。", paper="江城晚报", date=TODAY
    )
    assert (edition.paper, edition.date) == ("江城晚报", TODAY)


def test_text_before_the_first_article_is_a_headless_article() -> None:
    edition = parse_md("# 滨江日报\n\n今日导读：本期共三篇。\n\n## 标题\n\n正文。")
    assert [a.title for a in edition.articles] == ["今日导读：本期共三篇", "标题"]


def test_no_article_headings_is_one_article_titled_from_its_first_sentence() -> None:
    edition = parse_md("# 滨江日报 2024年3月19日\n\n第一段。\n\n第二段。")
    assert [(a.title, len(a.paragraphs)) for a in edition.articles] == [("第一段", 2)]
    assert any("no headline" in note for note in edition.notes)


@pytest.mark.parametrize(
    ("text", "fmt", "source", "chosen"),
    [
        ("# 报\n\n正文。", "auto", None, "markdown"),
        ("\n\n# 报\n正文。", "auto", None, "markdown"),
        ("导语。\n\n## 标题\n\n正文。", "auto", None, "markdown"),
        ("标题\n\n正文。", "auto", None, "text"),
        ("#话题 标签\n\n正文。", "auto", None, "text"),
        ("标题\n\n正文。", "auto", Path("page.md"), "markdown"),
        ("标题\n\n正文。", "auto", Path("page.MARKDOWN"), "markdown"),
        ("# 报\n\n正文。", "text", None, "text"),
        ("标题\n\n正文。", "markdown", None, "markdown"),
    ],
)
def test_format_detection(text: str, fmt: str, source: Path | None, chosen: str) -> None:
    assert detect_format(text, fmt, source) == chosen
