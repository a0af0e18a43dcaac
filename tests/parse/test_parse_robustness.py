"""Weird pages: the parser answers with an Edition or an AudiopaperError, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiopaper.errors import AudiopaperError, ParseError
from audiopaper.parse import parse_page

TODAY = dt.date(2024, 5, 1)


@pytest.mark.parametrize("text", ["", "   \n\n  ", "。，、！？……——", "***\n---\n###", "【】《》“”"])
@pytest.mark.parametrize("fmt", ["auto", "text", "markdown"])
def test_no_readable_text_is_a_parse_error(text: str, fmt: str) -> None:
    with pytest.raises(ParseError, match="no readable text") as caught:
        parse_page(text, fmt=fmt, today=TODAY)
    assert caught.value.hint


def test_unknown_format_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="format"):
        parse_page("正文。", fmt="pdf", today=TODAY)


def test_no_headline_is_one_article_titled_from_its_first_sentence() -> None:
    page = "第一段正文，没有标题。\n\n第二段正文。\n\n现场照片。 记者 王五 摄"
    edition = parse_page(page, fmt="text", paper="江城晚报", today=TODAY)
    (article,) = edition.articles
    assert article.title == "第一段正文，没有标题"
    assert article.title_is_derived
    assert [note for note in edition.notes if "no headline" in note]
    assert [p.text for p in article.paragraphs] == ["第一段正文，没有标题。", "第二段正文。"]
    assert article.captions == ("现场照片。 记者 王五 摄",)


def test_only_captions_and_bylines_are_still_read() -> None:
    edition = parse_page("本报记者 张三\n\n现场照片。 记者 王五 摄", fmt="text", today=TODAY)
    (article,) = edition.articles
    assert article.paragraphs


@pytest.mark.parametrize(
    ("page", "expected_in_body", "not_in_body"),
    [
        ("<h1>标题甲</h1>\n\n<p>正文<b>加粗</b>一段。</p>", "正文加粗一段。", "<"),
        ("标题甲\n\n正文里有 **星号** 和 [链接](http://x) 。", "**星号**", None),
        ("标题甲\n\n今天天气真好😀，大家都来了🎉。", "😀", None),
        ("标题甲\n\n罕见字𠀀𪚥𰻞出现在正文里。", "𰻞", None),
        ("标题甲\n\n正文<script>alert(1)</script>结束。", "正文alert(1)结束。", "script"),
    ],
)
def test_odd_content_in_a_plain_page(
    page: str, expected_in_body: str, not_in_body: str | None
) -> None:
    edition = parse_page(page, fmt="text", today=TODAY)
    body = "".join(a.body_text for a in edition.articles)
    assert expected_in_body in body
    if not_in_body:
        assert not_in_body not in body


def test_twenty_thousand_characters_without_punctuation() -> None:
    page = "标题甲\n\n" + "滨江区沿江步道晨练市民很多" * 1600
    edition = parse_page(page, fmt="text", today=TODAY)
    body = "".join(a.body_text for a in edition.articles)
    assert len(body) == 13 * 1600


def test_twenty_thousand_characters_alone_get_a_short_title() -> None:
    edition = parse_page("滨江" * 10_000, fmt="text", today=TODAY)
    (article,) = edition.articles
    assert len(article.paragraphs[0].text) == 20_000
    assert len(article.title) <= 30


def test_many_short_lines() -> None:
    page = "\n\n".join(f"短行{i}" for i in range(500))
    edition = parse_page(page, fmt="text", today=TODAY)
    assert edition.articles


_PIECES = ["本报记者 张三", "(下转2版)", "记者 李四 摄", "## ", "# ", "\n\n\n\n", "😀", "1", "２"]
_alphabet = st.sampled_from(
    [
        *"滨江日报区政府本报讯记者摄下转上接版第次年月日，。！？、：；“”（）()——…#*[]<>-_ \n\n\n",
        *_PIECES,
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_alphabet, max_size=120).map("".join), st.sampled_from(["auto", "text", "markdown"])
)
def test_never_crashes(text: str, fmt: str) -> None:
    try:
        edition = parse_page(text, fmt=fmt, today=TODAY)
    except AudiopaperError:
        return
    assert edition.articles
    for article in edition.articles:
        assert article.title.strip()
        assert all("\n" not in p.text for p in article.paragraphs)


def test_masthead_on_one_line_gives_paper_and_date() -> None:
    import datetime as dt

    from audiopaper.parse import parse_page

    text = "滨江日报 2024年3月18日 星期一\n\n新区开工五个项目\n\n本报记者 王明\n\n新区今天开工。\n"
    edition = parse_page(text, today=dt.date(2030, 1, 1))
    assert edition.paper == "滨江日报"
    assert edition.date == dt.date(2024, 3, 18)
    assert edition.articles[0].title == "新区开工五个项目"
