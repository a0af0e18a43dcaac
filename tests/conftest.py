"""Hermetic test runs: what the program derives once per machine (the rewritten and
optimized voice models, the word and phrase tables, the parser's compiled patterns) is
kept in a folder of this run's own, never in the user's cache. It is set before test
modules are collected (importing the parser compiles its patterns), and subprocess
builds inherit it."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

_previous: list[str | None] = []


def pytest_configure(config: pytest.Config) -> None:
    _previous.append(os.environ.get("AUDIOPAPER_MODEL_CACHE"))
    os.environ["AUDIOPAPER_MODEL_CACHE"] = tempfile.mkdtemp(prefix="audiopaper-test-models-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ["AUDIOPAPER_MODEL_CACHE"], ignore_errors=True)
    previous = _previous.pop() if _previous else None
    if previous is None:
        os.environ.pop("AUDIOPAPER_MODEL_CACHE", None)
    else:
        os.environ["AUDIOPAPER_MODEL_CACHE"] = previous
