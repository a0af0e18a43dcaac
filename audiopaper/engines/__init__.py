"""Speech engines behind one protocol, chosen by name from a registry.

Built-in engines are listed in the ``audiopaper.engines`` entry point group like
third-party ones, but are found by name first: reading every installed package's entry
points takes 0.06–0.1 s, which a build asking only for the offline voice need not pay.
Heavy imports happen inside each engine, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from audiopaper.engines.base import Engine, EngineInfo, Synthesis, Voice
from audiopaper.errors import ConfigError, EngineUnavailable

__all__ = ["Engine", "EngineInfo", "Registry", "Synthesis", "Voice", "get_engine", "registry"]

EngineFactory = Callable[[], Engine]
# The ones that ship with audiopaper (as in pyproject's entry points): name → module
# whose ``register(registry)`` adds it. A plugin cannot take these names.
_BUILT_IN = {"offline": "audiopaper.engines.offline", "edge": "audiopaper.engines.edge"}


class Registry:
    def __init__(self) -> None:
        self._factories: dict[str, EngineFactory] = {}
        self._engines: dict[str, Engine] = {}
        self._loaded = False
        self._broken: dict[str, str] = {}  # entry point name -> why it failed to load
        # A build asks for its engines on two threads at once (one loads the model
        # meanwhile): both must get the one shared instance.
        self._lock = threading.RLock()

    def register(self, name: str, factory: EngineFactory) -> None:
        self._factories[name] = factory

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._factories)

    def get(self, name: str) -> Engine:
        with self._lock:
            return self._get(name)

    def _get(self, name: str) -> Engine:
        if name not in self._factories and name in _BUILT_IN:
            self._load_built_in(name)
        if name not in self._factories:
            self._load_entry_points(name)
        if name not in self._factories and name in self._broken:
            raise EngineUnavailable(
                f"engine {name!r} failed to load: {self._broken[name]}",
                hint="reinstall audiopaper (uv sync), or use the offline voice: --voice offline",
            )
        if name not in self._factories:
            known = ", ".join(self.names())
            raise ConfigError(f"unknown engine {name!r}", hint=f"known engines: {known}")
        if name not in self._engines:
            self._engines[name] = self._factories[name]()
        return self._engines[name]

    def create(self, name: str) -> Engine:
        """A new instance apart from the shared one (a cluster worker keeps one per
        lexicon, since forced readings are set on the instance)."""
        self.get(name)  # loads the plugin, or says why it cannot
        return self._factories[name]()

    def _load_built_in(self, name: str) -> None:
        import importlib

        try:
            importlib.import_module(_BUILT_IN[name]).register(self)
        except Exception as exc:  # as a broken plugin: said when it is asked for
            self._broken[name] = f"{type(exc).__name__}: {exc}"

    def _load_entry_points(self, only: str | None = None) -> None:
        """Load the plugins (just ``only`` when one is asked for: each engine module
        has its own imports, and a build rarely needs them all)."""
        if self._loaded:
            return
        from importlib.metadata import entry_points  # ~0.1 s: only when an engine is asked for

        if only is None:
            self._loaded = True
            for name in _BUILT_IN.keys() - self._factories.keys() - self._broken.keys():
                self._load_built_in(name)
        for ep in entry_points(group="audiopaper.engines"):
            if (only is not None and ep.name != only) or ep.name in _BUILT_IN:
                continue
            # One broken plugin must not take the others down with it.
            try:
                ep.load()(self)
            except Exception as exc:
                self._broken[ep.name] = f"{type(exc).__name__}: {exc}"


registry = Registry()


def get_engine(name: str) -> Engine:
    return registry.get(name)
