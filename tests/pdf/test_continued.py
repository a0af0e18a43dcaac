"""Joining continued articles, on the project's own Article values."""

from __future__ import annotations

from audiopaper.continued import PagedArticle, join_continued, page_number, take_markers
from audiopaper.models import Article, Paragraph


def article(title: str, *paragraphs: str, derived: bool = False) -> Article:
    return Article(title, tuple(Paragraph(p) for p in paragraphs), title_is_derived=derived)


def test_markers_and_page_numbers() -> None:
    assert take_markers("……双向六车道。（下转3版）") == take_markers("……双向六车道。(转第3版)")
    assert take_markers("(转第3版)").jump_to == 3
    assert take_markers("（上接第一版）据介绍").continued_from == 1
    assert take_markers("(紧接第12版)").continued_from == 12
    assert take_markers("（续第二版）").continued_from == 2
    assert take_markers("（下转A3版）").jump_to == 3
    assert take_markers("第3版 要闻").jump_to is None
    assert [page_number(n) for n in ("3", "０３", "三", "十", "十二", "二十四")] == [
        3,
        3,
        3,
        10,
        12,
        24,
    ]


def test_a_sentence_cut_by_the_jump_is_one_paragraph_again() -> None:
    items = [
        PagedArticle(
            article("新桥通车 两岸更近", "新桥今天通车，", "双向六车道，并"), 1, jump_to=4
        ),
        PagedArticle(article("其他新闻", "别的内容。"), 2),
        PagedArticle(article("新桥通车", "设有慢行系统。", "车流平稳。"), 4, continued_from=1),
    ]
    joined, notes = join_continued(items)
    assert notes == []
    assert [a.article.title for a in joined] == ["新桥通车 两岸更近", "其他新闻"]
    assert [p.text for p in joined[0].article.paragraphs] == [
        "新桥今天通车，",
        "双向六车道，并设有慢行系统。",
        "车流平稳。",
    ]


def test_the_longest_shared_headline_wins_and_pages_must_agree() -> None:
    items = [
        PagedArticle(article("城市更新加快推进", "甲。"), 1, jump_to=5),
        PagedArticle(article("城市夜景再添新亮点", "乙。"), 1, jump_to=5),
        PagedArticle(article("城市夜景再添", "乙续。"), 5, continued_from=1),
        PagedArticle(article("城市更新", "甲续。"), 6, continued_from=1),  # wrong page
    ]
    joined, notes = join_continued(items)
    assert [p.text for p in joined[1].article.paragraphs] == ["乙。", "乙续。"]
    assert [p.text for p in joined[0].article.paragraphs] == ["甲。"]
    assert len(joined) == 3 and len(notes) == 2  # 甲 unmatched both ways


def test_a_chain_of_jumps_ends_in_one_article() -> None:
    items = [
        PagedArticle(article("长江大保护十年", "一。"), 1, jump_to=3),
        PagedArticle(article("长江大保护十年", "三。"), 3, jump_to=5, continued_from=1),
        PagedArticle(article("长江大保护", "五。"), 5, continued_from=3),
    ]
    joined, notes = join_continued(items)
    assert notes == []
    assert [p.text for p in joined[0].article.paragraphs] == ["一。", "三。", "五。"]
    assert len(joined) == 1


def test_an_unrelated_headline_is_not_joined() -> None:
    items = [
        PagedArticle(article("春耕生产全面展开", "甲。"), 1, jump_to=2),
        PagedArticle(article("校园足球联赛开幕", "乙。"), 2, continued_from=1),
    ]
    joined, notes = join_continued(items)
    assert len(joined) == 2 and len(notes) == 2


def test_a_continuation_without_a_headline_joins_the_only_agreeing_jump() -> None:
    lone = [
        PagedArticle(article("春耕生产全面展开", "甲。"), 1, jump_to=2),
        PagedArticle(article("甲续", "甲续。", derived=True), 2, continued_from=1),
    ]
    joined, notes = join_continued(lone)
    assert notes == [] and [p.text for p in joined[0].article.paragraphs] == ["甲。", "甲续。"]
    two = [
        PagedArticle(article("春耕生产全面展开", "甲。"), 1, jump_to=2),
        PagedArticle(article("校园足球联赛开幕", "乙。"), 1, jump_to=2),
        PagedArticle(article("续", "续。", derived=True), 2, continued_from=1),
    ]
    joined, notes = join_continued(two)
    assert len(joined) == 3 and len(notes) == 3  # which one it continues is not known


def test_bare_jump_lines_without_brackets() -> None:
    assert take_markers("大桥通车。▶下转第3版") == take_markers("大桥通车。（下转3版）")
    assert take_markers("上接第1版▶据介绍").continued_from == 1
    for prose in ("记者从下转第三版获悉", "他说：“转至第3版的故事”", "本版下转第3版"):
        assert take_markers(prose).text == prose
