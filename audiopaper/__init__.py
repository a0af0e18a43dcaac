"""audiopaper: a Chinese newspaper page → an audio edition people subscribe to."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Looked up on demand: importlib.metadata costs ~0.1 s at every start otherwise.
    if name == "__version__":
        from importlib.metadata import version

        return version("audiopaper")
    raise AttributeError(name)
