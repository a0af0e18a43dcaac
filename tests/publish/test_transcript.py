from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from audiopaper.ffmpeg import ffmpeg_exe
from audiopaper.models import Cue
from audiopaper.publish.transcript import (
    MAX_LINE,
    join_pieces,
    layout_cues,
    render_srt,
    render_vtt,
    write_transcripts,
)

CUES = [
    Cue(0, 2500, "本期导读。"),
    Cue(2600, 61_000, "国务院发布新规，自明年起施行。"),
    Cue(3_600_000, 3_601_234, "一小时后的一句。"),
]


def test_vtt_is_exact() -> None:
    assert render_vtt(CUES) == (
        "WEBVTT\n"
        "\n"
        "1\n"
        "00:00:00.000 --> 00:00:02.500\n"
        "本期导读。\n"
        "\n"
        "2\n"
        "00:00:02.600 --> 00:01:01.000\n"
        "国务院发布新规，自明年起施行。\n"
        "\n"
        "3\n"
        "01:00:00.000 --> 01:00:01.234\n"
        "一小时后的一句。\n"
    )


def test_srt_is_exact() -> None:
    assert render_srt(CUES) == (
        "1\n"
        "00:00:00,000 --> 00:00:02,500\n"
        "本期导读。\n"
        "\n"
        "2\n"
        "00:00:02,600 --> 00:01:01,000\n"
        "国务院发布新规，自明年起施行。\n"
        "\n"
        "3\n"
        "01:00:00,000 --> 01:00:01,234\n"
        "一小时后的一句。\n"
    )


def test_vtt_escapes_markup_and_arrows() -> None:
    vtt = render_vtt([Cue(0, 1000, "A&B <b>粗</b> x --> y")])
    assert "A&amp;B &lt;b&gt;粗&lt;/b&gt; x --&gt; y" in vtt
    assert vtt.count("-->") == 1  # only the timing line


def test_control_characters_and_blank_lines_never_reach_a_cue() -> None:
    vtt = render_vtt([Cue(0, 1000, "上\x01一\x0b句\n\n下一句"), Cue(1000, 2000, " \x02 ")])
    assert vtt == "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\n上一句 下一句\n"


def test_a_sentence_over_one_line_wraps_at_a_comma() -> None:
    first = "甲" * 12 + "，"
    second = "乙" * 12 + "。"
    (cue,) = layout_cues([Cue(0, 8000, first + second)])
    assert cue.text == f"{first}\n{second}"


def test_a_long_sentence_is_split_with_time_shared_by_characters() -> None:
    clauses = ["子" * 19 + "，", "丑" * 19 + "；", "寅" * 9 + "。"]  # 20 + 20 + 10 chars
    pieces = layout_cues([Cue(1000, 16_000, "".join(clauses))])
    assert [p.text for p in pieces] == [f"{clauses[0]}\n{clauses[1]}", clauses[2]]
    assert (pieces[0].start_ms, pieces[0].end_ms) == (1000, 13_000)  # 40 of 50 chars
    assert (pieces[1].start_ms, pieces[1].end_ms) == (13_000, 16_000)


def test_a_clause_with_no_punctuation_is_cut_evenly() -> None:
    (cue,) = layout_cues([Cue(0, 1000, "长" * 40)])
    assert cue.text.split("\n") == ["长" * 20, "长" * 20]


def test_latin_words_are_not_cut() -> None:
    text = " ".join(["word"] * 30)  # 149 characters, no CJK punctuation
    lines = [line for c in layout_cues([Cue(0, 1000, text)]) for line in c.text.split("\n")]
    assert all(len(line) <= MAX_LINE for line in lines)
    assert all(w == "word" for line in lines for w in line.split(" "))


