"""The registry finds the built-in engines by name, without reading every installed
package's entry points, and still lists plugins beside them."""

from __future__ import annotations

import subprocess
import sys

from audiopaper.engines import registry


def test_offline_voice_found_without_reading_entry_points() -> None:
    script = (
        "import sys\n"
        "from audiopaper.engines import get_engine\n"
        "engine = get_engine('offline')\n"
        "engine.frontend.phonemes('长江大桥')\n"
        "print(type(engine).__name__, 'importlib.metadata' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["OfflineEngine", "False"]


def test_names_list_built_ins_and_entry_points() -> None:
    assert {"offline", "edge"} <= set(registry.names())
