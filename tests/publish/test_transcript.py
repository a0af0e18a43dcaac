from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from audiopaper.models import Cue
from audiopaper.publish.transcript import (
    MAX_LINE,
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
    first = "甲" * 40 + "，"
    second = "乙" * 40 + "。"
    (cue,) = layout_cues([Cue(0, 8000, first + second)])
    assert cue.text == f"{first}\n{second}"


def test_a_long_sentence_is_split_with_time_shared_by_characters() -> None:
    clauses = ["子" * 59 + "，", "丑" * 59 + "；", "寅" * 29 + "。"]  # 60 + 60 + 30 chars
    pieces = layout_cues([Cue(1000, 16_000, "".join(clauses))])
    assert [p.text for p in pieces] == [f"{clauses[0]}\n{clauses[1]}", clauses[2]]
    assert (pieces[0].start_ms, pieces[0].end_ms) == (1000, 13_000)  # 120 of 150 chars
    assert (pieces[1].start_ms, pieces[1].end_ms) == (13_000, 16_000)


def test_a_clause_with_no_punctuation_is_cut_evenly() -> None:
    (cue,) = layout_cues([Cue(0, 1000, "长" * 100)])
    assert cue.text.split("\n") == ["长" * 50, "长" * 50]


def test_latin_words_are_not_cut() -> None:
    text = " ".join(["word"] * 30)  # 149 characters, no CJK punctuation
    lines = [line for c in layout_cues([Cue(0, 1000, text)]) for line in c.text.split("\n")]
    assert all(len(line) <= MAX_LINE for line in lines)
    assert all(w == "word" for line in lines for w in line.split(" "))


@given(st.text(alphabet=st.sampled_from("中文字，、；：。！？ a\x01\n"), max_size=400))
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
