"""Write the PDF tests' three typeset pages into a folder, to try PDF input by hand:

uv run python tests/pdf/make_pages.py pages/
uv run audiopaper plan pages/
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editions import THREE_PAGES
from typeset import typeset


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "pages")
    folder.mkdir(parents=True, exist_ok=True)
    for spec in THREE_PAGES:
        path = folder / f"binhe-2025-06-09-p{spec.number}.pdf"
        typeset([spec], path)
        print(path)


if __name__ == "__main__":
    main()
