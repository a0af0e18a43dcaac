"""Load bench/normalize_bench.py (a script, not a package) for the tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
TN_CASES = REPO / ".." / "shared" / "tn-cases"


def tn_cases() -> Path:
    """The peer projects' case files; the calling test skips when they are absent."""
    if not TN_CASES.exists():
        pytest.skip(
            "the peer normalization cases are absent: shared material is not part of a clone"
        )
    return TN_CASES


def load_bench() -> ModuleType:
    name = "normalize_bench"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "normalize_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
