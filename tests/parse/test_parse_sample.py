"""The page heuristics on a real PDF-extracted front page (read, never copied)."""

from __future__ import annotations

import pytest
from parse_helpers import TODAY, find

from audiopaper.models import Edition
from audiopaper.parse import UNNAMED_PAPER

# title start → (byline, kicker, subtitles, paragraph count)
EXPECTED = {
    "重庆卓越工程师半岛建设成效显著": (
        "本报记者 熊辉",
        ("学思想 强党性 重实践 建新功", "促实干 晒实绩 求实效", "从项目、人才、产业出发——"),
        (),
        24,
    ),
    "区政府召开第58次常务会议": ("记者 熊辉", (), ("黄祖英主持",), 4),
    "解锁缙云添诗意 共话巴山夜雨时": (
        "记者 齐宏",
        (),
        ("第四届“巴山夜雨诗歌奖”颁奖典礼在北碚举行",),
        3,
    ),
    "高质量做好缙云山综合提升“后半篇”文章": (
        "记者 齐宏",
        (),
        ("黄祖英调研文旅公司、区林业局时强调", "深学笃用习近平生态文明思想"),
        5,
    ),
    "以实用实战推动数字重庆建设": ("臧博", (), (), 6),
}


def test_finds_each_article_in_page_order(sample: Edition) -> None:
    assert [a.title for a in sample.articles] == list(EXPECTED)


@pytest.mark.parametrize("title", list(EXPECTED))
def test_article_headline_group_and_byline(sample: Edition, title: str) -> None:
    byline, kicker, subtitles, count = EXPECTED[title]
    article = find(sample, title)
    assert (article.byline, article.kicker, article.subtitles) == (byline, kicker, subtitles)
    assert len(article.paragraphs) == count


def test_no_masthead_names_no_paper_and_asks_for_one(sample: Edition) -> None:
    """No masthead, no running head, no date in the file name: nothing is made up."""
    assert (sample.paper, sample.date) == (UNNAMED_PAPER, TODAY)
    (note,) = sample.notes
    assert "--paper" in note and "--date" in note


def test_sections_are_subheads_of_one_article(sample: Edition) -> None:
    article = find(sample, "重庆卓越工程师半岛")
    subheads = [p.text for p in article.paragraphs if p.is_subhead]
    assert subheads == [
        "项目孵化于此 6个初创项目成果转化取得进展",
        "人才汇聚而来",
        "桥梁工程师研发的“智能巡检技术”为国内首创",
        "回到产业中去",
        "北碚传统产业在半岛建设中有了新方向",
    ]
    assert article.paragraphs[0].text.startswith("88平方公里")
    poems = find(sample, "解锁缙云添诗意")
    poem_subheads = [p.text for p in poems.paragraphs if p.is_subhead]
    assert poem_subheads == ["五届诗会打造全国知名诗歌节会品牌"]


def test_dateline_byline_is_stripped_from_the_body(sample: Edition) -> None:
    meeting = find(sample, "区政府召开第58次")
    assert meeting.paragraphs[0].text.startswith("1月12日，区委副书记")
    after = find(sample, "高质量做好缙云山")
    assert after.paragraphs[0].text.startswith("1月11日，区委副书记")
    assert all("本报讯" not in a.body_text for a in sample.articles)


def test_caption_is_kept_apart_from_every_body(sample: Edition) -> None:
    poems = find(sample, "解锁缙云添诗意")
    assert len(poems.captions) == 1
    assert poems.captions[0].endswith("记者 代守航 摄")
    assert all("代守航" not in a.body_text for a in sample.articles)


def test_jump_marker_is_removed(sample: Edition) -> None:
    assert all("下转" not in a.body_text for a in sample.articles)
    poems = find(sample, "解锁缙云添诗意")
    assert poems.paragraphs[-1].text.endswith("“十佳特色品牌案例”。")


@pytest.mark.parametrize(
    ("fragment", "title"),
    [
        ("进行“智能巡检”技术的研发。", "重庆卓越工程师半岛"),
        ("预计2025年前后将完成", "重庆卓越工程师半岛"),
        ("对标对表抓好“三攻坚一盘活”", "区政府召开第58次"),
        ("强化政策协同、工作联动。", "区政府召开第58次"),
        ("自2019年至今已成功举办五届，诗会", "解锁缙云添诗意"),
    ],
)
def test_words_broken_across_lines_are_rejoined(sample: Edition, fragment: str, title: str) -> None:
    assert fragment in find(sample, title).body_text


def test_orphan_tail_goes_to_the_cut_off_article(sample: Edition) -> None:
    """`联动。` after the cut-off `…仪器仪表` completes that paragraph (our choice)."""
    peninsula = find(sample, "重庆卓越工程师半岛")
    assert peninsula.paragraphs[-1].text == "北碚区是传统制造业大区，仪器仪表联动。"


def test_tail_printed_before_its_headline_joins_its_story(sample: Edition) -> None:
    """`会议强调，要全面践行…` is the meeting report's end, printed before its headline (column
    order): it shares the report's words, so it goes to the report's end. (It used to stand
    alone as a headless article; the page's expected structure says it belongs to the report.)"""
    meeting = find(sample, "区政府召开第58次")
    assert meeting.paragraphs[-2].text.startswith("会议强调，要全面践行人民城市理念")
    assert meeting.paragraphs[-1].text == "会议还研究了安全生产与防灾减灾、河长制等工作。"
    peninsula = find(sample, "重庆卓越工程师半岛")
    assert "人民城市理念" not in peninsula.body_text


def test_headline_after_its_body_joins_that_body(sample: Edition) -> None:
    article = find(sample, "高质量做好缙云山")
    assert article.paragraphs[-1].text == "区有关部门、园城公司主要负责人参加。"
    commentary = find(sample, "以实用实战推动")
    assert commentary.paragraphs[0].text.startswith("数字化的城市运行")
    assert not any(p.is_subhead for p in commentary.paragraphs)


def test_paragraphs_have_no_line_breaks(sample: Edition) -> None:
    for article in sample.articles:
        assert all("\n" not in p.text and p.text == p.text.strip() for p in article.paragraphs)
