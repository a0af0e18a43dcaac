"""Hermetic test runs: the offline voice's rewritten model is kept in a per-session
folder, never in the user's cache (subprocess builds inherit the setting)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def private_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("AUDIOPAPER_MODEL_CACHE")
    os.environ["AUDIOPAPER_MODEL_CACHE"] = str(tmp_path_factory.mktemp("model-cache"))
    yield
    if previous is None:
        os.environ.pop("AUDIOPAPER_MODEL_CACHE", None)
    else:
        os.environ["AUDIOPAPER_MODEL_CACHE"] = previous
