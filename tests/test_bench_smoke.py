"""Each benchmark's --quick mode runs to the end and prints its table. No timing is
asserted: these only keep the scripts working as the code under them changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize(
    ("script", "header"),
    [
        ("build_bench.py", "build/infer"),
        ("startup_bench.py", "median/target"),
        ("edge_bench.py", "max in flight"),
        ("voice_bench.py", "vocoder RTF"),
        ("bookkeeping_bench.py", "voice gap ms/clip"),
    ],
)
def test_quick_mode_prints_its_table(script: str, header: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert header in done.stdout
