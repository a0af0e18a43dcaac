"""The pronunciation lexicon: forced readings producers can edit.

``voices/lexicon.toml`` holds the shipped defaults; a per-edition file with the same layout
adds or overrides entries. Each entry, under ``[words."词"]``, may give ``pinyin`` (TONE3
syllables, one per character), ``homophone`` (a same-sounding spelling for engines that take
no phonemes) and ``say`` (a text replacement applied before normalization).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from audiopaper.errors import ConfigError
from audiopaper.fsutil import load_toml
from audiopaper.kept_regex import compile_kept

_KEYS = frozenset({"pinyin", "homophone", "say"})
_SYLLABLE = compile_kept(r"^[a-zü]+[1-5]$|^[a-zv]+[1-5]$")
_HINT = (
    'Each entry looks like [words."重庆"] with pinyin = "chong2 qing4" (one TONE3 syllable '
    "per character), and optionally homophone = ... and say = ..."
)


def default_path() -> Path:
    """The shipped lexicon, beside the voice profiles."""
    from audiopaper.profiles import voices_dir

    return voices_dir() / "lexicon.toml"


@dataclass(frozen=True)
class Entry:
    """How one word is said."""

    word: str
    pinyin: tuple[str, ...] = ()
    homophone: str | None = None
    say: str | None = None


def _fail(path: Path, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{path}: {key}: {problem}", hint=_HINT)


def _string(path: Path, word: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f'words."{word}".{key}', "must be a non-empty string")
    return value


def _pinyin(path: Path, word: str, value: object) -> tuple[str, ...]:
    syllables = tuple(_string(path, word, "pinyin", value).lower().split())
    bad = [s for s in syllables if not _SYLLABLE.match(s)]
    if bad:
        raise _fail(path, f'words."{word}".pinyin', f"not TONE3 pinyin: {' '.join(bad)}")
    if len(syllables) != len(word):
        raise _fail(
            path,
            f'words."{word}".pinyin',
            f"{len(syllables)} syllables for {len(word)} characters",
        )
    return syllables


def _entry(path: Path, word: str, raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise _fail(path, f'words."{word}"', "must be a table")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise _fail(path, f'words."{word}".{unknown[0]}', "unknown key")
    if not raw:
        raise _fail(path, f'words."{word}"', "needs pinyin, homophone or say")
    return Entry(
        word=word,
        pinyin=_pinyin(path, word, raw["pinyin"]) if "pinyin" in raw else (),
        homophone=_string(path, word, "homophone", raw["homophone"])
        if "homophone" in raw
        else None,
        say=_string(path, word, "say", raw["say"]) if "say" in raw else None,
    )


def read_entries(path: Path) -> dict[str, Entry]:
    """Parse and validate one lexicon file."""
    try:
        data = load_toml(path)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read lexicon ({err.strerror})", hint=_HINT) from err
    except ValueError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}", hint=_HINT) from err
    unknown = sorted(set(data) - {"words"})
    if unknown:
        raise _fail(path, unknown[0], 'unknown key (only [words."…"] tables are allowed)')
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise _fail(path, "words", "must be a table of words")
    return {word: _entry(path, word, raw) for word, raw in words.items()}


def _replacer(mapping: Mapping[str, str]) -> re.Pattern[str] | None:
    if not mapping:
        return None
    keys = sorted(mapping, key=len, reverse=True)
    return compile_kept("|".join(re.escape(k) for k in keys))


@dataclass(frozen=True)
class Lexicon:
    """Defaults plus an optional per-edition file; later entries override earlier ones."""

    entries: Mapping[str, Entry] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def load(cls, extra: Path | None = None) -> Lexicon:
        entries = read_entries(default_path())
        if extra is not None:
            entries.update(read_entries(Path(extra)))
        return cls(MappingProxyType(entries))

    def _substitute(self, text: str, attribute: str) -> str:
        mapping = {w: value for w, e in self.entries.items() if (value := getattr(e, attribute))}
        pattern = _replacer(mapping)
        return pattern.sub(lambda m: mapping[m.group(0)], text) if pattern else text

    def apply_say(self, text: str) -> str:
        """Text replacements, applied before normalization."""
        return self._substitute(text, "say")

    def apply_homophones(self, text: str) -> str:
        """Same-sounding spellings, for engines that take no phonemes (edge-tts)."""
        return self._substitute(text, "homophone")

    def pinyin_overrides(self) -> dict[str, list[str]]:
        """Word → TONE3 syllables (for pypinyin phrase overrides)."""
        return {w: list(e.pinyin) for w, e in self.entries.items() if e.pinyin}

    def digest(self) -> str:
        """A stable hash of the content."""
        return _digest([e.word, list(e.pinyin), e.homophone, e.say] for e in self.entries.values())

    def digest_for(self, text: str) -> str:
        """A hash of the readings that can change how ``text`` (spoken, after ``say``) is
        voiced: the pinyin and homophones of the words it holds. Part of the clip cache
        key, so a one-word edit re-synthesizes only the segments holding that word."""
        return _digest(
            [e.word, list(e.pinyin), e.homophone]
            for e in self.entries.values()
            if (e.pinyin or e.homophone) and e.word in text
        )


def _digest(rows: Iterable[list[object]]) -> str:
    canonical = sorted(rows, key=lambda row: str(row[0]))
    blob = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
