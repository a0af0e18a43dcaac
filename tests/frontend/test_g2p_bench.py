"""bench/g2p_bench.py --quick runs to the end and prints its table (figures not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "g2p_bench.py"


def test_quick_mode_prints_its_table() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for row in ("news polyphones", "sandhi lines", "sample pages"):
        assert row in done.stdout
