"""ID3v2.3 tags read back by eyeD3 (a strict v2.3 reader), mutagen and ffprobe."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from pathlib import Path

import eyed3
import pytest
from mutagen.id3 import ID3
from publish.editions import make_mp3

from audiopaper.ffmpeg import ffmpeg_exe
from audiopaper.models import Chapter
from audiopaper.tags import EditionTags, write_tags

TAGS = EditionTags(
    title="3月18日｜滨江区打造沿江生态廊道",
    album="滨江日报",
    artist="滨江日报",
    date=dt.date(2024, 3, 18),
    comment="本期由合成语音朗读（offline：baker）。\n1. 滨江区打造沿江生态廊道",
)
CHAPTERS = [Chapter("开篇：本期导读", 0, 600), Chapter("滨江区打造沿江生态廊道", 600, 1000, 0)]


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    path = make_mp3(tmp_path / "edition.mp3", 1.0)
    write_tags(path, TAGS, CHAPTERS)
    return path


def test_eyed3_reads_a_v23_date_title_and_comment(tagged: Path) -> None:
    audio = eyed3.load(str(tagged))
    assert audio is not None and audio.tag is not None
    tag = audio.tag
    assert tag.version == (2, 3, 0)
    assert str(tag.getBestDate()) == "2024-03-18"  # TYER + TDAT, as a v2.3 reader sees them
    assert tag.title == TAGS.title
    assert tag.album == "滨江日报"
    assert [c.text for c in tag.comments] == [TAGS.comment]
    assert [c.title for c in tag.chapters] == [c.title for c in CHAPTERS]


def test_only_v23_frames_are_written(tagged: Path) -> None:
    raw = ID3(str(tagged), translate=False)  # frames as stored, not upgraded to v2.4
    assert raw.version == (2, 3, 0)
    assert "TDRC" not in raw and "TYER" in raw and "TDAT" in raw
    assert str(raw["TYER"]) == "2024" and str(raw["TDAT"]) == "1803"  # DDMM
    assert str(ID3(str(tagged))["TDRC"]) == "2024-03-18"  # mutagen's v2.4 view agrees


def test_an_early_day_is_written_ddmm_too(tmp_path: Path) -> None:
    # eyeD3 0.9 checks a TDAT as if it were a year and drops days 01-09 (its own
    # writes too), so these are checked on the raw frames and in mutagen.
    path = make_mp3(tmp_path / "early.mp3", 0.5)
    write_tags(path, dataclasses.replace(TAGS, date=dt.date(2024, 3, 8)), CHAPTERS)
    raw = ID3(str(path), translate=False)
    assert (str(raw["TYER"]), str(raw["TDAT"])) == ("2024", "0803")
    assert str(ID3(str(path))["TDRC"]) == "2024-03-08"


def test_ffprobe_sees_the_date_and_chapters(tagged: Path) -> None:
    ffprobe = Path(ffmpeg_exe())
    out = subprocess.run(
        [str(ffprobe), "-v", "error", "-i", str(tagged), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "date=2024" in out
    assert out.count("[CHAPTER]") == 2
    assert json.dumps(TAGS.title, ensure_ascii=False).strip('"') in out
