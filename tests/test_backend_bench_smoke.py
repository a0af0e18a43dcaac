"""bench/backend_bench.py --quick runs both backends to the end and prints its tables.
No timing is asserted: this only keeps the script working as the code under it changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audiopaper.engines.offline import installed_backends

BENCH = Path(__file__).resolve().parents[1] / "bench" / "backend_bench.py"


@pytest.mark.slow
@pytest.mark.skipif(
    set(installed_backends()) != {"onnx", "litert"}, reason="needs both backends installed"
)
def test_quick_mode_prints_both_backends() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pure inference" in done.stdout
    for backend in ("onnx", "litert"):
        assert f"  {backend} |" in done.stdout or f" {backend} |" in done.stdout
