"""Bad input gets a clear error or a correct edition, never a crash or a silent drop,
and nothing already produced is lost."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from audiopaper import fsutil
from audiopaper.errors import ConfigError, OutputError
from audiopaper.pipeline import BuildOptions, build, plan

TINY = "# 江城晚报 2024年7月1日\n\n## 夜市重新开放\n\n夜市共有80个摊位。\n"
NOW = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audiopaper", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("gb18030", "滨江区新建学校三所，共有学生1200名。"),
        ("utf-16", "滨江区新建学校三所，共有学生1200名。"),
        ("big5", "濱江區新建學校三所，共有學生1200名。"),
        ("utf-8-sig", "滨江区新建学校三所〇，共有学生1200名。"),
    ],
)
def test_encodings_plan_to_speech(tmp_path: Path, encoding: str, text: str) -> None:
    page = write(tmp_path / "in" / "page.txt", text.encode(encoding))
    the_plan = plan(BuildOptions(input_path=page, out_dir=tmp_path / "out"))
    spoken = "".join(s.spoken_text for s in the_plan.segments)
    assert "一千两百名" in spoken or "一千二百名" in spoken
    assert "学校三所" in spoken or "學校三所" in spoken


def test_huge_paragraph_without_punctuation_is_split_never_cut(tmp_path: Path) -> None:
    body = "沿江步道改造工程进展顺利" * 1700  # 20,400 characters, no punctuation
    page = write(tmp_path / "in" / "long.md", f"# 江城晚报 2024年7月1日\n\n## 长文\n\n{body}\n")
    the_plan = plan(BuildOptions(input_path=page, out_dir=tmp_path / "out"))
    pieces = [s for s in the_plan.segments if s.article_index == 0 and s.role.value == "body"]
    assert all(len(s.spoken_text) <= 40 for s in pieces)
    assert "".join(s.spoken_text for s in pieces) == body


def test_ten_megabyte_page_plans(tmp_path: Path) -> None:
    paragraph = "新区今年开工建设5个重点项目，总投资12.6亿元。"
    text = "## 大版面\n\n" + "\n\n".join([paragraph] * 400_000)
    page = write(tmp_path / "in" / "big.md", text[: 10 * 1024 * 1024 // 3])
    assert page.stat().st_size > 3_000_000
    result = run_cli("build", str(page), "--dry-run", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "would reuse 0 and synthesize" in result.stdout


def test_html_markdown_and_odd_characters_in_a_plain_page(tmp_path: Path) -> None:
    text = (
        "<p>社区<b>图书馆</b>开放</p>\n\n**本报记者 王明**\n\n"
        "图书馆新增藏书😀两万册，〇号库房启用，𠀀字暂缺。繁體字也能讀。2月30日开放。\n"
    )
    page = write(tmp_path / "in" / "odd.txt", text)
    the_plan = plan(BuildOptions(input_path=page, out_dir=tmp_path / "out"))
    spoken = "".join(s.spoken_text for s in the_plan.segments)
    assert "<b>" not in spoken
    assert "二月三十日" in spoken  # read as written, not "fixed"
    assert "繁體字也能讀" in spoken


def test_hostile_paper_name_never_breaks_the_feed(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    hostile = "江城&<晚报>\"'/../]]>\x01"
    result = run_cli("build", str(page), "--paper", hostile, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert "江城&<晚报>" in feed.feed.title  # the show; episodes are titled by date and story
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))[
        0
    ].isascii()


def test_out_inside_the_input_folder_is_fine_but_not_the_folder_itself(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    same = run_cli("build", str(page), "--out", str(tmp_path / "in"))
    assert same.returncode == 1 and "input's own folder" in same.stderr
    inside = run_cli("build", str(page), "--out", str(tmp_path / "in" / "out"), "--quiet")
    assert inside.returncode == 0, inside.stderr
    assert (tmp_path / "in" / "out" / "2024-07-01" / "2024-07-01.mp3").is_file()


def test_unwritable_output_is_exit_3(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    blocker = write(tmp_path / "file", "not a folder")
    result = run_cli("build", str(page), "--out", str(blocker / "out"))
    assert result.returncode == 3
    assert result.stderr.startswith("audiopaper: error:")


def test_a_full_disk_loses_nothing_already_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out = tmp_path / "out"
    build(BuildOptions(input_path=page, out_dir=out, now=lambda: NOW))
    feed_before = (out / "feed.xml").read_bytes()
    audio_before = (out / "2024-07-01" / "2024-07-01.mp3").read_bytes()
    edited = write(tmp_path / "in2" / "tiny.md", TINY.replace("80个", "90个"))

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "fsync", no_space)
    with pytest.raises(OutputError, match="No space left"):
        build(BuildOptions(input_path=edited, out_dir=out, now=lambda: NOW))
    monkeypatch.undo()
    assert (out / "feed.xml").read_bytes() == feed_before
    assert (out / "2024-07-01" / "2024-07-01.mp3").read_bytes() == audio_before
    assert not list(out.rglob(".tmp-*"))


def test_profile_naming_a_missing_voice_fails_before_work(tmp_path: Path) -> None:
    profile = write(
        tmp_path / "voices" / "bad.toml", '[voice]\nengine = "offline"\nname = "nobody"\n'
    )
    page = write(tmp_path / "in" / "tiny.md", TINY)
    with pytest.raises(ConfigError, match="nobody"):
        plan(BuildOptions(input_path=page, out_dir=tmp_path / "out", voice=str(profile)))


def test_a_second_build_in_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    from audiopaper.lock import build_lock

    page = write(tmp_path / "in" / "tiny.md", TINY)
    out = tmp_path / "out"
    with build_lock(out):
        result = run_cli("build", str(page), "--out", str(out))
    assert result.returncode == 3
    assert "another build" in result.stderr


def test_a_stale_lock_is_taken_over_with_a_warning(tmp_path: Path) -> None:
    page = write(tmp_path / "in" / "tiny.md", TINY)
    out = tmp_path / "out"
    write(out / ".audiopaper.lock", "999999\n")  # no such process holds it
    result = run_cli("build", str(page), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "stale lock" in result.stderr
