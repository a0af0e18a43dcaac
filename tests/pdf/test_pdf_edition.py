"""Typeset PDF pages read back: articles, headlines, bylines, order, captions and running
heads kept out of the text, the jumped story joined, the table of contents by page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from editions import BRIDGE, BRIDGE_MORE, EXPECTED, THREE_PAGES, body_of
from typeset import typeset

from audiopaper.pages import read_edition
from audiopaper.script import edition_script

TODAY = dt.date(2030, 1, 1)


def read(*paths: Path):  # type: ignore[no-untyped-def]
    return read_edition(list(paths), today=TODAY)


def test_the_typeset_articles_come_back_exactly(three_pages: Path) -> None:
    result = read(three_pages)
    edition = result.edition
    assert edition.paper == "滨河晨报"
    assert edition.date == dt.date(2025, 6, 9)
    assert result.notes == ()
    got = [(a.page, a.title, a.byline) for a in edition.articles]
    assert got == [(page, story.headline, byline) for page, story, byline in EXPECTED]
    for article, (_, story, _) in zip(edition.articles, EXPECTED, strict=True):
        more = (BRIDGE_MORE,) if story is BRIDGE else ()
        paragraphs = [(p.text, p.is_subhead) for p in article.paragraphs]
        assert paragraphs == body_of(story, *more), story.headline
        assert article.kicker == ((story.kicker,) if story.kicker else ())
        assert article.subtitles == ((story.subtitle,) if story.subtitle else ())
        assert article.captions == ((story.photo_caption,) if story.photo_caption else ())
        assert not article.title_is_derived


def test_captions_running_heads_and_jump_lines_are_never_read(three_pages: Path) -> None:
    edition = read(three_pages).edition
    text = "\n".join(p.text for a in edition.articles for p in a.paragraphs)
    for never in (
        "摄",
        "资料图片",
        "第1版",
        "要闻",
        "本版编辑",
        "新闻热线",
        "第8123期",
        "下转",
        "上接",
    ):
        assert never not in text, never
    assert "星期一" not in text


def test_pages_are_ordered_by_their_running_head_not_their_file_names(three_pages: Path) -> None:
    names = sorted(p.name for p in three_pages.iterdir())
    assert names == ["a.pdf", "b.pdf", "c.pdf"]  # a.pdf holds page 3
    edition = read(three_pages / "c.pdf", three_pages / "a.pdf", three_pages / "b.pdf").edition
    assert [a.page for a in edition.articles] == [1, 1, 1, 2, 2, 2, 3, 3]
    assert [a.page_name for a in edition.articles][::3] == ["要闻", "城事", "经济"]


def test_a_glob_reads_the_same_edition(three_pages: Path) -> None:
    by_glob = read(Path(str(three_pages / "*.pdf"))).edition
    assert by_glob.articles == read(three_pages).edition.articles


def test_the_table_of_contents_goes_page_by_page(three_pages: Path) -> None:
    opening = edition_script(read(three_pages).edition)[1].text
    assert opening == (
        "本期共有8篇报道。"
        "第一版 要闻：滨河大桥今日正式通车；老街菜场完成改造；夜间公交线路再添三条。"
        "第二版 城事：社区食堂开到家门口；暑期托管班开始报名；让城市慢下来。"
        "第三版 经济：本地茶叶出口创新高；工业园区新增两家科技企业。"
    )


def test_a_jump_whose_page_is_missing_stays_with_a_note(three_pages: Path) -> None:
    result = read(three_pages / "b.pdf", three_pages / "c.pdf")
    bridge = result.edition.articles[0]
    assert bridge.title == BRIDGE.headline
    assert [p.text for p in bridge.paragraphs] == [t for t, _ in body_of(BRIDGE)]
    assert len(result.notes) == 1 and "page 3" in result.notes[0]


def test_a_continuation_on_a_text_page_joins_a_pdf_article(
    three_pages: Path, tmp_path: Path
) -> None:
    text_page = tmp_path / "page3.txt"
    text_page.write_text(
        "第3版 经济\n\n\n滨河大桥今日通车\n\n（上接1版）\n\n"
        "据介绍，大桥通车后，两岸交通压力将明显减轻。\n\n\n"
        "本地茶叶出口创新高\n\n本报记者 钱塘\n\n海关数据显示，茶叶出口增长明显。\n",
        encoding="utf-8",
    )
    result = read(three_pages / "b.pdf", text_page, three_pages / "c.pdf")
    titles = [(a.page, a.title) for a in result.edition.articles]
    assert titles == [(page, story.headline) for page, story, _ in EXPECTED if page < 3] + [
        (3, "本地茶叶出口创新高")
    ]
    assert (
        result.edition.articles[0].paragraphs[-1].text
        == "据介绍，大桥通车后，两岸交通压力将明显减轻。"
    )
    assert result.notes == ()


def test_one_pdf_holding_all_pages(tmp_path: Path) -> None:
    path = tmp_path / "edition.pdf"
    typeset(list(reversed(THREE_PAGES)), path)
    edition = read(path).edition
    assert [(a.page, a.title) for a in edition.articles] == [
        (page, story.headline) for page, story, _ in EXPECTED
    ]


def test_a_single_text_page_reads_as_before(tmp_path: Path) -> None:
    from audiopaper.parse import parse_page

    page = Path(__file__).resolve().parents[2] / "examples" / "binjiang-daily-2024-03-18.txt"
    from audiopaper.read import read_text

    before = parse_page(read_text(page), today=TODAY, source=page)
    assert read(page).edition == before
    assert all(a.page is None for a in before.articles)
    assert re.match(r"本期共有\d+篇报道：", edition_script(before)[1].text)


def test_text_and_markdown_pages_give_the_edition_its_name_and_date(tmp_path: Path) -> None:
    first = tmp_path / "b.md"
    first.write_text(
        "# 江城晚报 2024年5月6日\n\n## 新区开工五个重点项目\n\n新区集中开工五个项目。\n",
        encoding="utf-8",
    )
    second = tmp_path / "a.txt"
    second.write_text(
        "第2版 文体\n\n\n社区图书馆延长开放时间\n\n本报记者 林一\n\n图书馆每天开放到晚上九点。\n",
        encoding="utf-8",
    )
    edition = read(second, first).edition
    assert (edition.paper, edition.date) == ("江城晚报", dt.date(2024, 5, 6))
    assert [(a.page, a.title) for a in edition.articles] == [
        (2, "社区图书馆延长开放时间"),  # 第2版 from its running head
        (None, "新区开工五个重点项目"),  # no page number anywhere: after the numbered pages
    ]
