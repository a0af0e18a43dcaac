"""The example pages shipped in examples/ parse as written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from parse_helpers import EXAMPLES, SAMPLE, find, need_shared, parse_file

from audiopaper.models import Edition

PLAIN = EXAMPLES / "binjiang-daily-2024-03-18.txt"
MARKDOWN = EXAMPLES / "binjiang-daily-2024-03-19.md"


@pytest.fixture(scope="module")
def plain() -> Edition:
    return parse_file(PLAIN)


@pytest.fixture(scope="module")
def markdown() -> Edition:
    return parse_file(MARKDOWN)


def test_plain_masthead_names_the_paper_and_date(plain: Edition) -> None:
    assert (plain.paper, plain.date) == ("滨江日报", dt.date(2024, 3, 18))
    assert all("第3120期" not in a.title + a.body_text for a in plain.articles)


def test_plain_articles_titles_and_bylines(plain: Edition) -> None:
    found = [(a.title, a.byline, a.subtitles, len(a.paragraphs)) for a in plain.articles]
    assert found == [
        ("滨江区全力打造沿江生态廊道", "本报记者 林晓雯", (), 9),
        ("区政府召开第21次常务会议", "记者 赵一鸣", ("研究部署春耕生产和安全生产工作",), 3),
        ("春日书香满滨江", "记者 何小舟", ("第三届“江畔读书节”开幕",), 3),
        ("高新区新增3家专精特新企业", "本报记者 赵一鸣 何小舟", (), 2),
        ("让“家门口”的服务更有温度", "江明远", (), 4),
    ]


def test_plain_kicker_and_subheads(plain: Edition) -> None:
    corridor = find(plain, "滨江区全力打造")
    assert corridor.kicker == ("惠民生 强基层 促发展", "从一条河到一座城——")
    assert [p.text for p in corridor.paragraphs if p.is_subhead] == [
        "岸线换了模样",
        "全区第一次把“一河两岸”作为整体来规划",
        "市民参与进来",
    ]
    books = find(plain, "春日书香")
    assert [p.text for p in books.paragraphs if p.is_subhead] == ["阅读空间越来越多"]


def test_plain_caption_and_jump_marker_are_not_read(plain: Edition) -> None:
    books = find(plain, "春日书香")
    assert books.captions == ("3月16日，小读者在区图书馆的城市书房里挑选图书。 记者 何小舟 摄",)
    assert books.paragraphs[-1].text.endswith("集中展陈。")
    for article in plain.articles:
        assert "下转" not in article.body_text
        assert " 摄" not in article.body_text


@pytest.mark.parametrize(
    "fragment",
    ["率先开展“无人机巡河”试点", "预计到2026年底，沿江廊道", "3月15日上午9:30，区长"],
)
def test_plain_broken_words_are_rejoined(plain: Edition, fragment: str) -> None:
    assert any(fragment in a.body_text for a in plain.articles)


def test_plain_page_keeps_its_numbers(plain: Edition) -> None:
    text = "".join(a.body_text for a in plain.articles)
    for number in ("12.6亿元", "67.5%", "2个专班", "20余名", "2019年至今", "“3355”", "12345"):
        assert number in text


def test_markdown_page(markdown: Edition) -> None:
    assert (markdown.paper, markdown.date) == ("滨江日报", dt.date(2024, 3, 19))
    found = [(a.title, a.byline) for a in markdown.articles]
    assert found == [
        ("滨江首条智慧公交线路开通", "记者 赵一鸣"),
        ("社区食堂让老人吃上热乎饭", "作者 林晓雯"),
        ("春季植树活动启动", "记者 何小舟"),
    ]
    bus = find(markdown, "滨江首条")
    assert bus.captions == ("图：3月18日，市民在站台扫码乘车。",)
    assert "16.8公里，沿途设站21个" in bus.body_text
    canteen = find(markdown, "社区食堂")
    assert [p.text for p in canteen.paragraphs if p.is_subhead] == ["从“吃得上”到“吃得好”"]
    assert "*" not in canteen.body_text and "长者食堂" in canteen.body_text
    trees = find(markdown, "春季植树")
    assert "留意防火提示，不要" in trees.body_text and "https" not in trees.body_text


def test_examples_do_not_reuse_the_sample_text() -> None:
    pieces = re.split(r"[\n。！？，；]", need_shared(SAMPLE).read_text("utf-8"))
    sample_clauses = {p.strip() for p in pieces if len(p.strip()) >= 8}
    for page in (PLAIN, MARKDOWN):
        text = page.read_text("utf-8")
        assert not [c for c in sample_clauses if c in text], page.name
