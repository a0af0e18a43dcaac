"""A voice profile may name the offline voice's runtime: ``backend = "onnx" | "litert"``
("auto", the default, takes the first installed)."""

from pathlib import Path

import pytest

from audiopaper.errors import ConfigError
from audiopaper.models import Role
from audiopaper.profiles import load_profile


def profile(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_backend_travels_in_the_voice_and_its_roles(tmp_path: Path) -> None:
    loaded = load_profile(
        profile(
            tmp_path,
            '[voice]\nengine = "offline"\nname = "baker"\nbackend = "litert"\n'
            "[roles.headline]\nrate = 0.9\n",
        )
    )
    assert dict(loaded.voice.extra) == {"backend": "litert"}
    assert dict(loaded.voice_for(Role.HEADLINE).extra) == {"backend": "litert"}
    # part of the cache key: clips from the two runtimes are never mixed
    assert ["backend", "litert"] in [list(x) for x in loaded.voice.cache_fields()["extra"]]


def test_auto_and_no_setting_are_the_same_voice(tmp_path: Path) -> None:
    auto = load_profile(
        profile(tmp_path, '[voice]\nengine = "offline"\nname = "baker"\nbackend = "auto"\n')
    )
    assert auto.voice == load_profile("offline").voice


@pytest.mark.parametrize(
    "body",
    [
        '[voice]\nengine = "offline"\nname = "baker"\nbackend = "tensorflow"\n',
        '[voice]\nengine = "offline"\nname = "baker"\nbackend = 1\n',
        '[voice]\nengine = "edge"\nname = "zh-CN-XiaoxiaoNeural"\nbackend = "onnx"\n',
    ],
)
def test_a_wrong_backend_is_a_clear_error(tmp_path: Path, body: str) -> None:
    with pytest.raises(ConfigError, match="backend") as caught:
        load_profile(profile(tmp_path, body))
    assert '"onnx"' in (caught.value.hint or "")


def test_a_backend_not_installed_is_said_when_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any synthesis (plan and --dry-run too), not at the first segment."""
    from audiopaper.engines import offline
    from audiopaper.errors import EngineUnavailable
    from audiopaper.pipeline import BuildOptions, plan

    monkeypatch.setattr(offline, "installed_backends", lambda: ["onnx"])
    page = tmp_path / "page.md"
    page.write_text("# 河畔日报 2024年6月3日\n\n## 新馆开放\n\n市展览馆今天开放。\n", "utf-8")
    voice = profile(tmp_path, '[voice]\nengine = "offline"\nname = "baker"\nbackend = "litert"\n')
    with pytest.raises(EngineUnavailable, match="litert backend") as caught:
        plan(BuildOptions(input_path=page, out_dir=tmp_path / "out", voice=str(voice)))
    assert 'backend = "onnx"' in (caught.value.hint or "")
    assert not (tmp_path / "out").exists()
