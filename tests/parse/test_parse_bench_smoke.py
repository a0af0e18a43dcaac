"""bench/parse_bench.py --quick runs to the end: it prints the real-pages table, or says it
skipped when the shared pages are not beside the project. No figure is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "parse_bench.py"


def test_quick_mode_prints_its_table_or_skips_cleanly() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| page | expected |" in done.stdout or "skipped" in done.stdout
    assert "pages/s" in done.stdout  # PDF reading is timed with or without the pages
