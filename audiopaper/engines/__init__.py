"""Speech engines behind one protocol, chosen by name from a registry.

Built-in engines register through the same ``audiopaper.engines`` entry point group
as third-party ones; heavy imports happen inside each engine, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from audiopaper.engines.base import Engine, EngineInfo, Synthesis, Voice
from audiopaper.errors import ConfigError

__all__ = ["Engine", "EngineInfo", "Registry", "Synthesis", "Voice", "get_engine", "registry"]

EngineFactory = Callable[[], Engine]


class Registry:
    def __init__(self) -> None:
        self._factories: dict[str, EngineFactory] = {}
        self._engines: dict[str, Engine] = {}
        self._loaded = False

    def register(self, name: str, factory: EngineFactory) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._factories)

    def get(self, name: str) -> Engine:
        self._load_entry_points()
        if name not in self._factories:
            known = ", ".join(self.names())
            raise ConfigError(f"unknown engine {name!r}", hint=f"known engines: {known}")
        if name not in self._engines:
            self._engines[name] = self._factories[name]()
        return self._engines[name]

    def _load_entry_points(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for ep in entry_points(group="audiopaper.engines"):
            ep.load()(self)


registry = Registry()


def get_engine(name: str) -> Engine:
    return registry.get(name)
