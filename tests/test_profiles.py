from pathlib import Path

import pytest

from audiopaper.errors import ConfigError
from audiopaper.models import Pause, Role
from audiopaper.profiles import list_profiles, load_profile


def test_shipped_profiles_load() -> None:
    names = {p.name for p in list_profiles()}
    assert {"offline", "edge-news", "offline-brisk"} <= names
    news = load_profile("edge-news")
    assert news.voice_for(Role.HEADLINE).name == "zh-CN-YunyangNeural"
    assert news.voice_for(Role.BODY).name == "zh-CN-XiaoxiaoNeural"
    offline = load_profile("offline")
    assert offline.voice.engine == "offline"
    assert offline.pauses[Pause.SENTENCE] < offline.pauses[Pause.PARAGRAPH]
    assert offline.pauses[Pause.PARAGRAPH] < offline.pauses[Pause.ARTICLE]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[voice]\nengine = "offline"\nname = "baker"\nspeed = 2\n', "unknown key 'speed'"),
        ('colour = "red"\n[voice]\nengine = "offline"\nname = "baker"\n', "unknown key 'colour'"),
        ('[voice]\nengine = "offline"\n', "needs both engine and name"),
        ('[voice]\nengine = "offline"\nname = "baker"\nrate = "fast"\n', "must be a number"),
        ('[voice]\nengine = "offline"\nname = "baker"\n[roles.anchor]\nname = "x"\n', "role"),
        ('[voice]\nengine = "offline"\nname = "baker"\n[pauses]\nbreath = 1\n', "pause"),
        ("[voice\n", "not valid TOML"),
    ],
)
def test_bad_profiles_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_profile(path)


def test_unknown_profile_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as info:
        load_profile("no-such-voice")
    assert "offline" in (info.value.hint or "")
