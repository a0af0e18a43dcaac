"""One short edition built end to end through the CLI with the real offline voice, and
checked by readers no one here wrote: ffmpeg, mutagen, feedparser, podcastparser."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import podcastparser
import pytest
from mutagen.id3 import ID3

from audiopaper.ffmpeg import ffmpeg_exe

PAGE = """# 江城晚报 2024年5月6日

## 新区开工五个重点项目
记者：王明

5月6日上午9:30，新区集中开工5个重点项目，总投资约12.6亿元。

项目建成后预计新增就业岗位2000个。

## 社区图书馆延长开放时间

从下周起，社区图书馆每天开放到晚上9点，周末照常开放。

## 春季运动会圆满落幕

全区共有1192名运动员参赛，比上届增长12.5%。
"""
EDITION_ID = "2024-05-06"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True, cwd=cwd
    )


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("e2e")
    page = root / "pages" / "jiangcheng.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    out = root / "out"
    result = run_cli(
        "build", str(page), "--out", str(out), "--quiet", "--base-url", "https://example.org/jc/"
    )
    assert result.returncode == 0, result.stderr
    return page, out, result.stdout


def test_files_are_where_the_readme_says(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    folder = out / EDITION_ID
    for name in (
        f"{EDITION_ID}.mp3",
        "chapters.json",
        "transcript.vtt",
        "transcript.srt",
        "edition.json",
    ):
        assert (folder / name).is_file(), name
    assert len(list(folder.glob("cover-" + "[0-9a-f]" * 12 + ".png"))) == 1
    for name in ("feed.xml", "index.html", "episodes.sqlite"):
        assert (out / name).is_file(), name
    assert len(list(out.glob("cover-" + "[0-9a-f]" * 12 + ".png"))) == 1
    assert not [p for p in out.rglob(".tmp-*")]


def test_ffmpeg_reads_one_chapter_per_article_plus_the_opening(
    built: tuple[Path, Path, str],
) -> None:
    _, out, _ = built
    mp3 = out / EDITION_ID / f"{EDITION_ID}.mp3"
    meta = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    titles = re.findall(r"\[CHAPTER\][^\[]*?title=([^\n]*)", meta)
    assert titles == [
        "开篇：本期导读",
        "新区开工五个重点项目",
        "社区图书馆延长开放时间",
        "春季运动会圆满落幕",
    ]
    starts = [int(s) for s in re.findall(r"START=(\d+)", meta)]
    manifest = json.loads((out / EDITION_ID / "edition.json").read_text(encoding="utf-8"))
    expected = [c["start_ms"] for c in manifest["chapters"]]
    assert all(abs(a - b) <= 60 for a, b in zip(starts, expected, strict=True))
    assert starts == sorted(starts) and starts[0] <= 60


def test_mutagen_reads_the_tags(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    tags = ID3(str(out / EDITION_ID / f"{EDITION_ID}.mp3"))
    assert str(tags["TIT2"]) == "5月6日｜新区开工五个重点项目"
    assert str(tags["TALB"]) == "江城晚报"
    assert str(tags["TDRC"]) == EDITION_ID  # read from v2.3 TYER + TDAT
    assert str(tags["TPE1"]) == "江城晚报"
    assert len(tags.getall("CHAP")) == 4
    (cover,) = tags.getall("APIC")
    assert cover.mime == "image/png" and cover.data.startswith(b"\x89PNG")
    (cover_file,) = (out / EDITION_ID).glob("cover-*.png")
    assert cover.data == cover_file.read_bytes()
    (comment,) = tags.getall("COMM")
    assert comment.text[0].startswith("本期由合成语音 baker（offline 引擎，配置 offline）朗读。")


def test_eyed3_reads_the_v23_date_and_the_voice_credit(built: tuple[Path, Path, str]) -> None:
    import eyed3

    _, out, _ = built
    audio = eyed3.load(str(out / EDITION_ID / f"{EDITION_ID}.mp3"))
    assert audio is not None and audio.tag is not None
    assert audio.tag.version == (2, 3, 0)
    best = audio.tag.getBestDate()  # eyeD3 0.9 keeps only the year of a day before the 10th
    assert best is not None and best.year == 2024
    assert "合成语音 baker" in audio.tag.comments[0].text


def test_feed_reads_in_feedparser_and_podcastparser(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    feed_bytes = (out / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed_bytes)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    (entry,) = parsed.entries
    assert entry.title == "5月6日｜新区开工五个重点项目"
    assert "本期由合成语音 baker（offline 引擎，配置 offline）朗读。" in entry.summary
    enclosure = entry.enclosures[0]
    mp3 = out / EDITION_ID / f"{EDITION_ID}.mp3"
    assert int(enclosure.length) == mp3.stat().st_size
    assert enclosure.href == f"https://example.org/jc/{EDITION_ID}/{EDITION_ID}.mp3"
    assert enclosure.type == "audio/mpeg"
    assert entry.guidislink is False
    podcast = podcastparser.parse(
        "https://example.org/jc/feed.xml", __import__("io").BytesIO(feed_bytes)
    )
    (episode,) = podcast["episodes"]
    assert episode["enclosures"][0]["file_size"] == mp3.stat().st_size
    assert episode["total_time"] > 10


def test_transcript_follows_the_source_text(built: tuple[Path, Path, str]) -> None:
    _, out, _ = built
    vtt = (out / EDITION_ID / "transcript.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    assert "总投资约12.6亿元" in vtt  # as printed, not as spoken
    assert vtt.count("本节目由离线合成语音朗读。") == 1  # the disclosure, once, in the opening
    assert "一千一百九十二" not in vtt


def test_rebuild_with_nothing_changed_writes_nothing(built: tuple[Path, Path, str]) -> None:
    page, out, _ = built
    before = digests(out)
    result = run_cli("build", str(page), "--out", str(out), "--base-url", "https://example.org/jc/")
    assert result.returncode == 0, result.stderr
    assert "0 synthesized" in result.stdout
    assert digests(out) == before


def test_rebuild_after_an_edit_resynthesizes_only_that_article(
    built: tuple[Path, Path, str], tmp_path: Path
) -> None:
    page, out, _ = built
    edited = tmp_path / page.name
    edited.write_text(PAGE.replace("周末照常开放。", "周末闭馆一天。"), encoding="utf-8")
    plan = json.loads(run_cli("plan", str(edited), "--json").stdout)
    assert plan["articles"][1]["segments"][-1]["source_text"].endswith("周末闭馆一天。")
    result = run_cli(
        "build", str(edited), "--out", str(out), "--base-url", "https://example.org/jc/"
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"(\d+) reused, (\d+) synthesized", result.stdout)
    assert match, result.stdout
    # one sentence changed in one article: one segment, nothing else
    assert int(match.group(2)) == 1
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert len(feed.entries) == 1  # the rebuild replaced the episode


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02\xff\xfe\x00binary", "cannot read"),
        ("。。。！！".encode(), "no readable text"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, content: bytes, message: str) -> None:
    page = tmp_path / "in" / "bad.txt"
    page.parent.mkdir()
    page.write_bytes(content)
    result = run_cli("build", str(page), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("audiopaper: error:")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_file_and_bad_voice(tmp_path: Path) -> None:
    missing = run_cli("build", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 1 and "audiopaper: error:" in missing.stderr
    page = tmp_path / "p" / "page.md"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    voice = run_cli("build", str(page), "--voice", "nobody", "--out", str(tmp_path / "o"))
    assert voice.returncode == 1
    assert "unknown voice profile 'nobody'" in voice.stderr


def test_rebuild_without_base_url_keeps_the_remembered_one(
    built: tuple[Path, Path, str],
) -> None:
    page, out, _ = built
    run_cli("build", str(page), "--out", str(out), "--base-url", "https://example.org/jc/")
    before = digests(out)
    result = run_cli("build", str(page), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "0 synthesized" in result.stdout
    assert digests(out) == before
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert feed.entries[0].enclosures[0].href.startswith("https://example.org/jc/")


def test_removed_edition_comes_back_on_rebuild(built: tuple[Path, Path, str]) -> None:
    page, out, _ = built
    removed = run_cli("episodes", "remove", EDITION_ID, "--keep-files", "--out", str(out))
    assert removed.returncode == 0, removed.stderr
    assert feedparser.parse((out / "feed.xml").read_bytes()).entries == []
    assert (out / EDITION_ID / f"{EDITION_ID}.mp3").exists()
    rebuilt = run_cli("build", str(page), "--out", str(out))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 1
    listed = run_cli("episodes", "list", "--out", str(out))
    assert listed.stdout.startswith(EDITION_ID)


def test_markup_like_titles_are_printed_as_text(tmp_path: Path) -> None:
    page = tmp_path / "p" / "m.md"
    page.parent.mkdir()
    page.write_text("# 江城晚报 2024年5月6日\n\n## 标题[/]与[bold]括号\n\n正文一句。\n", "utf-8")
    result = run_cli("plan", str(page))
    assert result.returncode == 0, result.stderr
    assert "标题[/]与[bold]括号" in result.stdout
