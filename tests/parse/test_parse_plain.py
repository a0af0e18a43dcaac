"""The plain-page rules, one small page each."""

from __future__ import annotations

import datetime as dt

import pytest

from audiopaper.models import Article
from audiopaper.parse import UNNAMED_PAPER, parse_page
from audiopaper.parse.lines import Kind, classify

TODAY = dt.date(2024, 5, 1)


def articles(page: str) -> list[Article]:
    return list(parse_page(page, fmt="text", today=TODAY).articles)


def shape(page: str) -> list[tuple[str, str | None, list[str]]]:
    """(title, byline, paragraphs with subheads marked ##)."""
    return [
        (a.title, a.byline, [("## " if p.is_subhead else "") + p.text for p in a.paragraphs])
        for a in articles(page)
    ]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("本报记者 熊辉", Kind.BYLINE),
        ("本报记者 赵一鸣 何小舟", Kind.BYLINE),
        ("记者 张三 通讯员 李四", Kind.BYLINE),
        ("□ 本报评论员 王五", Kind.BYLINE),
        ("江明远", Kind.AUTHOR),
        ("欧阳 明华", Kind.AUTHOR),
        ("惠民生 强基层 促发展", Kind.HEADING),
        ("从一条河到一座城——", Kind.HEADING),
        ("区政府召开第21次常务会议", Kind.HEADING),
        ("黄祖英调研文旅公司、区林业局时强调", Kind.HEADING),
        ("3月16日，小读者挑选图书。 记者 何小舟 摄", Kind.CAPTION),
        ("工人在施工(李华 摄)", Kind.CAPTION),
        ("图为江边夜景", Kind.CAPTION),
        ("(下转2版)", Kind.JUMP),
        ("（上接第一版）", Kind.JUMP),
        ("会议还审议了有关文件。", Kind.TEXT),
        ("北碚区是传统制造业大区，仪器仪表", Kind.TEXT),
        ("他们正在进行拍摄", Kind.HEADING),
        ("”技术的研发", Kind.TEXT),
        (
            "这是一个非常非常长的没有标点的句子它超过了三十个字所以不是标题而是正文的一部分",
            Kind.TEXT,
        ),
    ],
)
def test_line_kinds(line: str, kind: Kind) -> None:
    assert classify(line).kind is kind


