"""The engine protocol: every speech engine, built in or third party, looks like this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from audiopaper.models import Boundary

if TYPE_CHECKING:  # numpy costs ~0.4 s to import; a no-op rebuild never needs it
    import numpy as np


@dataclass(frozen=True)
class EngineInfo:
    """What an engine is and what it can take; the segmenter honours ``max_chars``."""

    name: str
    version: str  # part of the cache key: a new model or client re-synthesizes
    sample_rate: int
    max_chars: int  # the longest text one request should carry
    hard_max_chars: int  # the longest text one request can carry at all
    default_jobs: int = 1  # how many requests to run at once by default
    # Memory one more concurrent request costs (a local model's own instance): with the
    # cores, it caps --jobs for engines that run here (not those that need the network).
    memory_per_job_mb: int = 0
    needs_network: bool = False
    # True: the engine reads forced pinyin from the lexicon (set_pinyin_overrides);
    # False: the lexicon's homophones are substituted into the text instead.
    takes_pinyin: bool = False


@dataclass(frozen=True)
class Voice:
    """A voice and its settings, as named by a voice profile."""

    engine: str
    name: str
    rate: float = 1.0  # speaking rate, 1.0 = the voice's own
    pitch: float = 0.0  # semitones-ish offset; engines map it to what they have
    volume: float = 1.0  # linear gain
    extra: tuple[tuple[str, str], ...] = field(default=())

    def cache_fields(self) -> dict[str, object]:
        return {
            "engine": self.engine,
            "voice": self.name,
            "rate": self.rate,
            "pitch": self.pitch,
            "volume": self.volume,
            "extra": list(self.extra),
        }


@dataclass(frozen=True)
class Synthesis:
    """An engine's answer: mono float32 samples in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int
    boundaries: tuple[Boundary, ...] = ()
    notes: tuple[str, ...] = ()  # what the engine could not speak, for the report

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


@runtime_checkable
class Engine(Protocol):
    info: EngineInfo

    def check_available(self) -> None:
        """Raise EngineUnavailable (with the alternative in its hint) if this engine
        cannot work here. Called once, before any work starts."""

    def voices(self) -> list[str]:
        """The voice names this engine offers."""
        ...

    def set_pinyin_overrides(self, overrides: dict[str, list[str]]) -> None:
        """Forced readings from the lexicon (word → TONE3 syllables). Engines that
        declare ``takes_pinyin=False`` get homophones in the text instead and may
        ignore this."""

    def synthesize(self, text: str, voice: Voice) -> Synthesis:
        """Speak ``text`` (already normalized). Thread-safe: the synthesis stage calls
        it from up to ``jobs`` threads at once."""
        ...
