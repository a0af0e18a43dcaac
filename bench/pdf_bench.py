"""How fast PDF pages are read: typeset pages → articles, in pages per second.

    uv run python bench/pdf_bench.py [--pages N] [--quick]

Pages are typeset with reportlab (a dev dependency) from the PDF tests' three-page edition,
repeated to N pages, and read twice side by side: glyphs only (pdfminer.six parsing and
interpretation) and the whole reader (glyphs, layout, kinds, articles, joining). The ratio
says how much the layout work adds to the PDF parsing it cannot avoid.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "pdf"))
sys.path.insert(0, str(HERE))

from editions import THREE_PAGES  # noqa: E402
from tables import table  # noqa: E402
from typeset import typeset  # noqa: E402

from audiopaper.pages import read_edition  # noqa: E402
from audiopaper.pdf.glyphs import read_glyphs  # noqa: E402


def measure(count: int, rounds: int = 3) -> list[list[str]]:
    """The table rows (header first) for ``count`` typeset pages, best of ``rounds``: what
    another benchmark (parse_bench.py) can print beside its own."""
    specs = [THREE_PAGES[n % 3] for n in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pages.pdf"
        typeset(specs, path)
        read_edition([path], today=dt.date(2030, 1, 1))  # warm up: imports, CMaps
        glyph_s, whole_s = _best_of_interleaved(
            [lambda: read_glyphs(path), lambda: read_edition([path], today=dt.date(2030, 1, 1))],
            rounds,
        )
    return [
        ["read", "pages/s", "time/glyphs"],
        ["glyphs only (pdfminer.six)", f"{count / glyph_s:.1f}", "1.00"],
        ["whole reader", f"{count / whole_s:.1f}", f"{whole_s / glyph_s:.2f}"],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--quick", action="store_true", help="3 pages, one round")
    args = parser.parse_args()
    count = 3 if args.quick else args.pages
    print(f"PDF reading, {count} typeset pages")
    print(table(measure(count, 1 if args.quick else 3)))


def _best_of_interleaved(works: list[Callable[[], object]], rounds: int) -> list[float]:
    """Best time of each, the works taking turns so that a busy machine slows all alike."""
    best = [float("inf")] * len(works)
    for _ in range(rounds):
        for index, work in enumerate(works):
            start = time.perf_counter()
            work()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
