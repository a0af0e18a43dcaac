"""Voice profiles (``voices/*.toml``): an engine and a voice with its settings, other
voices for roles (headline, body, caption, intro), and the pauses between levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from audiopaper.engines.base import Voice
from audiopaper.errors import ConfigError
from audiopaper.fsutil import load_toml
from audiopaper.models import Pause, Role

DEFAULT_PROFILE = "offline"
DEFAULT_PAUSES = {
    Pause.NONE: 0.12,  # between two pieces of one sentence (a clause break)
    Pause.SENTENCE: 0.35,
    Pause.PARAGRAPH: 0.7,
    Pause.ARTICLE: 1.6,
}
# Said once in the opening (directories ask for AI-voice disclosure in the audio);
# a profile's ``disclosure`` key words it its own way, ``""`` says nothing.
DEFAULT_DISCLOSURE = "本节目由合成语音朗读。"
_TOP_KEYS = {"name", "description", "disclosure", "voice", "roles", "pauses"}
_VOICE_KEYS = {"engine", "name", "rate", "pitch", "volume", "backend"}
_PAUSE_KEYS = {p.value for p in Pause}


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    description: str
    voice: Voice
    roles: dict[Role, Voice] = field(default_factory=dict)
    pauses: dict[Pause, float] = field(default_factory=lambda: dict(DEFAULT_PAUSES))
    path: Path | None = None
    disclosure: str = DEFAULT_DISCLOSURE

    def voice_for(self, role: Role) -> Voice:
        return self.roles.get(role, self.voice)

    def credit(self) -> str:
        """Which synthetic voices read the edition, for its notes and tags:
        ``合成语音 baker（offline 引擎，配置 offline）``."""
        names = list(dict.fromkeys(v.name for v in (self.voice, *self.roles.values())))
        engines = "、".join(self.engines())
        return f"合成语音 {'、'.join(names)}（{engines} 引擎，配置 {self.name}）"

    def engines(self) -> list[str]:
        return sorted({self.voice.engine, *(v.engine for v in self.roles.values())})


def voices_dir() -> Path:
    """The shipped profiles: ``voices/`` beside the package (a checkout or an editable
    install) or the copy inside the wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "voices", here / "_voices"):
        if candidate.is_dir():
            return candidate
    return here.parent / "voices"


def list_profiles() -> list[VoiceProfile]:
    return [
        load_profile(path) for path in sorted(voices_dir().glob("*.toml")) if path.stem != "lexicon"
    ]


def load_profile(name_or_path: str | Path) -> VoiceProfile:
    path = _locate(name_or_path)
    try:
        data = load_toml(path)
    except OSError as exc:
        raise ConfigError(f"cannot read voice profile {path}: {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"voice profile {path} is not valid TOML: {exc}") from exc
    return _build(path, data)


def _locate(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise ConfigError(
                f"voice profile {path} does not exist",
                hint="give a profile name (audiopaper voices lists them) or a path",
            )
        return path
    path = voices_dir() / f"{text}.toml"
    if not path.is_file():
        known = ", ".join(
            p.stem for p in sorted(voices_dir().glob("*.toml")) if p.stem != "lexicon"
        )
        raise ConfigError(f"unknown voice profile {text!r}", hint=f"known profiles: {known}")
    return path


def _build(path: Path, data: dict[str, object]) -> VoiceProfile:
    _reject_unknown(path, "", data, _TOP_KEYS)
    voice_table = _table(path, data, "voice")
    if not voice_table:
        raise ConfigError(
            f"voice profile {path} has no [voice] table",
            hint='add [voice] with engine = "offline" and name = "baker"',
        )
    voice = _voice(path, "voice", voice_table, None)
    roles: dict[Role, Voice] = {}
    for role_name, table in _table(path, data, "roles").items():
        try:
            role = Role(role_name)
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ConfigError(
                f"unknown role {role_name!r} in {path}", hint=f"roles are: {known}"
            ) from None
        if not isinstance(table, dict):
            raise ConfigError(f"[roles.{role_name}] in {path} must be a table")
        roles[role] = _voice(path, f"roles.{role_name}", table, voice)
    pauses = dict(DEFAULT_PAUSES)
    for key, value in _table(path, data, "pauses").items():
        if key not in _PAUSE_KEYS:
            raise ConfigError(
                f"unknown pause {key!r} in {path}",
                hint=f"pauses are: {', '.join(sorted(_PAUSE_KEYS))}",
            )
        pauses[Pause(key)] = _number(path, f"pauses.{key}", value, 0.0, 10.0)
    return VoiceProfile(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        voice=voice,
        roles=roles,
        pauses=pauses,
        path=path,
        disclosure=_text(path, "disclosure", data.get("disclosure", DEFAULT_DISCLOSURE)),
    )


def _voice(path: Path, where: str, table: dict[str, object], base: Voice | None) -> Voice:
    _reject_unknown(path, where, table, _VOICE_KEYS)
    engine = str(table.get("engine", base.engine if base else "")).strip()
    name = str(table.get("name", base.name if base else "")).strip()
    if not engine or not name:
        raise ConfigError(f"[{where}] in {path} needs both engine and name")
    return Voice(
        engine=engine,
        name=name,
        rate=_number(
            path, f"{where}.rate", table.get("rate", base.rate if base else 1.0), 0.25, 4.0
        ),
        pitch=_number(
            path, f"{where}.pitch", table.get("pitch", base.pitch if base else 0.0), -12.0, 12.0
        ),
        volume=_number(
            path, f"{where}.volume", table.get("volume", base.volume if base else 1.0), 0.0, 4.0
        ),
        extra=_backend(path, where, engine, table, base),
    )


def _backend(
    path: Path, where: str, engine: str, table: dict[str, object], base: Voice | None
) -> tuple[tuple[str, str], ...]:
    """The offline voice's runtime, when the profile names one ("auto": the first
    installed); it travels in ``Voice.extra``, so it is part of the cache key."""
    inherited = (
        dict(base.extra).get("backend", "auto") if base and base.engine == engine else "auto"
    )
    value = table.get("backend", inherited)
    if value == "auto":
        return ()
    from audiopaper.engines.offline import BACKENDS  # only when a profile names one

    if engine != "offline" or value not in BACKENDS:
        allowed = ", ".join(f'"{b}"' for b in ("auto", *BACKENDS))
        raise ConfigError(
            f"{where}.backend in {path} is {value!r}",
            hint=f"the offline engine takes backend = {allowed}; other engines take none",
        )
    return (("backend", str(value)),)


def _text(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key} in {path} must be a string, not {value!r}")
    return " ".join(value.split())


def _table(path: Path, data: dict[str, object], key: str) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{key} in {path} must be a table")
    return value


def _number(path: Path, where: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} in {path} must be a number, not {value!r}")
    if not low <= float(value) <= high:
        raise ConfigError(f"{where} in {path} is {value}, outside {low}..{high}")
    return float(value)


def _reject_unknown(path: Path, where: str, table: dict[str, object], known: set[str]) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"[{where}] of " if where else ""
        raise ConfigError(
            f"unknown key {unknown[0]!r} in {place}{path}",
            hint=f"allowed keys: {', '.join(sorted(known))}",
        )
