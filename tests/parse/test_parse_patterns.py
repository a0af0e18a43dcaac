"""The structures real papers print, one invented page each (no newspaper text is copied)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from audiopaper.models import Article, Edition
from audiopaper.parse import UNNAMED_PAPER, parse_blocks, parse_page
from audiopaper.parse.blocks import Block, Layout, blocks_from_text

TODAY = dt.date(2024, 5, 1)


def edition(page: str) -> Edition:
    return parse_page(page, fmt="text", today=TODAY)


def page_of(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def read_text(article: Article) -> str:
    """What is read of an article: headline, subtitles and paragraphs (never captions)."""
    return "".join([article.title, *article.subtitles, *(p.text for p in article.paragraphs)])


def titles(page: str) -> list[str]:
    return [a.title for a in edition(page).articles]


def test_quoted_numbered_and_dash_ended_subheads_stay_in_their_story() -> None:
    page = page_of(
        "山村里的新课堂",
        "本报记者 林 远",
        "清晨，山里的学校响起了读书声。",
        "“孩子们的笑声就是最好的回答”",
        "老师说，这几年变化很大。",
        "看点一：课程更丰富，活动更多样",
        "学校开设了书法和编程课。",
        "（一）硬件补上了短板",
        "新的教学楼今年投入使用。",
        "把每一间教室都办好——",
        "教室里装上了新的灯具。",
    )
    (story,) = edition(page).articles
    assert story.title == "山村里的新课堂" and story.byline == "本报记者 林 远"
    assert "新的教学楼今年投入使用。" in story.body_text


def test_questions_and_answers_stay_in_the_interview() -> None:
    page = page_of(
        "把棋下到孩子心里",
        "——访一位退役的围棋教练",
        "本报记者 周 青",
        "问：您为什么选择回到家乡？",
        "答：因为这里的孩子需要有人教。",
        "问：接下来有什么打算？",
        "答：办一所免费的棋社。",
    )
    (story,) = edition(page).articles
    assert story.subtitles == ("——访一位退役的围棋教练",)
    assert story.paragraphs[-1].text == "答：办一所免费的棋社。"


def test_closing_datelines_and_author_notes_end_a_story_and_are_read() -> None:
    page = page_of(
        "远方的港口",
        "本报记者 许 帆",
        "货轮在清晨靠岸，码头一片忙碌。",
        "（本报海港5月3日电）",
        "读一本书的三种方式",
        "程 远",
        "读书先要读进去，再要读出来。",
        "（作者为某大学中文系教师）",
        "社区食堂开张了",
        "老人们在新食堂吃上了热乎饭。",
        "（李小川）",
    )
    stories = edition(page).articles
    assert [s.title for s in stories] == ["远方的港口", "读一本书的三种方式", "社区食堂开张了"]
    assert [s.byline for s in stories] == ["本报记者 许 帆", "程 远", "李小川"]
    assert stories[0].paragraphs[-1].text == "（本报海港5月3日电）"
    assert stories[1].paragraphs[-1].text == "（作者为某大学中文系教师）"
    assert stories[2].opened_by == "the story before it has ended"


def test_wire_datelines_give_the_byline_and_open_a_story() -> None:
    page = page_of(
        "新桥今日通车",
        "江城日报江城5月2日电 （记者 高 山、李 水）新桥今天正式通车。",
        "市民纷纷前来参观。",
        "湖畔书市开幕",
        "新华社湖城5月2日电 湖畔书市今天开幕，持续一周。",
    )
    first, second = edition(page).articles
    assert first.byline == "记者 高 山、李 水" and first.paragraphs[0].text == "新桥今天正式通车。"
    assert second.byline is None
    assert second.paragraphs[0].text.startswith("新华社湖城5月2日电")  # read as printed
    assert second.opened_by == "a dateline follows the headline"


def test_an_author_credited_at_the_end_of_a_second_story_splits_them() -> None:
    page = page_of(
        "城市书房遍地开花",
        "本报记者 王 晴",
        "城里新开了十家城市书房。",
        "书房里常常坐满了人。",
        "安静也是一种力量 阅读需要空间",
        "有人说，书房最好的装饰是读者。",
        "愿每个人都能找到自己的角落。",
        "（本报记者 赵 田）",
    )
    first, second = edition(page).articles
    assert (first.title, first.byline) == ("城市书房遍地开花", "本报记者 王 晴")
    assert (second.title, second.byline) == ("安静也是一种力量 阅读需要空间", "本报记者 赵 田")
    assert "有人说" not in first.body_text


def test_editor_lines_running_heads_and_page_numbers_are_not_read() -> None:
    page = page_of(
        "江城日报 2024年4月9日 星期二 第2版 要闻",
        "小巷里的修鞋铺",
        "本报记者 钱 明",
        "修鞋铺开了三十年，街坊们都认识老周。",
        "— 2 —",
        "本版责编：张 三 李 四  版式设计：王 五",
    )
    found = edition(page)
    assert (found.paper, found.date, found.notes) == ("江城日报", dt.date(2024, 4, 9), ())
    (story,) = found.articles
    for unread in ("责编", "版式", "第2版", "— 2 —"):
        assert unread not in read_text(story)


def test_a_line_of_several_numbers_is_text_not_a_page_number() -> None:
    page = page_of("小巷里的修鞋铺", "本报记者 钱 明", "取件码是：", "1 2 3", "4 5 6", "— 2 —")
    (story,) = edition(page).articles
    assert "1 2 3" in read_text(story) and "4 5 6" in read_text(story)
    assert "— 2 —" not in read_text(story)


def test_captions_with_credits_and_uncredited_caption_blocks_are_not_read() -> None:
    page = page_of(
        "茶园里的春天",
        "本报通讯员 何 叶",
        "茶农在茶园里采摘新茶。",
        "新茶在竹匾上晾晒。 以上图片均为本报记者 江 水摄",
        "谷雨前后，山坡上的茶园一片翠绿。今年的春茶长势喜人。",
        "工人在车间包装茶叶。 李小林摄（影像中国）",
        "茶叶加工厂里机器轰鸣，工人们正在忙着分拣。",
        "制茶师傅在炒茶。 新华社记者 丁 一摄",
        "资料图片",
    )
    (story,) = edition(page).articles
    text = read_text(story)
    for caption in ("采摘新茶", "竹匾", "包装茶叶", "炒茶", "资料图片", "摄"):
        assert caption not in text, caption
    assert len(story.captions) == 5
    assert story.paragraphs[0].text.startswith("谷雨前后")


def test_kickers_subtitles_and_column_tags_leave_the_main_headline_as_title() -> None:
    page = page_of(
        "春耕大会在江城举行——",
        "田野里的新农具",
        "——记一位返乡青年的创业路",
        "本报记者 孔 禾",
        "正文一。",
        "省长在春耕会议上强调",
        "抓好春播 稳住粮仓",
        "本报江城5月2日电 （记者 冯 田）正文二。",
        "读书贵在得法（书边随笔）",
        "葛 文",
        "正文三。",
        "从小学到大学",
        "城里孩子的读书路",
        "本报记者 冯 田",
        "正文四。",
    )
    stories = edition(page).articles
    assert [s.title for s in stories] == [
        "田野里的新农具",
        "抓好春播 稳住粮仓",
        "读书贵在得法（书边随笔）",
        "从小学到大学",
    ]
    assert stories[0].kicker == ("春耕大会在江城举行——",)
    assert stories[0].subtitles == ("——记一位返乡青年的创业路",)
    assert stories[1].kicker == ("省长在春耕会议上强调",)
    assert stories[2].byline == "葛 文"


def test_a_roundup_reads_each_item_under_its_own_headline_in_order() -> None:
    page = page_of(
        "开篇的报道",
        "本报记者 石 木",
        "正文。",
        "（本报江城5月2日电）",
        "各地快讯",
        "东湖上新添了一座漂亮的人行桥",
        "东湖日报东湖5月2日电 （记者 甲 乙）新桥连通了两岸。",
        "西山景区开放夜游",
        "西山晚报西山5月2日电 （记者 丙 丁）景区推出夜游线路。",
    )
    stories = edition(page).articles
    assert [s.title for s in stories] == [
        "开篇的报道",
        "东湖上新添了一座漂亮的人行桥",
        "西山景区开放夜游",
    ]
    assert stories[1].kicker == ("各地快讯",)  # the roundup's name: not read
    assert [s.byline for s in stories[1:]] == ["记者 甲 乙", "记者 丙 丁"]


def test_pdf_text_wrapped_cut_at_a_column_end_and_running_heads() -> None:
    paragraph_one = (
        "这是一篇被排在两栏里的报道，它的第一段很长，在栏尾被切断了，后半段印在下一栏的顶上。"
    )
    paragraph_two = "第二段说明了事情的经过，同样是完整的一句话，它也排成了好几行，然后结束。"
    wrapped = "\n".join(paragraph_one[i : i + 14] for i in range(0, 28, 14))
    rest = "\n".join(paragraph_one[i : i + 14] for i in range(28, len(paragraph_one), 14))
    page = page_of(
        "江城晚报 2024年4月9日 星期二 第3版",
        "两栏里的报道",
        "本报记者 张 帆",
        wrapped,
        "江城晚报 2024年4月9日 星期二 第4版",
        rest,
        "\n".join(paragraph_two[i : i + 14] for i in range(0, len(paragraph_two), 14)),
    )
    found = edition(page)
    assert (found.paper, found.date) == ("江城晚报", dt.date(2024, 4, 9))
    (story,) = found.articles
    assert [p.text for p in story.paragraphs] == [paragraph_one, paragraph_two]


def test_a_page_with_no_headline_is_one_article_titled_from_its_first_sentence() -> None:
    found = edition(page_of("今天风很大，出门记得添衣。", "明天会晴。"))
    (article,) = found.articles
    assert article.title == "今天风很大，出门记得添衣" and article.title_is_derived
    assert found.paper == UNNAMED_PAPER
    assert len(found.notes) == 2 and "--paper" in found.notes[0]
    assert "no headline" in found.notes[1]


def test_layout_hints_are_honoured_over_text_guesses() -> None:
    blocks = [
        Block("引题在上", layout=Layout.KICKER, font_size=12),
        Block("版面说这是标题", layout=Layout.HEADLINE, font_size=24),
        Block("一行正文模样的副题", layout=Layout.SUBTITLE, font_size=14),
        Block("本报记者 秦 川", layout=Layout.BYLINE),
        Block("版面说这一段是正文。", layout=Layout.BODY),
        Block("这句像说明。 记者 王 五 摄", layout=Layout.BODY),
        Block("江城日报 2024年4月9日", layout=Layout.RUNNING_HEAD, page=3),
    ]
    page = parse_blocks(blocks)
    (draft,) = page.drafts
    assert draft.title == "版面说这是标题"
    assert (draft.kicker, draft.subtitles) == (["引题在上"], ["一行正文模样的副题"])
    assert draft.opened_by == "the layout marks a headline"
    assert page.masthead.date == dt.date(2024, 4, 9)
    assert [p.text for p in draft.paragraphs][-1] == "这句像说明。 记者 王 五 摄"


def test_blocks_rejoin_only_runs_wrapped_at_one_width() -> None:
    wrapped = "一二三四五六七八九十甲乙\n丙丁戊己庚辛壬癸子丑寅卯\n辰巳午未。"
    assert [b.text for b in blocks_from_text(wrapped)] == [
        "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未。"
    ]
    free = (
        "第一段很长很长很长很长很长很长很长。\n短段。\n第三段也比较长一些，但是长度不同于第一段。"
    )
    assert len(blocks_from_text(free)) == 3


def test_a_headline_printed_after_its_body_goes_back_to_it() -> None:
    page = page_of(
        "江边的早市",
        "本报记者 石 川",
        "天刚亮，江边的早市就热闹起来。",
        "本报记者 叶 舟",
        "新修的图书馆今天对市民开放。",
        "馆里藏书二十万册。",
        "图书馆开门迎客",
        "山里的学校通了网",
        "本报记者 田 禾",
        "孩子们第一次上了网课。",
    )
    stories = edition(page).articles
    assert [(s.title, s.byline) for s in stories] == [
        ("江边的早市", "本报记者 石 川"),
        ("图书馆开门迎客", "本报记者 叶 舟"),
        ("山里的学校通了网", "本报记者 田 禾"),
    ]
    assert stories[1].paragraphs[-1].text == "馆里藏书二十万册。"
    assert "printed after its body" in stories[1].opened_by


def test_plan_json_says_why_each_article_was_opened(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(page_of("标题甲", "本报记者 张三", "正文。"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "audiopaper", "plan", str(page), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    (article,) = plan["articles"]
    assert article["opened_by"] == "a byline follows the headline"
    assert {"title", "subtitles", "byline", "captions", "segments"} <= set(article)
    assert "--paper" in done.stderr and "--paper" in plan["notes"][0]


def test_an_edition_from_layout_blocks_takes_its_date_from_the_running_head() -> None:
    from audiopaper.parse import edition_from_blocks

    blocks = [
        Block("江城日报 2024年4月9日 星期二 第3版", layout=Layout.RUNNING_HEAD, page=3),
        Block("引题", layout=Layout.KICKER, font_size=14),
        Block("版面上的主标题", font_size=28),
        Block("本报记者 秦 川", layout=Layout.BYLINE),
        Block("正文一段。", layout=Layout.BODY),
    ]
    found = edition_from_blocks(blocks, today=TODAY)
    assert (found.paper, found.date, found.notes) == ("江城日报", dt.date(2024, 4, 9), ())
    (story,) = found.articles
    assert (story.kicker, story.title, story.byline) == (
        ("引题",),
        "版面上的主标题",
        "本报记者 秦 川",
    )
