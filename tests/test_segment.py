import itertools

import pytest

from audiopaper.models import Pause, Role
from audiopaper.script import Line
from audiopaper.segment import pack_sentence, segment_script, split_clauses, split_sentences


def identity(text: str) -> str:
    return text


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("今天晴。明天雨！后天呢？", ["今天晴。", "明天雨！", "后天呢？"]),
        ("他说：“我们赢了。”随后离开。", ["他说：“我们赢了。”", "随后离开。"]),
        ("一是加快；二是落实", ["一是加快；", "二是落实"]),
        ("真的吗？！当然……好", ["真的吗？！", "当然……", "好"]),
        ("没有标点的一句话", ["没有标点的一句话"]),
        ("（完）", ["（完）"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
    assert "".join(split_sentences(text)) == text


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        ("一是，二是、三是：四是", ["一是，", "二是、", "三是：", "四是"]),
        ("会议于22：58结束，共3,456人", ["会议于22：58结束，", "共3,456人"]),
        ("比分定格在3:1", ["比分定格在3:1"]),
    ],
)
def test_split_clauses_keeps_numbers_whole(sentence: str, clauses: list[str]) -> None:
    assert split_clauses(sentence) == clauses


def test_packing_honours_the_limit_and_loses_nothing() -> None:
    sentence = "，".join(["新区今年开工建设多个重点项目"] * 9) + "。"
    pieces = pack_sentence(sentence, identity, 40)
    assert all(len(p.spoken) <= 40 for p in pieces)
    assert "".join(p.source for p in pieces) == sentence
    assert len(pieces) > 1


def test_an_over_long_clause_is_cut_between_words() -> None:
    sentence = "卓越工程师培养计划" * 12 + "。"
    pieces = pack_sentence(sentence, identity, 40)
    assert all(len(p.spoken) <= 40 for p in pieces)
    assert "".join(p.spoken for p in pieces) == sentence
    for left, right in itertools.pairwise(pieces):
        # every cut falls between jieba words: never inside 工程师 or 计划
        assert not (left.spoken.endswith("工程") and right.spoken.startswith("师"))
        assert not (left.spoken.endswith("计") and right.spoken.startswith("划"))


def test_a_number_is_never_split_from_its_context() -> None:
    sentence = "这是一个很长的没有标点的句子" * 3 + "涉及金额0.8亿元" + "后面还有很多很多内容" * 3
    pieces = pack_sentence(sentence, identity, 40)
    assert any("0.8亿元" in p.source for p in pieces)


def test_segments_carry_pauses_by_level() -> None:
    lines = [
        Line("标题", Role.HEADLINE, 0, 0, Pause.PARAGRAPH),
        Line("第一句。第二句。", Role.BODY, 0, 1, Pause.ARTICLE),
    ]
    segments = segment_script(lines, identity, 40)
    assert [(s.spoken_text, s.pause_after) for s in segments] == [
        ("标题", Pause.PARAGRAPH),
        ("第一句。", Pause.SENTENCE),
        ("第二句。", Pause.ARTICLE),
    ]
    assert [s.sentence_index for s in segments] == [0, 0, 1]


def test_text_with_nothing_to_speak_makes_no_segment() -> None:
    lines = [Line("……", Role.BODY, 0, 0, Pause.PARAGRAPH)]
    assert segment_script(lines, identity, 40) == []


def test_headline_spaces_are_read_as_pauses_but_printed_as_written() -> None:
    lines = [Line("上半句 下半句", Role.HEADLINE, 0, 0, Pause.PARAGRAPH)]
    (segment,) = segment_script(lines, identity, 40)
    assert segment.source_text == "上半句 下半句"
    assert segment.spoken_text == "上半句，下半句"
