"""The synthetic voice is disclosed: once in the opening (worded by the voice profile,
off when the show discloses elsewhere), and by name in the episode's notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from audiopaper.errors import ConfigError
from audiopaper.models import Article, Edition, Paragraph, Role
from audiopaper.pipeline import BuildOptions, episode_notes, plan
from audiopaper.profiles import DEFAULT_DISCLOSURE, load_profile
from audiopaper.publish.show import update_show
from audiopaper.script import edition_script

EDITION = Edition(
    "江城晚报",
    dt.date(2024, 5, 6),
    (Article("新区开工五个项目", (Paragraph("今年新区开工五个项目。"),)),),
)
PAGE = "# 江城晚报 2024年5月6日\n\n## 新区开工五个项目\n\n今年新区开工五个项目。\n"
PROFILE = '[voice]\nengine = "offline"\nname = "baker"\n'


def _spoken(lines: list[str], sentence: str) -> int:
    return sum(line.count(sentence) for line in lines)


def test_the_opening_says_it_once_right_after_the_greeting() -> None:
    lines = edition_script(EDITION, "本节目由合成语音朗读。")
    assert lines[0].text == "这里是江城晚报，2024年5月6日。本节目由合成语音朗读。"
    assert lines[0].role is Role.INTRO
    assert _spoken([line.text for line in lines], "合成语音") == 1
    assert "合成语音" not in "".join(line.text for line in edition_script(EDITION, ""))


def test_profiles_word_it_and_can_say_nothing(tmp_path: Path) -> None:
    assert load_profile("offline").disclosure == "本节目由离线合成语音朗读。"
    assert "微软" in load_profile("edge-news").disclosure
    plain = tmp_path / "plain.toml"
    plain.write_text(PROFILE, "utf-8")
    assert load_profile(plain).disclosure == DEFAULT_DISCLOSURE
    silent = tmp_path / "silent.toml"
    silent.write_text('disclosure = ""\n' + PROFILE, "utf-8")
    assert load_profile(silent).disclosure == ""
    bad = tmp_path / "bad.toml"
    bad.write_text("disclosure = 3\n" + PROFILE, "utf-8")
    with pytest.raises(ConfigError, match=r"disclosure .* must be a string"):
        load_profile(bad)


def test_the_notes_name_the_voice_that_read() -> None:
    notes = episode_notes(EDITION, load_profile("edge-news"))
    first = notes.splitlines()[0]
    assert first == (
        "本期由合成语音 zh-CN-XiaoxiaoNeural、zh-CN-YunyangNeural"
        "（edge 引擎，配置 edge-news）朗读。"
    )
    assert notes.endswith("1. 新区开工五个项目")


def test_the_show_can_turn_the_spoken_disclosure_off(tmp_path: Path) -> None:
    page = tmp_path / "in" / "page.md"
    page.parent.mkdir()
    page.write_text(PAGE, "utf-8")
    out = tmp_path / "out"
    said = [s.source_text for s in plan(BuildOptions(page, out_dir=out)).segments]
    assert _spoken(said, "本节目由离线合成语音朗读。") == 1
    update_show(out, {"spoken_disclosure": False})
    quiet = [s.source_text for s in plan(BuildOptions(page, out_dir=out)).segments]
    assert _spoken(quiet, "合成语音") == 0