def test_captions_follow_chinese_subtitle_practice() -> None:
    assert MAX_LINE == 20  # about 16 to 20 characters a line, at most two lines a cue
    sentence = (
        "市政府昨天召开新闻发布会，介绍今年前三季度全市经济运行情况："
        "地区生产总值同比增长百分之五点三，规模以上工业增加值增长百分之六，"
        "社会消费品零售总额增长百分之四点八。"
    )
    pieces = layout_cues([Cue(2_000, 14_000, sentence)])
    assert len(pieces) > 1
    assert all(len(p.text.split("\n")) <= 2 for p in pieces)
    assert all(len(line) <= 20 for p in pieces for line in p.text.split("\n"))
    assert "".join(p.text.replace("\n", "") for p in pieces) == sentence
    # The pieces tile the sentence's time exactly: no gap, no overlap, same ends.
    assert pieces[0].start_ms == 2_000 and pieces[-1].end_ms == 14_000
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(pieces))


def test_numbers_and_clock_times_are_not_cut_at_their_comma() -> None:
    (cue,) = layout_cues([Cue(0, 1000, "全年收入3,456万元，10:30开始")])
    assert cue.text == "全年收入3,456万元，10:30开始"


def test_srt_neutralises_a_text_line_that_looks_like_timing(tmp_path: Path) -> None:
    text = "记录显示 00:00:01,000 --> 00:00:02,000 之后申请-->审核"
    srt = render_srt([Cue(0, 2000, text), Cue(2000, 3000, "结束。")])
    blocks = srt.strip().split("\n\n")
    assert srt.count("-->") == len(blocks)  # the timing lines only
    path = tmp_path / "t.srt"
    path.write_text(srt, "utf-8")
    # ffmpeg's SRT reader drops a text line with --> in it as a timing line.
    read = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "webvtt", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "申请→审核" in read and "记录显示 00:00:01,000" in read and "→ 00:00:02,000" in read
    assert read.count("-->") == len(blocks)


@given(st.text(alphabet=st.sampled_from("中文字，、；：。！？ aZ9,:\x01\n"), max_size=400))
def test_no_line_is_ever_longer_than_the_limit(text: str) -> None:
    pieces = layout_cues([Cue(0, 10_000, text)])
    for piece in pieces:
        lines = piece.text.split("\n")
        assert 1 <= len(lines) <= 2
        assert all(0 < len(line) <= MAX_LINE for line in lines)
        assert 0 <= piece.start_ms <= piece.end_ms <= 10_000
    if pieces:
        assert pieces[0].start_ms == 0 and pieces[-1].end_ms == 10_000
        assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(pieces))


def test_write_transcripts_writes_both_files(tmp_path: Path) -> None:
    vtt, srt = write_transcripts(tmp_path / "ed", CUES)
    assert vtt.name == "transcript.vtt" and srt.name == "transcript.srt"
    assert vtt.read_text("utf-8").startswith("WEBVTT\n")
    assert srt.read_text("utf-8").startswith("1\n00:00:00,000 --> ")


def test_latin_words_cut_between_segments_keep_their_space() -> None:
    """A sentence the segmenter cut into pieces is one cue again, with the space the
    cut took out (``budget on``, never ``budgeton``); Chinese joins without one."""
    from audiopaper.assemble import Placed, Timeline, cues_for
    from audiopaper.models import Clip, Role, Segment

    pieces = ["报告说 The budget", "on housing rose,", "while 支出 fell。", "下一句。"]
    segments = [
        Segment(text, text, Role.BODY, 0, 0, sentence_index=0 if n < 3 else 1)
        for n, text in enumerate(pieces)
    ]
    clips = [Clip(s, Path("unused.pcm"), 24_000, 24_000) for s in segments]
    placed = tuple(Placed(clip, n * 24_000, 0, 0.0) for n, clip in enumerate(clips))
    cues = cues_for(Timeline(placed, 24_000, len(clips)))
    assert [c.text for c in cues] == [
        "报告说 The budget on housing rose, while 支出 fell。",
        "下一句。",
    ]
    assert join_pieces("预算", "AI模型") == "预算AI模型"
    assert join_pieces("AI", "模型") == "AI模型"
