"""The pronunciation lexicon: shipped defaults, per-edition overrides and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import ConfigError
from audiopaper.lexicon import Lexicon


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edition.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_hold_the_local_names() -> None:
    overrides = Lexicon.load().pinyin_overrides()
    assert overrides["重庆"] == ["chong2", "qing4"]
    assert overrides["北碚"] == ["bei3", "bei4"]
    assert overrides["长江"][0] == "chang2"
    assert overrides["银行"] == ["yin2", "hang2"]
    assert overrides["重要"][0] == "zhong4"
    assert {"嘉陵江", "缙云山"} <= set(overrides)


def test_homophones_and_say() -> None:
    lexicon = Lexicon.load()
    assert lexicon.apply_homophones("北碚区") == "北倍区"
    assert lexicon.apply_say("“1361”整体构架") == "“一三六一”整体构架"
    assert lexicon.apply_say("没有要替换的") == "没有要替换的"


def test_extra_file_adds_and_overrides(tmp_path: Path) -> None:
    extra = _write(
        tmp_path,
        '[words."重庆"]\npinyin = "zhong4 qing4"\n\n[words."磁器口"]\n'
        'pinyin = "ci2 qi4 kou3"\nhomophone = "瓷器口"\n',
    )
    lexicon = Lexicon.load(extra)
    assert lexicon.pinyin_overrides()["重庆"] == ["zhong4", "qing4"]
    assert lexicon.apply_homophones("磁器口") == "瓷器口"


def test_digest_is_stable_and_content_sensitive(tmp_path: Path) -> None:
    assert Lexicon.load().digest() == Lexicon.load().digest()
    extra = _write(tmp_path, '[words."磁器口"]\npinyin = "ci2 qi4 kou3"\n')
    assert Lexicon.load(extra).digest() != Lexicon.load().digest()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[words."重庆"]\npinyin = "chong2"\n', 'words."重庆".pinyin'),
        ('[words."重庆"]\npinyin = "chong qing"\n', "not TONE3"),
        ('[words."重庆"]\nspell = "x"\n', 'words."重庆".spell'),
        ('[voice]\nname = "x"\n', "voice"),
        ("[words\n", "not valid TOML"),
        ('[words."重庆"]\nhomophone = 3\n', "homophone"),
    ],
)
def test_bad_files_name_the_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    extra = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        Lexicon.load(extra)
    message = str(caught.value)
    assert str(extra) in message and fragment in message
    assert "\n" not in message
    assert caught.value.hint


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Lexicon.load(tmp_path / "absent.toml")