CASES = {
    "kicker-headline-subtitle-byline": (
        "惠民生 强基层 促发展\n\n从一条河到一座城——\n\n江岸变绿了\n\n沿江廊道建成\n\n"
        "本报记者 林晓雯\n\n正文。",
        [("江岸变绿了", "本报记者 林晓雯", ["正文。"])],
    ),
    "subhead-pair-stays-in-the-article": (
        "标题甲\n\n本报记者 张三\n\n第一段。\n\n小标题\n\n小小标题\n\n"
        "第二段。\n\n单行小标题\n\n第三段。",
        [
            (
                "标题甲",
                "本报记者 张三",
                ["第一段。", "## 小标题", "## 小小标题", "第二段。", "## 单行小标题", "第三段。"],
            )
        ],
    ),
    "dateline-opens-a-new-article": (
        "标题甲\n\n本报记者 张三\n\n第一段。\n\n"
        "标题乙\n\n副题乙说明情况\n\n本报讯(记者 李四)正文乙。",
        [("标题甲", "本报记者 张三", ["第一段。"]), ("标题乙", "记者 李四", ["正文乙。"])],
    ),
    "full-width-parens-in-dateline": (
        "标题乙\n\n本报讯（记者 李四 王五）正文乙。",
        [("标题乙", "记者 李四 王五", ["正文乙。"])],
    ),
    # a dateline naming no reporter is read as printed (real pages are checked that way)
    "dateline-without-reporter": (
        "标题乙\n\n本报讯 正文乙。",
        [("标题乙", None, ["本报讯 正文乙。"])],
    ),
    "author-under-commentary-headline": (
        "标题甲\n\n本报记者 张三\n\n第一段。\n\n评论的标题\n\n江明远\n\n评论正文。",
        [("标题甲", "本报记者 张三", ["第一段。"]), ("评论的标题", "江明远", ["评论正文。"])],
    ),
    "three-letter-subtitle-before-a-dateline-is-not-a-byline": (
        "标题乙\n\n副题乙\n\n本报讯(记者 李四)正文乙。",
        [("标题乙", "记者 李四", ["正文乙。"])],
    ),
    "three-line-group-is-a-new-article": (
        "标题甲\n\n第一段。\n\n引题一行\n\n这是主标题\n\n这是副标题\n\n正文。",
        [("标题甲", None, ["第一段。"]), ("引题一行", None, ["正文。"])],
    ),
    "big-gap-before-a-heading-opens-an-article": (
        "标题甲\n\n第一段。\n\n\n\n标题乙\n\n第二段。",
        [("标题甲", None, ["第一段。"]), ("标题乙", None, ["第二段。"])],
    ),
    "jump-marker-ends-the-article": (
        "标题甲\n\n第一段。(下转2版)\n\n另一篇的开头。",
        [("标题甲", None, ["第一段。"]), ("另一篇的开头", None, ["另一篇的开头。"])],
    ),
    "jump-marker-alone": (
        "标题甲\n\n第一段。\n\n（下转第3版）\n\n另一篇的开头。",
        [("标题甲", None, ["第一段。"]), ("另一篇的开头", None, ["另一篇的开头。"])],
    ),
    "continued-from-marker-opens-a-tail": (
        "标题甲\n\n第一段。\n\n(上接1版)别处文章的后半。",
        [("标题甲", None, ["第一段。"]), ("别处文章的后半", None, ["别处文章的后半。"])],
    ),
    "headline-after-its-body": (
        "本报讯(记者 张三)先印正文。\n\n第二段。\n\n\n\n后印的标题\n\n后印的副题\n\n\n\n"
        "下一篇评论\n\n李四\n\n正文。",
        [
            ("后印的标题", "记者 张三", ["先印正文。", "第二段。"]),
            ("下一篇评论", "李四", ["正文。"]),
        ],
    ),
    "headline-without-body-at-the-end": (
        "标题甲\n\n本报记者 张三\n\n第一段。\n\n\n\n孤立的标题",
        [("标题甲", "本报记者 张三", ["第一段。"]), ("孤立的标题", None, [])],
    ),
    "orphan-tail-after-a-cut-off": (
        "标题甲\n\n第一段。\n\n最后一段被截断，仪器\n\n仪表。\n\n别处的尾巴一段。\n\n"
        "标题乙\n\n本报讯(记者 李四)正文乙。",
        [
            ("标题甲", None, ["第一段。", "最后一段被截断，仪器仪表。"]),
            ("别处的尾巴一段", None, ["别处的尾巴一段。"]),
            ("标题乙", "记者 李四", ["正文乙。"]),
        ],
    ),
    "page-starting-with-a-tail": (
        "联动。\n\n上一篇的最后一段。\n\n标题乙\n\n本报记者 李四\n\n正文乙。",
        [
            ("联动", None, ["联动。", "上一篇的最后一段。"]),
            ("标题乙", "本报记者 李四", ["正文乙。"]),
        ],
    ),
    "broken-word-rejoined": (
        "标题甲\n\n这是一个足够长的段落，它在版面的栏尾被切断了，所以“智能巡\n\n检”这个词被拆开了。",
        [
            (
                "标题甲",
                None,
                ["这是一个足够长的段落，它在版面的栏尾被切断了，所以“智能巡检”这个词被拆开了。"],
            )
        ],
    ),
    "line-starting-with-closing-punctuation-rejoins": (
        "标题甲\n\n他说“短句\n\n”，然后结束。",
        [("标题甲", None, ["他说“短句”，然后结束。"])],
    ),
    "headline-is-never-joined-to-the-next-line": (
        "标题甲\n\n这是一个足够长的段落，它在版面的栏尾被切断了，所以后面没有标点\n\n\n\n标题乙\n\n正文乙。",
        [
            ("标题甲", None, ["这是一个足够长的段落，它在版面的栏尾被切断了，所以后面没有标点"]),
            ("标题乙", None, ["正文乙。"]),
        ],
    ),
    "caption-goes-to-the-article-before-it": (
        "标题甲\n\n第一段。\n\n现场照片。 记者 王五 摄\n\n第二段。",
        [("标题甲", None, ["第一段。", "第二段。"])],
    ),
    "credit-at-the-end-is-a-byline": (
        "标题甲\n\n第一段。\n\n最后一段。(记者 张三 通讯员 李四)\n\n"
        "标题乙\n\n本报记者 王五\n\n正文。",
        [
            ("标题甲", "记者 张三 通讯员 李四", ["第一段。", "最后一段。"]),
            ("标题乙", "本报记者 王五", ["正文。"]),
        ],
    ),
    "masthead-lines-are-not-articles": (
        "滨江日报\n\n2024年3月18日 星期一\n\n第3120期 今日8版\n\n标题甲\n\n正文。",
        [("标题甲", None, ["正文。"])],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_page_rules(name: str) -> None:
    page, expected = CASES[name]
    assert shape(page) == expected


def test_pages_with_two_blank_lines_everywhere_read_like_one_blank_line() -> None:
    for name in ("subhead-pair-stays-in-the-article", "headline-after-its-body"):
        page, expected = CASES[name]
        assert shape(page.replace("\n\n", "\n\n\n")) == expected, name


def test_captions_are_recorded_on_the_nearest_article() -> None:
    found = articles("现场照片。 记者 王五 摄\n\n标题甲\n\n正文。\n\n另一张(李华 摄)")
    assert found[0].captions == ("现场照片。 记者 王五 摄", "另一张(李华 摄)")


def test_kicker_and_subtitles_are_split() -> None:
    (article,) = articles(
        "学思想 强党性 建新功\n\n从一条河出发——\n\n这是主标题\n\n这是副标题\n\n"
        "本报记者 张三\n\n正文。"
    )
    assert article.kicker == ("学思想 强党性 建新功", "从一条河出发——")
    assert (article.title, article.subtitles) == ("这是主标题", ("这是副标题",))


@pytest.mark.parametrize(
    ("page", "paper", "date"),
    [
        ("滨江日报\n\n2024年3月18日 星期一\n\n标题\n\n正文。", "滨江日报", dt.date(2024, 3, 18)),
        ("2024年3月18日 星期一\n\n标题\n\n正文。", UNNAMED_PAPER, dt.date(2024, 3, 18)),
        ("江城晚报\n\n标题\n\n正文。", "江城晚报", TODAY),
        ("标题\n\n2024年3月18日，正文。", UNNAMED_PAPER, TODAY),
    ],
)
def test_masthead(page: str, paper: str, date: dt.date) -> None:
    edition = parse_page(page, fmt="text", today=TODAY)
    assert (edition.paper, edition.date) == (paper, date)


def test_date_from_the_file_name_when_the_page_has_none() -> None:
    from pathlib import Path

    edition = parse_page("标题\n\n正文。", today=TODAY, source=Path("江城-20240318.txt"))
    assert edition.date == dt.date(2024, 3, 18)
